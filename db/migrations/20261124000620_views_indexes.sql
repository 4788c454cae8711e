-- CRM-6 views and search at a million records per workspace (written by hand: drizzle cannot
-- express operator classes or these expressions). The sort and search expressions must stay
-- identical to those in src/server/modules/views/fields.ts and search-records.ts.

-- Default sort (newest first) and "updated" sort: a page of 50 is an index range scan, and the
-- keyset cursor (created_at, id) is a bound on the same index.
CREATE INDEX IF NOT EXISTS "contacts_created_idx" ON "contacts" USING btree ("workspace_id", "created_at", "id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "contacts_updated_idx" ON "contacts" USING btree ("workspace_id", "updated_at", "id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "companies_created_idx" ON "companies" USING btree ("workspace_id", "created_at", "id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "deals_created_idx" ON "deals" USING btree ("workspace_id", "created_at", "id");
--> statement-breakpoint
-- Zip code prefixes ("94…"): LIKE '94%' is a btree range in the C collation the cluster uses.
CREATE INDEX IF NOT EXISTS "contacts_postal_code_idx" ON "contacts" USING btree ("workspace_id", "postal_code");
--> statement-breakpoint
-- Custom field filters: `custom @> '{"key": value}'` (equality, checkboxes, multi-select "has all").
CREATE INDEX IF NOT EXISTS "contacts_custom_idx" ON "contacts" USING gin ("custom" jsonb_path_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "companies_custom_idx" ON "companies" USING gin ("custom" jsonb_path_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "deals_custom_idx" ON "deals" USING gin ("custom" jsonb_path_ops);
--> statement-breakpoint
-- Command palette: trigram indexes on one lower-cased search text per object (word similarity, `<%`).
CREATE INDEX IF NOT EXISTS "contacts_search_idx" ON "contacts" USING gin ((lower(coalesce("first_name", '') || ' ' || coalesce("last_name", '') || ' ' || coalesce("email"::text, '') || ' ' || coalesce("phone", ''))) gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "companies_search_idx" ON "companies" USING gin ((lower("name" || ' ' || coalesce("domain"::text, ''))) gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "deals_search_idx" ON "deals" USING gin ((lower("name")) gin_trgm_ops);
--> statement-breakpoint
-- Row-level security only lets an index serve a condition whose operator is LEAKPROOF, and
-- pg_trgm's operators are not: under RLS the trigram indexes above would never be used and a
-- search would read every row. This function runs the trigram match as the table owner, but
-- only inside the workspace the transaction is scoped to (the same setting the policies read),
-- and returns candidate ids and scores; the caller joins them back under RLS and role visibility.
-- EXECUTE stays with PUBLIC (the default): it reveals nothing the scoped app role cannot read.
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
  PERFORM set_config('pg_trgm.word_similarity_threshold', threshold::text, true);
  IF object = 'contacts' THEN
    RETURN QUERY
      SELECT c.id, word_similarity(q, s.t)
      FROM contacts c, LATERAL (SELECT lower(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '') || ' ' || coalesce(c.email::text, '') || ' ' || coalesce(c.phone, '')) AS t) s
      WHERE c.workspace_id = ws
        AND (q <% lower(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '') || ' ' || coalesce(c.email::text, '') || ' ' || coalesce(c.phone, ''))
             OR (digits <> '' AND lower(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '') || ' ' || coalesce(c.email::text, '') || ' ' || coalesce(c.phone, '')) LIKE '%' || digits || '%'))
      ORDER BY 2 DESC, similarity(q, s.t) DESC, c.id
      LIMIT lim;
  ELSIF object = 'companies' THEN
    RETURN QUERY
      SELECT c.id, word_similarity(q, lower(c.name || ' ' || coalesce(c.domain::text, '')))
      FROM companies c
      WHERE c.workspace_id = ws AND q <% lower(c.name || ' ' || coalesce(c.domain::text, ''))
      ORDER BY 2 DESC, similarity(q, lower(c.name || ' ' || coalesce(c.domain::text, ''))) DESC, c.id
      LIMIT lim;
  ELSIF object = 'deals' THEN
    RETURN QUERY
      SELECT d.id, word_similarity(q, lower(d.name))
      FROM deals d
      WHERE d.workspace_id = ws AND q <% lower(d.name)
      ORDER BY 2 DESC, similarity(q, lower(d.name)) DESC, d.id
      LIMIT lim;
  END IF;
END;
$$;
