-- Issue 14 / AI-4: the record of one model call in one round trip (was three: BEGIN with the
-- scope, INSERT, COMMIT). Called on its own, so its statement is its own transaction: the scope
-- is set with is_local = true for that transaction only and row-level security checks the row
-- against it exactly as before; the commit does not wait for the disk (as before). The previous
-- scope is put back before returning, so a caller inside a longer transaction keeps its own.
-- SECURITY INVOKER: the application role writes under its own rights and policies.
-- Columns as in src/server/modules/ai/ai.schema.ts (aiCalls); change both together.
CREATE FUNCTION kestrel_record_ai_call(
  p_workspace uuid, p_user uuid, p_id uuid, p_feature text, p_run uuid, p_provider_kind text,
  p_provider_source text, p_model text, p_prompt jsonb, p_record_refs jsonb, p_output jsonb,
  p_tokens_in integer, p_tokens_out integer, p_cost_usd numeric, p_latency_ms integer,
  p_attempts integer, p_streamed boolean, p_outcome text, p_error_message text
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
          set_config('kestrel.user_id', coalesce(p_user::text, ''), true),
          set_config('synchronous_commit', 'off', true);
  INSERT INTO ai_calls (workspace_id, id, user_id, feature, run_id, provider_kind, provider_source, model, prompt,
                        record_refs, output, tokens_in, tokens_out, cost_usd, latency_ms, attempts, streamed, outcome, error_message)
  VALUES (p_workspace, p_id, p_user, p_feature, p_run, p_provider_kind, p_provider_source, p_model, p_prompt,
          coalesce(p_record_refs, '[]'::jsonb), p_output, p_tokens_in, p_tokens_out, p_cost_usd, p_latency_ms,
          coalesce(p_attempts, 0), coalesce(p_streamed, false), p_outcome, p_error_message);
  PERFORM set_config('kestrel.workspace_id', coalesce(prev_workspace, ''), true),
          set_config('kestrel.user_id', coalesce(prev_user, ''), true);
  RETURN p_id;
END;
$$;
