import { and, eq, gt, sql } from 'drizzle-orm';
import { sessions, users } from '../../modules/accounts/accounts.schema';
import type { Config } from '../config';
import type { Db, Queryable } from '../db/database';
import { hmac, randomToken, sha256 } from '../crypto/tokens';

const DAY = 86_400_000;
/** last_seen_at is written at most this often, so reads stay reads. */
const TOUCH_INTERVAL_MS = 60_000;

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

/** A session is alive until its absolute expiry and while it has been used within the idle window. */
export async function resolveSession(db: Db, config: Config, token: string): Promise<ResolvedSession | null> {
  if (!token || token.length > 100) return null;
  const id = sha256(token);
  const idleCutoff = new Date(Date.now() - config.SESSION_IDLE_DAYS * DAY);
  const [row] = await db
    .select({
      sessionId: sessions.id,
      userId: sessions.userId,
      mfaPending: sessions.mfaPending,
      lastSeenAt: sessions.lastSeenAt,
      email: users.email,
      name: users.name,
      hasPassword: sql<boolean>`${users.passwordHash} IS NOT NULL`,
      googleLinked: sql<boolean>`${users.googleSub} IS NOT NULL`,
      twoFactorEnabled: sql<boolean>`${users.totpEnabledAt} IS NOT NULL`,
      createdAt: users.createdAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, id), gt(sessions.expiresAt, new Date()), gt(sessions.lastSeenAt, idleCutoff)));
  if (!row) return null;
  if (Date.now() - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.update(sessions).set({ lastSeenAt: sql`now()` }).where(eq(sessions.id, id));
  }
  return {
    sessionId: row.sessionId,
    userId: row.userId,
    email: row.email,
    name: row.name,
    mfaPending: row.mfaPending,
    hasPassword: row.hasPassword,
    googleLinked: row.googleLinked,
    twoFactorEnabled: row.twoFactorEnabled,
    createdAt: row.createdAt,
  };
}

/** SEC-1: the CSRF token is bound to the session and derivable only with the server's secret. */
export const csrfTokenFor = (sessionSecret: string, sessionId: string) => hmac(sessionSecret, `csrf:${sessionId}`);
