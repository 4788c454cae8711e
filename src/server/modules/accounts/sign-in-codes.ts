import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { createSession } from '../../platform/auth/sessions';
import { randomDigits, sha256 } from '../../platform/crypto/tokens';
import type { Queryable } from '../../platform/db/database';
import { badRequest } from '../../platform/http/errors';
import { queueMail } from '../../platform/mail/outbox';
import type { Services } from '../../platform/services';
import { recordAccountAudit } from '../audit';
import { authTokens, users } from './accounts.schema';
import type { RequestMeta } from './request-meta';
import { findUserByEmail, type User } from './users';

export const CODE_MINUTES = 10;
export const CODE_MAX_ATTEMPTS = 5;

const codeHash = (userId: string, code: string) => sha256(`sign-in-code:${userId}:${code}`);

/** AUTH-2: a fresh 6-digit code replaces any earlier one and is emailed in the same transaction. */
export async function issueSignInCode(tx: Queryable, services: Services, user: Pick<User, 'id' | 'email'>): Promise<void> {
  const code = randomDigits(6);
  await tx
    .update(authTokens)
    .set({ consumedAt: sql`now()` })
    .where(and(eq(authTokens.userId, user.id), eq(authTokens.purpose, 'sign_in_code'), isNull(authTokens.consumedAt)));
  await tx.insert(authTokens).values({
    userId: user.id,
    purpose: 'sign_in_code',
    tokenHash: codeHash(user.id, code),
    expiresAt: new Date(Date.now() + CODE_MINUTES * 60_000),
  });
  await queueMail(tx, services.mail.from, user.email, 'signInCode', { code, minutes: CODE_MINUTES });
}

/** Always answers the same way, whether or not the address has an account (AUTH-7). */
export async function requestSignInCode(services: Services, email: string, meta: RequestMeta): Promise<void> {
  await services.rateLimit.hit(
    { key: `code-request:ip:${meta.ip}`, max: 10, windowSeconds: 900 },
    { key: `code-request:account:${email}`, max: 5, windowSeconds: 900 },
  );
  await services.database.db.transaction(async (tx) => {
    const user = await findUserByEmail(tx, email);
    if (user) await issueSignInCode(tx, services, user);
  });
}

/**
 * Checks a code. Wrong codes count against the code; after five it is dead. An unknown address
 * gets the same answer as a wrong code.
 */
export async function verifySignInCode(services: Services, email: string, code: string, meta: RequestMeta) {
  await services.rateLimit.hit({ key: `code-verify:ip:${meta.ip}`, max: 30, windowSeconds: 900 });
  const { db } = services.database;
  const outcome = await db.transaction(async (tx) => {
    const user = await findUserByEmail(tx, email);
    if (!user) return { error: 'code_invalid' as const };
    const [token] = await tx
      .select()
      .from(authTokens)
      .where(and(eq(authTokens.userId, user.id), eq(authTokens.purpose, 'sign_in_code')))
      .orderBy(desc(authTokens.createdAt))
      .limit(1)
      .for('update');
    if (!token) return { error: 'code_invalid' as const, user };
    const matches = token.tokenHash === codeHash(user.id, code);
    if (token.consumedAt) return { error: matches ? ('code_used' as const) : ('code_invalid' as const), user };
    if (token.expiresAt < new Date()) return { error: 'code_expired' as const, user };
    if (token.attempts >= CODE_MAX_ATTEMPTS) return { error: 'too_many_attempts' as const, user };
    if (!matches) {
      await tx.update(authTokens).set({ attempts: token.attempts + 1 }).where(eq(authTokens.id, token.id));
      return { error: 'code_invalid' as const, user, attemptsLeft: CODE_MAX_ATTEMPTS - token.attempts - 1 };
    }
    await tx.update(authTokens).set({ consumedAt: sql`now()` }).where(eq(authTokens.id, token.id));
    const firstVerification = !user.emailVerifiedAt;
    if (firstVerification) {
      await tx.update(users).set({ emailVerifiedAt: sql`now()` }).where(eq(users.id, user.id));
      await queueMail(tx, services.mail.from, user.email, 'welcome', { name: user.name, appUrl: services.config.publicUrl });
    }
    const mfaPending = Boolean(user.totpEnabledAt);
    const session = await createSession(tx, services.config, user.id, { ...meta, mfaPending, method: 'email_code' });
    if (!mfaPending) await recordAccountAudit(tx, user, meta, { action: 'auth.sign_in', details: { method: 'email_code' } });
    return { user, session, mfaPending };
  });
  if ('error' in outcome && outcome.error) {
    if (outcome.user) await recordAccountAudit(db, outcome.user, meta, { action: 'auth.sign_in_failed', details: { method: 'email_code', reason: outcome.error } });
    throw codeError(outcome.error, 'attemptsLeft' in outcome ? outcome.attemptsLeft : undefined);
  }
  return outcome as { user: User; session: { token: string; id: string }; mfaPending: boolean };
}

function codeError(code: 'code_invalid' | 'code_used' | 'code_expired' | 'too_many_attempts', attemptsLeft?: number) {
  const messages = {
    code_invalid: 'That code is not right. Check the latest email we sent.',
    code_used: 'That code was already used. Ask for a new one.',
    code_expired: `That code has expired (codes last ${CODE_MINUTES} minutes). Ask for a new one.`,
    too_many_attempts: 'Too many wrong codes. Ask for a new one.',
  };
  return badRequest(code, messages[code], attemptsLeft === undefined ? {} : { attemptsLeft });
}
