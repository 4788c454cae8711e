import type pg from 'pg';
import type { Role } from '../../modules/workspaces/workspaces.schema';
import { eq } from 'drizzle-orm';
import { sessions, users } from '../../modules/accounts/accounts.schema';
import { AppError } from '../http/errors';
import type { Config } from '../config';
import type { Queryable } from '../db/database';
import { hmac, randomToken, sha256 } from '../crypto/tokens';

const DAY = 86_400_000;

export const sessionCookieName = (config: Config) => (config.isProduction ? '__Host-kestrel_session' : 'kestrel_session');

export interface SessionMeta {
  userAgent?: string | null;
  ip?: string | null;
  mfaPending?: boolean;
  /** How the person proved who they are: password, email_code, google or password_reset. */
  method?: SignInMethod;
}

export type SignInMethod = 'password' | 'email_code' | 'google' | 'password_reset';

/** AUTH-5: creates a server-side session; returns the cookie token (only its hash is stored). */
export async function createSession(tx: Queryable, config: Config, userId: string, meta: SessionMeta): Promise<{ token: string; id: string }> {
  // PRIV-3: every way of signing in ends here, so an account being deleted is refused here.
  const [user] = await tx.select({ deletionRequestedAt: users.deletionRequestedAt }).from(users).where(eq(users.id, userId));
  if (user?.deletionRequestedAt) throw new AppError('account_deleted', 403, 'This account was deleted at its owner\'s request and can no longer sign in.');
  const token = randomToken();
  const id = sha256(token);
  await tx.insert(sessions).values({
    id,
    userId,
    userAgent: meta.userAgent?.slice(0, 500) ?? null,
    ip: meta.ip ?? null,
    mfaPending: meta.mfaPending ?? false,
    signInMethod: meta.method ?? null,
    expiresAt: new Date(Date.now() + config.SESSION_ABSOLUTE_DAYS * DAY),
  });
  return { token, id };
}

export interface ResolvedSession {
  sessionId: string;
  userId: string;
  email: string;
  name: string;
  mfaPending: boolean;
  /** What the account page and `GET /api/auth/me` show, read with the session in one query. */
  hasPassword: boolean;
  googleLinked: boolean;
  twoFactorEnabled: boolean;
  createdAt: Date;
}

export interface SessionContext extends ResolvedSession {
  /** The caller's role in the workspace asked for, or null (not a member, or none asked for). */
  role: Role | null;
  /** The caller's workspaces by name, when asked for (`GET /api/auth/me`), else null. */
  workspaces: { id: string; name: string; role: Role; closedUntil: string | null }[] | null;
  /** PRIV-3: when the workspace asked for is closed, the day it will be purged; else null. */
  workspacePurgeAfter: Date | null;
}

interface SessionContextRow {
  sid: string;
  uid: string;
  mfa: boolean;
  mail: string;
  display_name: string;
  has_password: boolean;
  google_linked: boolean;
  two_factor: boolean;
  joined_at: Date;
  member_role: Role | null;
  workspace_list: { id: string; name: string; role: Role; closedUntil: string | null }[] | null;
  workspace_purge_after: Date | null;
}

/*
 * The hot path of every signed-in request (issue 14): one round trip through
 * kestrel_session_context (migration 20261201235206_session_context), which checks the session,
 * moves its idle clock at most once a minute and, under row-level security scoped to the
 * session's own user, reads the caller's role in the workspace the URL names and, when asked,
 * their workspaces. A named statement: each pooled connection parses and plans it once, and the
 * query goes straight to pg without being rebuilt per request.
 */
const sessionContextQuery = 'kestrel_session_context';
const sessionContextSql = 'SELECT * FROM kestrel_session_context($1, $2, $3, $4)';

/** AUTH-5 / WS-3: a session is alive until its absolute expiry and while it has been used within the idle window. */
export async function resolveSessionContext(
  pool: pg.Pool,
  config: Config,
  token: string,
  scope: { workspaceId: string | null; withWorkspaces: boolean },
): Promise<SessionContext | null> {
  if (!token || token.length > 100) return null;
  const idleCutoff = new Date(Date.now() - config.SESSION_IDLE_DAYS * DAY);
  const { rows } = await pool.query<SessionContextRow>({
    name: sessionContextQuery,
    text: sessionContextSql,
    values: [sha256(token), idleCutoff, scope.workspaceId, scope.withWorkspaces],
  });
  const row = rows[0];
  if (!row) return null;
  return {
    sessionId: row.sid,
    userId: row.uid,
    email: row.mail,
    name: row.display_name,
    mfaPending: row.mfa,
    hasPassword: row.has_password,
    googleLinked: row.google_linked,
    twoFactorEnabled: row.two_factor,
    createdAt: row.joined_at,
    role: row.member_role,
    workspaces: row.workspace_list,
    workspacePurgeAfter: row.workspace_purge_after,
  };
}

/** SEC-1: the CSRF token is bound to the session and derivable only with the server's secret. */
export const csrfTokenFor = (sessionSecret: string, sessionId: string) => hmac(sessionSecret, `csrf:${sessionId}`);
