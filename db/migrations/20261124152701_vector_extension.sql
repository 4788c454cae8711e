-- AI-3: pgvector is used when the database offers it, never required. Installing an extension
-- needs a privileged role: where the migrating role lacks it, a notice says so and semantic
-- search stays off until an administrator runs CREATE EXTENSION vector.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    BEGIN
      CREATE EXTENSION IF NOT EXISTS vector;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'pgvector is available but this role cannot install it; semantic search stays off until CREATE EXTENSION vector is run';
    END;
  END IF;
END
$$;
