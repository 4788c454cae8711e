-- CRM-6: an update adds vocabulary words only for the rows whose name changed. A bulk change of
-- lifecycle or owner on a million contacts no longer splits a million names into words.
CREATE OR REPLACE FUNCTION kestrel_keep_search_terms() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
  -- Each branch names only the transition tables its trigger has (an INSERT has no old_rows).
  IF TG_OP = 'INSERT' AND TG_TABLE_NAME = 'contacts' THEN
    INSERT INTO search_terms (workspace_id, record_type, term)
    SELECT DISTINCT n.workspace_id, 'contacts', w
    FROM new_rows n, unnest(kestrel_words(coalesce(n.first_name, '') || ' ' || coalesce(n.last_name, ''))) w
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
    FROM new_rows n JOIN old_rows o ON o.workspace_id = n.workspace_id AND o.id = n.id,
      unnest(kestrel_words(coalesce(n.first_name, '') || ' ' || coalesce(n.last_name, ''))) w
    WHERE length(w) <= 64
      AND (o.first_name IS DISTINCT FROM n.first_name OR o.last_name IS DISTINCT FROM n.last_name)
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
DROP TRIGGER IF EXISTS "contacts_search_terms_update" ON "contacts";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "companies_search_terms_update" ON "companies";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "deals_search_terms_update" ON "deals";
--> statement-breakpoint
CREATE TRIGGER "contacts_search_terms_update" AFTER UPDATE ON "contacts" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kestrel_keep_search_terms();
--> statement-breakpoint
CREATE TRIGGER "companies_search_terms_update" AFTER UPDATE ON "companies" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kestrel_keep_search_terms();
--> statement-breakpoint
CREATE TRIGGER "deals_search_terms_update" AFTER UPDATE ON "deals" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kestrel_keep_search_terms();
