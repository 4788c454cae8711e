-- Fuzzy search as a nearest-neighbour walk (decision 004, revised). The GIN trigram indexes
-- answered "which rows are at least 0.3 similar", then ranked all of them: on a million
-- contacts with common names "jonh smith" matched hundreds of thousands of rows and took 19 s.
-- A GiST trigram index with the workspace first (btree_gist) walks the workspace's rows in
-- order of word-similarity distance and stops after the candidates it was asked for, so the
-- work is bounded by the page size, not by how common the name is.

DROP INDEX IF EXISTS "contacts_search_idx";
--> statement-breakpoint
DROP INDEX IF EXISTS "companies_search_idx";
--> statement-breakpoint
DROP INDEX IF EXISTS "deals_search_idx";
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "contacts_search_gist" ON "contacts" USING gist ("workspace_id", (lower(coalesce("first_name", '') || ' ' || coalesce("last_name", '') || ' ' || coalesce("email"::text, '') || ' ' || coalesce("phone", ''))) gist_trgm_ops(siglen=128));
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "companies_search_gist" ON "companies" USING gist ("workspace_id", (lower("name" || ' ' || coalesce("domain"::text, ''))) gist_trgm_ops(siglen=128));
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "deals_search_gist" ON "deals" USING gist ("workspace_id", (lower("name")) gist_trgm_ops(siglen=128));
--> statement-breakpoint
-- Same contract as before: candidate ids and word-similarity scores inside the transaction's
-- workspace only, best first, at most `lim`, none below `threshold`. `digits` (a phone number
-- typed in any format) matches as a substring of the stored text instead.
CREATE OR REPLACE FUNCTION kestrel_search_candidates(object text, q text, digits text, lim integer, threshold real)
RETURNS TABLE (id uuid, score real)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
  ws uuid := nullif(current_setting('kestrel.workspace_id', true), '')::uuid;
BEGIN
  IF ws IS NULL OR lim < 1 THEN
    RETURN;
  END IF;
  IF object = 'contacts' THEN
    IF digits <> '' THEN
      RETURN QUERY
        SELECT c.id, 1::real
        FROM contacts c
        WHERE c.workspace_id = ws
          AND lower(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '') || ' ' || coalesce(c.email::text, '') || ' ' || coalesce(c.phone, '')) LIKE '%' || digits || '%'
        LIMIT lim;
      RETURN;
    END IF;
    RETURN QUERY
      SELECT n.id, n.score FROM (
        SELECT c.id, (1 - (q <<-> lower(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '') || ' ' || coalesce(c.email::text, '') || ' ' || coalesce(c.phone, ''))))::real AS score
        FROM contacts c
        WHERE c.workspace_id = ws
        ORDER BY q <<-> lower(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '') || ' ' || coalesce(c.email::text, '') || ' ' || coalesce(c.phone, ''))
        LIMIT lim
      ) n
      WHERE n.score >= threshold;
  ELSIF object = 'companies' THEN
    RETURN QUERY
      SELECT n.id, n.score FROM (
        SELECT c.id, (1 - (q <<-> lower(c.name || ' ' || coalesce(c.domain::text, ''))))::real AS score
        FROM companies c
        WHERE c.workspace_id = ws
        ORDER BY q <<-> lower(c.name || ' ' || coalesce(c.domain::text, ''))
        LIMIT lim
      ) n
      WHERE n.score >= threshold;
  ELSIF object = 'deals' THEN
    RETURN QUERY
      SELECT n.id, n.score FROM (
        SELECT d.id, (1 - (q <<-> lower(d.name)))::real AS score
        FROM deals d
        WHERE d.workspace_id = ws
        ORDER BY q <<-> lower(d.name)
        LIMIT lim
      ) n
      WHERE n.score >= threshold;
  END IF;
END;
$$;
