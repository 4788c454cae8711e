-- PRIV-1 / PRIV-3 at a million contacts (issue 20), written by hand: drizzle cannot express these
-- operator classes, expressions or the function. Looking a person up and erasing them read the
-- whole contacts table (an address compared row by row, free text matched by substring): 40 s
-- for one erasure at a million contacts. These indexes answer both from the index instead.
--
-- The addresses and numbers (lower-cased / E.164 on write, primary first) by array overlap.
CREATE INDEX IF NOT EXISTS "contacts_emails_idx" ON "contacts" USING gin ("emails");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "contacts_phones_idx" ON "contacts" USING gin ("phones");
--> statement-breakpoint
-- The contact's free text (the data registry's person.text columns of contacts), lower-cased and
-- joined by chr(1), by trigram: a substring search (LIKE '%…%') for an address, number or name.
-- The expression must stay identical to the one in kestrel_person_contacts below.
CREATE INDEX IF NOT EXISTS "contacts_person_text_idx" ON "contacts" USING gin ((lower(coalesce("title", '') || chr(1) || coalesce("address_line1", '') || chr(1) || coalesce("address_line2", '') || chr(1) || coalesce("custom"::text, ''))) gin_trgm_ops);
--> statement-breakpoint
-- Row-level security lets an index serve only LEAKPROOF operators, and neither array overlap,
-- citext equality nor LIKE is one (see kestrel_search_candidates): under the app role every
-- condition above would read every row. This function matches as the table owner, only inside
-- the workspace the transaction is scoped to (the setting the policies read), and returns the
-- ids of the contacts whose address or number is one of these or whose free text matches a
-- pattern (LIKE, case-insensitive). The caller narrows its own statement to those ids under
-- RLS (uuid equality is LEAKPROOF: a primary-key lookup) and keeps its own condition, which
-- still decides. It reveals nothing the scoped app role cannot read.
CREATE OR REPLACE FUNCTION kestrel_person_contacts(emails text[], phones text[], patterns text[])
RETURNS TABLE (id uuid)
LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 10
SET search_path = pg_catalog, public
AS $$
DECLARE
  ws uuid := nullif(current_setting('kestrel.workspace_id', true), '')::uuid;
  lowered text[] := ARRAY(SELECT lower(p) FROM unnest(coalesce(patterns, '{}')) AS p);
BEGIN
  IF ws IS NULL THEN
    RETURN;
  END IF;
  -- EXECUTE: planned for these values each time, so the trigram index sees the patterns themselves.
  RETURN QUERY EXECUTE $q$
    SELECT c.id
    FROM contacts c
    WHERE c.workspace_id = $1
      AND (c.email = ANY($2::citext[]) OR c.emails && $2 OR c.phone = ANY($3) OR c.phones && $3
           OR lower(coalesce(c.title, '') || chr(1) || coalesce(c.address_line1, '') || chr(1) || coalesce(c.address_line2, '') || chr(1) || coalesce(c.custom::text, ''))
              LIKE ANY($4))
  $q$ USING ws, coalesce(emails, '{}'), coalesce(phones, '{}'), lowered;
END;
$$;
