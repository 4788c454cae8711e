-- CRM-6 fuzzy search over a vocabulary (decision 004, third form). Scoring every record by
-- trigram distance cannot be fast at a million contacts: real names repeat, so thousands of
-- rows sit at the same distance and no index walk can stop early. Instead a misspelt query
-- word is corrected against the workspace's vocabulary of name words (a few hundred to a few
-- thousand words: search_terms), and records are then found by exact word in a GIN index.

-- The words of a name: accents removed, lower-cased by Unicode rules, split at anything that
-- is not a letter, digit or apostrophe. The same function reads queries, so both sides agree.
CREATE OR REPLACE FUNCTION kestrel_words(v text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT array_remove(regexp_split_to_array(lower(public.unaccent('public.unaccent'::regdictionary, coalesce(v, '')) COLLATE "pg_c_utf8"), '[^[:alnum:]'']+'), '');
END;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "contacts_words_idx" ON "contacts" USING gin (kestrel_words(coalesce("first_name", '') || ' ' || coalesce("last_name", '')));
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "companies_words_idx" ON "companies" USING gin (kestrel_words("name"));
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "deals_words_idx" ON "deals" USING gin (kestrel_words("name"));
--> statement-breakpoint
-- A phone number typed in any format matches as digits inside the stored E.164 number.
CREATE INDEX IF NOT EXISTS "contacts_phone_trgm_idx" ON "contacts" USING gin ("phone" gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "search_terms_trgm_idx" ON "search_terms" USING gist ("workspace_id", "record_type", "term" gist_trgm_ops);
--> statement-breakpoint
DROP INDEX IF EXISTS "contacts_search_gist";
--> statement-breakpoint
DROP INDEX IF EXISTS "companies_search_gist";
--> statement-breakpoint
DROP INDEX IF EXISTS "deals_search_gist";
--> statement-breakpoint
DROP FUNCTION IF EXISTS kestrel_search_candidates(text, text, text, integer, real);
--> statement-breakpoint
-- The vocabulary follows every insert and update, a statement at a time (an import of a
-- million rows adds its few hundred new words in one INSERT). Sorted, so that two writers
-- adding the same new words take them in the same order and cannot deadlock.
CREATE OR REPLACE FUNCTION kestrel_keep_search_terms() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
  IF TG_TABLE_NAME = 'contacts' THEN
    INSERT INTO search_terms (workspace_id, record_type, term)
    SELECT DISTINCT n.workspace_id, 'contacts', w
    FROM new_rows n, unnest(kestrel_words(coalesce(n.first_name, '') || ' ' || coalesce(n.last_name, ''))) w
    WHERE length(w) <= 64
    ORDER BY 1, 3
    ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO search_terms (workspace_id, record_type, term)
    SELECT DISTINCT n.workspace_id, TG_TABLE_NAME, w
    FROM new_rows n, unnest(kestrel_words(n.name)) w
    WHERE length(w) <= 64
    ORDER BY 1, 3
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "contacts_search_terms_insert" AFTER INSERT ON "contacts" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kestrel_keep_search_terms();
--> statement-breakpoint
CREATE TRIGGER "contacts_search_terms_update" AFTER UPDATE ON "contacts" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kestrel_keep_search_terms();
--> statement-breakpoint
CREATE TRIGGER "companies_search_terms_insert" AFTER INSERT ON "companies" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kestrel_keep_search_terms();
--> statement-breakpoint
CREATE TRIGGER "companies_search_terms_update" AFTER UPDATE ON "companies" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kestrel_keep_search_terms();
--> statement-breakpoint
CREATE TRIGGER "deals_search_terms_insert" AFTER INSERT ON "deals" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kestrel_keep_search_terms();
--> statement-breakpoint
CREATE TRIGGER "deals_search_terms_update" AFTER UPDATE ON "deals" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kestrel_keep_search_terms();
--> statement-breakpoint
-- Every word of every record, again: after this migration, and after a bulk load that wrote
-- with triggers off (seed:big).
CREATE OR REPLACE FUNCTION kestrel_rebuild_search_terms() RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, public
BEGIN ATOMIC
  INSERT INTO search_terms (workspace_id, record_type, term)
  SELECT workspace_id, 'contacts', w FROM contacts, unnest(kestrel_words(coalesce(first_name, '') || ' ' || coalesce(last_name, ''))) w WHERE length(w) <= 64
  UNION
  SELECT workspace_id, 'companies', w FROM companies, unnest(kestrel_words(name)) w WHERE length(w) <= 64
  UNION
  SELECT workspace_id, 'deals', w FROM deals, unnest(kestrel_words(name)) w WHERE length(w) <= 64
  ON CONFLICT DO NOTHING;
END;
--> statement-breakpoint
SELECT kestrel_rebuild_search_terms();
--> statement-breakpoint
-- Vocabulary words near each query word, inside the transaction's workspace: the `lim` nearest
-- by trigram distance and the first `lim` that start with it (typing ahead). Runs as the owner
-- because row-level security keeps pg_trgm's operators (not LEAKPROOF) from using an index.
CREATE OR REPLACE FUNCTION kestrel_search_terms(object text, q text, lim integer)
RETURNS TABLE (word_no integer, word text, term text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
ROWS 50
SET search_path = pg_catalog, public
AS $$
DECLARE
  ws uuid := nullif(current_setting('kestrel.workspace_id', true), '')::uuid;
  w text;
  i integer := 0;
BEGIN
  IF ws IS NULL OR lim < 1 THEN
    RETURN;
  END IF;
  FOREACH w IN ARRAY kestrel_words(q) LOOP
    i := i + 1;
    EXIT WHEN i > 8;
    RETURN QUERY
      SELECT i, w, t.term FROM (
        (SELECT s.term FROM search_terms s WHERE s.workspace_id = ws AND s.record_type = object ORDER BY s.term <-> w LIMIT lim)
        UNION
        (SELECT s.term FROM search_terms s WHERE s.workspace_id = ws AND s.record_type = object AND s.term >= w AND s.term < w || chr(1114111) ORDER BY s.term LIMIT lim)
      ) t;
  END LOOP;
END;
$$;
--> statement-breakpoint
-- Records of the transaction's workspace whose name holds a word of every set, tier by tier
-- (tier 1: the best reading of each query word; tier 2: every accepted reading), then those
-- whose email or domain starts with `prefix`, or whose phone holds `digits`; at most `lim`.
-- `tiers` is a JSON array of tiers, each an array of word sets (arrays of words).
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
  words_of := CASE object WHEN 'contacts' THEN 'kestrel_words(coalesce(r.first_name, '''') || '' '' || coalesce(r.last_name, ''''))' ELSE 'kestrel_words(r.name)' END;
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
