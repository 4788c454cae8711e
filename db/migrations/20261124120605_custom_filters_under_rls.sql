-- Custom-field filters under row-level security (decision 004, revised). A view filter such as
-- "loyalty tier is Gold" compiles to `custom @> '{"loyalty_tier":"Gold"}'`, which the `custom`
-- GIN index (jsonb_path_ops) answers — but under RLS PostgreSQL uses an index for a query's own
-- condition only when its function is LEAKPROOF, and jsonb_contains is not marked so. It is one
-- in fact: it raises no error that depends on the values compared (custom values are flat, so
-- not even the nesting-depth check can fire) and has no side effects. Marking it lets the
-- planner AND the custom-field index with the others (zip 94… + lead + Gold on a million
-- contacts: 1 s → ~65 ms warm). Only a superuser may mark it, and it applies to the whole
-- cluster: done when the migrations run as one (the embedded PostgreSQL, and self-hosted
-- clusters where the operator allows it); elsewhere filters still work, walking another index.
DO $$
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    ALTER FUNCTION pg_catalog.jsonb_contains(jsonb, jsonb) LEAKPROOF;
  ELSE
    RAISE NOTICE 'Kestrel: migrations do not run as a superuser, so custom-field filters cannot use their GIN index under row-level security (docs/decisions/004).';
  END IF;
END
$$;
