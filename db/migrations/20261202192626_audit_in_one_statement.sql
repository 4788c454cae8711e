-- Issue 14 / AUDIT: one audit entry in one round trip (was three: BEGIN with the scope, INSERT,
-- COMMIT), for entries written on their own (an agent's tool calls). The same rule as
-- kestrel_record_ai_call (decision 023): sent on its own, its statement is its transaction; the
-- scope (and, when asked, synchronous_commit = off) is set with is_local = true for that
-- transaction only, the row is checked by row-level security as before, and the scope found on
-- entry is put back before returning. SECURITY INVOKER.
-- Columns as in src/server/modules/audit/audit.schema.ts (auditLog); change both together.
CREATE FUNCTION kestrel_record_audit(
  p_workspace uuid, p_id uuid, p_actor uuid, p_actor_label text, p_action text, p_target_type text,
  p_target_id text, p_ip text, p_user_agent text, p_details jsonb, p_wait_for_disk boolean
)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, public
AS $$
DECLARE
  prev_workspace text := current_setting('kestrel.workspace_id', true);
  prev_user text := current_setting('kestrel.user_id', true);
BEGIN
  PERFORM set_config('kestrel.workspace_id', p_workspace::text, true),
          set_config('kestrel.user_id', coalesce(p_actor::text, ''), true);
  IF NOT p_wait_for_disk THEN
    PERFORM set_config('synchronous_commit', 'off', true);
  END IF;
  INSERT INTO audit_log (workspace_id, id, actor_user_id, actor_label, action, target_type, target_id, ip, user_agent, details)
  VALUES (p_workspace, p_id, p_actor, p_actor_label, p_action, p_target_type, p_target_id, p_ip, p_user_agent, coalesce(p_details, '{}'::jsonb));
  PERFORM set_config('kestrel.workspace_id', coalesce(prev_workspace, ''), true),
          set_config('kestrel.user_id', coalesce(prev_user, ''), true);
  RETURN p_id;
END;
$$;
