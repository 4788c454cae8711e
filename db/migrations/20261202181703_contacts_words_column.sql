-- Issue 14 (import) / CRM-6: a contact's name words are computed once, when the name is written.
-- Until now every new contact split its name twice: once for the GIN expression index
-- contacts_words_idx and once more in the vocabulary trigger (kestrel_keep_search_terms), and
-- each search and each erasure split every candidate's name a third time. kestrel_words costs
-- ~15 µs a call here (unaccent, lower, regexp split; measured in docs/benchmarks.md). A stored
-- generated column holds the words; the index, the trigger, the search and the erasure read it.
-- PostgreSQL recomputes it only when first_name or last_name is written (an update of the
-- lifecycle or owner does not split names). Not in crm.schema.ts, like the expression index it
-- replaces: the app's own reads and writes never name it.
DROP INDEX IF EXISTS "contacts_words_idx";
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN IF NOT EXISTS "words" text[]
  GENERATED ALWAYS AS (kestrel_words(coalesce("first_name", '') || ' ' || coalesce("last_name", ''))) STORED;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "contacts_words_idx" ON "contacts" USING gin ("words");
--> statement-breakpoint
-- The vocabulary trigger reads the stored words; an update adds words only for the rows whose
-- words changed (a name edited to the same words adds nothing new).
CREATE OR REPLACE FUNCTION kestrel_keep_search_terms() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
  -- Each branch names only the transition tables its trigger has (an INSERT has no old_rows).
  IF TG_OP = 'INSERT' AND TG_TABLE_NAME = 'contacts' THEN
    INSERT INTO search_terms (workspace_id, record_type, term)
    SELECT DISTINCT n.workspace_id, 'contacts', w
    FROM new_rows n, unnest(n.words) w
    WHERE length(w) <= 64
    ORDER BY 1, 3
    ON CONFLICT DO NOTHING;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO search_terms (workspace_id, record_type, term)
    SELECT DISTINCT n.workspace_id, TG_TABLE_NAME, w
    FROM new_rows n, unnest(kestrel_words(n.name)) w
    WHERE length(w) <= 64
    ORDER BY 1, 3
    ON CONFLICT DO NOTHING;
  ELSIF TG_TABLE_NAME = 'contacts' THEN
    INSERT INTO search_terms (workspace_id, record_type, term)
    SELECT DISTINCT n.workspace_id, 'contacts', w
    FROM new_rows n JOIN old_rows o ON o.workspace_id = n.workspace_id AND o.id = n.id, unnest(n.words) w
    WHERE length(w) <= 64 AND o.words IS DISTINCT FROM n.words
    ORDER BY 1, 3
    ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO search_terms (workspace_id, record_type, term)
    SELECT DISTINCT n.workspace_id, TG_TABLE_NAME, w
    FROM new_rows n JOIN old_rows o ON o.workspace_id = n.workspace_id AND o.id = n.id, unnest(kestrel_words(n.name)) w
    WHERE length(w) <= 64 AND o.name IS DISTINCT FROM n.name
    ORDER BY 1, 3
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION kestrel_rebuild_search_terms() RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, public
BEGIN ATOMIC
  INSERT INTO search_terms (workspace_id, record_type, term)
  SELECT workspace_id, 'contacts', w FROM contacts, unnest(words) w WHERE length(w) <= 64
  UNION
  SELECT workspace_id, 'companies', w FROM companies, unnest(kestrel_words(name)) w WHERE length(w) <= 64
  UNION
  SELECT workspace_id, 'deals', w FROM deals, unnest(kestrel_words(name)) w WHERE length(w) <= 64
  ON CONFLICT DO NOTHING;
END;
--> statement-breakpoint
-- As in the search_vocabulary migration, but a contact's words are its stored column.
CREATE OR REPLACE FUNCTION kestrel_search_records(object text, tiers jsonb, prefix text, digits text, lim integer)
RETURNS TABLE (id uuid, tier integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER
-- At most `lim` (100 from the app): the planner must not expect a thousand and hash-join a whole table.
ROWS 100
SET search_path = pg_catalog, public
AS $$
DECLARE
  ws uuid := nullif(current_setting('kestrel.workspace_id', true), '')::uuid;
  words_of text;
  tbl text;
  cond text;
  t jsonb;
  word_set jsonb;
  k integer := 0;
  seen uuid[] := '{}';
  r record;
BEGIN
  IF ws IS NULL OR lim < 1 OR object NOT IN ('contacts', 'companies', 'deals') THEN
    RETURN;
  END IF;
  tbl := object;
  words_of := CASE object WHEN 'contacts' THEN 'r.words' ELSE 'kestrel_words(r.name)' END;
  FOR t IN SELECT value FROM jsonb_array_elements(coalesce(tiers, '[]')) LOOP
    k := k + 1;
    cond := '';
    FOR word_set IN SELECT value FROM jsonb_array_elements(t) LOOP
      cond := cond || format(' AND %s && %L::text[]', words_of, ARRAY(SELECT jsonb_array_elements_text(word_set)));
    END LOOP;
    CONTINUE WHEN cond = '';
    FOR r IN EXECUTE format('SELECT r.id FROM %I r WHERE r.workspace_id = $1 %s AND r.id <> ALL ($2) LIMIT $3', tbl, cond)
      USING ws, seen, lim - coalesce(array_length(seen, 1), 0) LOOP
      id := r.id;
      tier := k;
      seen := seen || r.id;
      RETURN NEXT;
    END LOOP;
    IF coalesce(array_length(seen, 1), 0) >= lim THEN
      RETURN;
    END IF;
  END LOOP;
  k := k + 1;
  IF prefix <> '' AND object = 'contacts' THEN
    FOR r IN SELECT c.id FROM contacts c WHERE c.workspace_id = ws AND c.email >= prefix::citext AND c.email < (prefix || chr(1114111))::citext
      AND lower(c.email::text) LIKE replace(replace(replace(prefix, '\', '\\'), '%', '\%'), '_', '\_') || '%' AND c.id <> ALL (seen)
      LIMIT lim - coalesce(array_length(seen, 1), 0) LOOP
      id := r.id; tier := k; seen := seen || r.id; RETURN NEXT;
    END LOOP;
  ELSIF prefix <> '' AND object = 'companies' THEN
    FOR r IN SELECT c.id FROM companies c WHERE c.workspace_id = ws AND c.domain >= prefix::citext AND c.domain < (prefix || chr(1114111))::citext
      AND lower(c.domain::text) LIKE replace(replace(replace(prefix, '\', '\\'), '%', '\%'), '_', '\_') || '%' AND c.id <> ALL (seen)
      LIMIT lim - coalesce(array_length(seen, 1), 0) LOOP
      id := r.id; tier := k; seen := seen || r.id; RETURN NEXT;
    END LOOP;
  END IF;
  IF digits <> '' AND object = 'contacts' AND coalesce(array_length(seen, 1), 0) < lim THEN
    FOR r IN SELECT c.id FROM contacts c WHERE c.workspace_id = ws AND c.phone LIKE '%' || digits || '%' AND c.id <> ALL (seen)
      LIMIT lim - coalesce(array_length(seen, 1), 0) LOOP
      id := r.id; tier := k; seen := seen || r.id; RETURN NEXT;
    END LOOP;
  END IF;
END;
$$;
