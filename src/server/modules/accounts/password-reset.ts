import { and, eq, isNull, sql } from 'drizzle-orm';
import { hashPassword, verifyPassword } from '../../platform/auth/passwords';
import { createSession } from '../../platform/auth/sessions';
import { randomToken, sha256 } from '../../platform/crypto/tokens';
import { badRequest } from '../../platform/http/errors';
import { queueMail } from '../../platform/mail/outbox';
import type { Services } from '../../platform/services';
import { recordAccountAudit } from '../audit';
import { authTokens, sessions, users } from './accounts.schema';
import type { RequestMeta } from './request-meta';
import { findUserByEmail, findUserById } from './users';

export const RESET_MINUTES = 30;

/** AUTH-3: emails a single-use link; the same answer whether or not the account exists. */
export async function requestPasswordReset(services: Services, email: string, meta: RequestMeta): Promise<void> {
  await services.rateLimit.hit(
    { key: `reset:ip:${meta.ip}`, max: 10, windowSeconds: 3600 },
    { key: `reset:account:${email}`, max: 3, windowSeconds: 3600 },
  );
  await services.database.db.transaction(async (tx) => {
    const user = await findUserByEmail(tx, email);
    if (!user) return;
    const token = randomToken();
    await tx
      .update(authTokens)
      .set({ consumedAt: sql`now()` })
      .where(and(eq(authTokens.userId, user.id), eq(authTokens.purpose, 'password_reset'), isNull(authTokens.consumedAt)));
    await tx.insert(authTokens).values({ userId: user.id, purpose: 'password_reset', tokenHash: sha256(token), expiresAt: new Date(Date.now() + RESET_MINUTES * 60_000) });
    const url = `${services.config.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
    await queueMail(tx, services.mail.from, user.email, 'passwordReset', { url, minutes: RESET_MINUTES });
  });
}

/** AUTH-3: sets the new password and revokes every session of the account, then signs this browser in. */
export async function resetPassword(services: Services, token: string, password: string, meta: RequestMeta) {
  await services.rateLimit.hit({ key: `reset-use:ip:${meta.ip}`, max: 20, windowSeconds: 900 });
  const passwordHash = await hashPassword(password, services.passwordPolicy);
  return services.database.db.transaction(async (tx) => {
    const [row] = await tx.select().from(authTokens).where(and(eq(authTokens.tokenHash, sha256(token)), eq(authTokens.purpose, 'password_reset'))).for('update');
    if (!row) throw badRequest('reset_link_invalid', 'This reset link is not valid. Ask for a new one.');
    if (row.consumedAt) throw badRequest('reset_link_used', 'This reset link was already used. Ask for a new one if you still need it.');
    if (row.expiresAt < new Date()) throw badRequest('reset_link_expired', `This reset link has expired (links last ${RESET_MINUTES} minutes). Ask for a new one.`);
    const user = (await findUserById(tx, row.userId))!;
    await tx.update(authTokens).set({ consumedAt: sql`now()` }).where(eq(authTokens.id, row.id));
    // Whoever held the inbox now holds the account: the email is proven.
    await tx.update(users).set({ passwordHash, updatedAt: new Date(), emailVerifiedAt: user.emailVerifiedAt ?? new Date() }).where(eq(users.id, user.id));
    await tx.delete(sessions).where(eq(sessions.userId, user.id));
    const mfaPending = Boolean(user.totpEnabledAt);
    const session = await createSession(tx, services.config, user.id, { ...meta, mfaPending, method: 'password_reset' });
    await recordAccountAudit(tx, user, meta, { action: 'auth.password_reset', details: { sessionsRevoked: true } });
    return { user, session, mfaPending };
  });
}

/** A signed-in user changes their password; other sessions are signed out. */
export async function changePassword(services: Services, userId: string, currentSessionId: string, input: { currentPassword?: string; newPassword: string }, meta: RequestMeta) {
  await services.rateLimit.hit({ key: `password-change:account:${userId}`, max: 10, windowSeconds: 900 });
  const { db } = services.database;
  const user = (await findUserById(db, userId))!;
  if (user.passwordHash) {
    const ok = input.currentPassword ? (await verifyPassword(user.passwordHash, input.currentPassword, services.passwordPolicy)).ok : false;
    if (!ok) throw badRequest('validation_failed', 'Your current password is not right.', { fields: { currentPassword: 'Your current password is not right.' } });
  }
  const passwordHash = await hashPassword(input.newPassword, services.passwordPolicy);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, userId));
    await tx.delete(sessions).where(and(eq(sessions.userId, userId), sql`${sessions.id} <> ${currentSessionId}`));
    await recordAccountAudit(tx, user, meta, { action: 'auth.password_changed' });
  });
}
