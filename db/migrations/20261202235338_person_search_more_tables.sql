-- PRIV-1 / PRIV-3 (issue 20), written by hand as 20261202182939_person_search_indexes was (drizzle
-- cannot express these operator classes, expressions or the function): looking a person up and
-- erasing them still read activities, companies and deals whole — an address compared row by row
-- and free text matched by substring, under row-level security, which keeps the app role's own
-- conditions from using any index. The same answer as for contacts: indexes, and a function that
-- matches as the table owner inside the transaction's workspace and returns candidate ids only.
--
-- Lower-cases every element of a text array (IMMUTABLE, so an index can be built on it).
CREATE OR REPLACE FUNCTION kestrel_lower_all(value text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog
AS $$ SELECT coalesce(array_agg(lower(x)), '{}') FROM unnest(value) AS x $$;
--> statement-breakpoint
-- An email's recipients, case folded, by array overlap.
CREATE INDEX IF NOT EXISTS "activities_email_to_idx" ON "activities" USING gin (kestrel_lower_all("email_to"));
--> statement-breakpoint
-- Each table's free text (its data registry's person.text columns), lower-cased and joined by
-- chr(1), by trigram. Each expression must stay identical to the one in kestrel_person_rows below.
CREATE INDEX IF NOT EXISTS "activities_person_text_idx" ON "activities" USING gin ((lower(coalesce("subject", '') || chr(1) || coalesce("body", '') || chr(1) || coalesce("body_text", '') || chr(1) || coalesce("email_from", '') || chr(1) || coalesce("meeting_location", ''))) gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "companies_person_text_idx" ON "companies" USING gin ((lower(coalesce("custom"::text, ''))) gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "deals_person_text_idx" ON "deals" USING gin ((lower(coalesce("name", '') || chr(1) || coalesce("lost_reason", '') || chr(1) || coalesce("custom"::text, ''))) gin_trgm_ops);
--> statement-breakpoint
-- The ids of `tbl`'s rows in the transaction's workspace that may be about the person: an email
-- to one of these addresses (activities), or free text matching a pattern (LIKE, case-insensitive),
-- or (deals) a deal of one of these contacts. As kestrel_person_contacts: the caller narrows its
-- own statement to these ids under row-level security and keeps its own condition, which still
-- decides; nothing is revealed that the scoped app role cannot read.
CREATE OR REPLACE FUNCTION kestrel_person_rows(tbl text, emails text[], patterns text[], contact_ids uuid[])
RETURNS TABLE (id uuid)
LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 10
SET search_path = pg_catalog, public
AS $$
DECLARE
  ws uuid := nullif(current_setting('kestrel.workspace_id', true), '')::uuid;
  lowered text[] := ARRAY(SELECT lower(p) FROM unnest(coalesce(patterns, '{}')) AS p);
  folded text[] := ARRAY(SELECT lower(e) FROM unnest(coalesce(emails, '{}')) AS e);
BEGIN
  IF ws IS NULL THEN
    RETURN;
  END IF;
  -- EXECUTE: planned for these values each time, so the trigram indexes see the patterns themselves.
  IF tbl = 'activities' THEN
    RETURN QUERY EXECUTE $q$
      SELECT a.id FROM activities a
      WHERE a.workspace_id = $1
        AND (kestrel_lower_all(a.email_to) && $2
             OR lower(coalesce(a.subject, '') || chr(1) || coalesce(a.body, '') || chr(1) || coalesce(a.body_text, '') || chr(1) || coalesce(a.email_from, '') || chr(1) || coalesce(a.meeting_location, '')) LIKE ANY($3))
    $q$ USING ws, folded, lowered;
  ELSIF tbl = 'companies' THEN
    RETURN QUERY EXECUTE $q$
      SELECT c.id FROM companies c
      WHERE c.workspace_id = $1 AND lower(coalesce(c.custom::text, '')) LIKE ANY($2)
    $q$ USING ws, lowered;
  ELSIF tbl = 'deals' THEN
    RETURN QUERY EXECUTE $q$
      SELECT d.id FROM deals d
      WHERE d.workspace_id = $1
        AND (d.contact_id = ANY($2)
             OR lower(coalesce(d.name, '') || chr(1) || coalesce(d.lost_reason, '') || chr(1) || coalesce(d.custom::text, '')) LIKE ANY($3))
    $q$ USING ws, coalesce(contact_ids, '{}'), lowered;
  ELSE
    RAISE EXCEPTION 'kestrel_person_rows: no indexed search for table %', tbl;
  END IF;
END;
$$;
