-- Issue 14: the session statement of every signed-in request, at about half its PostgreSQL CPU
-- (decision 023, measured with bench/session-cost.ts): the function runs as its owner, so the
-- row-level-security policies of memberships and workspaces (one with an EXISTS of its own) are
-- not evaluated for its two reads. What it reads is unchanged: only after the session token's
-- hash was found alive, and only the rows of that session's own user (m.user_id = uid) — exactly
-- the rows the membership and workspace policies show that user. Its result is the same; every
-- other query still runs as the application role under row-level security. search_path stays
-- pinned (pg_catalog, public) as a SECURITY DEFINER function requires.
CREATE OR REPLACE FUNCTION kestrel_session_context(p_session text, p_idle_cutoff timestamptz, p_workspace uuid, p_with_workspaces boolean)
RETURNS TABLE (
  sid text, uid uuid, mfa boolean, mail text, display_name text, has_password boolean,
  google_linked boolean, two_factor boolean, joined_at timestamptz, member_role text, workspace_list json,
  workspace_purge_after timestamptz
)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
  seen timestamptz;
BEGIN
  SELECT s.id, s.user_id, s.mfa_pending, u.email::text, u.name, u.password_hash IS NOT NULL,
         u.google_sub IS NOT NULL, u.totp_enabled_at IS NOT NULL, u.created_at, s.last_seen_at
    INTO sid, uid, mfa, mail, display_name, has_password, google_linked, two_factor, joined_at, seen
    FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.id = p_session AND s.expires_at > now() AND s.last_seen_at > p_idle_cutoff AND u.deletion_requested_at IS NULL;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  -- Reads stay reads: the idle clock moves at most once a minute.
  IF seen < now() - interval '60 seconds' THEN
    UPDATE sessions SET last_seen_at = now() WHERE id = p_session;
  END IF;
  -- A second factor still owed: no workspace until it is given.
  IF NOT mfa AND (p_workspace IS NOT NULL OR p_with_workspaces) THEN
    IF p_workspace IS NOT NULL THEN
      SELECT m.role::text, w.purge_after INTO member_role, workspace_purge_after
        FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
        WHERE m.workspace_id = p_workspace AND m.user_id = uid;
    END IF;
    IF p_with_workspaces THEN
      SELECT coalesce(json_agg(json_build_object('id', w.id, 'name', w.name, 'role', m.role, 'closedUntil', w.purge_after) ORDER BY w.name, w.id), '[]'::json)
        INTO workspace_list
        FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
        WHERE m.user_id = uid;
    END IF;
  END IF;
  RETURN NEXT;
END;
$$;
