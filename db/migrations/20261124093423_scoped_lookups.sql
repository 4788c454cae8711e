-- Scoped reads in one round trip. Every signed-in request resolves the caller's role in the
-- workspace it names, and `GET /api/auth/me` lists the caller's workspaces. As transactions
-- (BEGIN, set the scope, SELECT, COMMIT) those were four round trips each, which on a small VM
-- cost more than the queries themselves (docs/benchmarks.md, platform section).
--
-- These functions run with the CALLER's rights (SECURITY INVOKER): they set the same
-- `kestrel.user_id` setting the policies read, for the length of the statement, so row-level
-- security still decides what they return. The previous value is put back, so calling one
-- inside a tenant transaction does not change that transaction's scope.

CREATE OR REPLACE FUNCTION kestrel_member_role(p_workspace uuid, p_user uuid)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, public
AS $$
DECLARE
  prev text := current_setting('kestrel.user_id', true);
  found_role text;
BEGIN
  PERFORM set_config('kestrel.user_id', coalesce(p_user::text, ''), true);
  SELECT m.role INTO found_role FROM memberships m WHERE m.workspace_id = p_workspace AND m.user_id = p_user;
  PERFORM set_config('kestrel.user_id', coalesce(prev, ''), true);
  RETURN found_role;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION kestrel_user_workspaces(p_user uuid)
RETURNS TABLE (id uuid, name text, role text)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, public
AS $$
DECLARE
  prev text := current_setting('kestrel.user_id', true);
BEGIN
  PERFORM set_config('kestrel.user_id', coalesce(p_user::text, ''), true);
  RETURN QUERY
    SELECT w.id, w.name::text, m.role::text
    FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
    WHERE m.user_id = p_user
    ORDER BY w.name, w.id;
  PERFORM set_config('kestrel.user_id', coalesce(prev, ''), true);
END;
$$;
