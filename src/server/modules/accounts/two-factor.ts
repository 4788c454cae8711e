import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { generateSecret, generateURI, verify } from 'otplib';
import { randomToken, sha256 } from '../../platform/crypto/tokens';
import { badRequest, conflict } from '../../platform/http/errors';
import { queueMail } from '../../platform/mail/outbox';
import type { Services } from '../../platform/services';
import { recordAccountAudit } from '../audit';
import { recoveryCodes, sessions, users } from './accounts.schema';
import type { RequestMeta } from './request-meta';
import { findUserById, type User } from './users';

const RECOVERY_CODE_COUNT = 10;
const aad = (userId: string) => `user:${userId}:totp`;
const recoveryHash = (userId: string, code: string) => sha256(`recovery:${userId}:${code.replaceAll('-', '').toLowerCase()}`);

/** AUTH-6: starts setup; the secret is sealed at rest and only switched on once a code proves the app has it. */
export async function startTwoFactorSetup(services: Services, userId: string) {
  const user = (await findUserById(services.database.db, userId))!;
  if (user.totpEnabledAt) throw conflict('two_factor_already_enabled', 'Two-factor authentication is already on. Turn it off first to set up a new app.');
  const secret = generateSecret();
  await services.database.db.update(users).set({ totpSecretSealed: services.secrets.box.seal(secret, aad(userId)) }).where(eq(users.id, userId));
  return { secret, otpauthUrl: generateURI({ secret, label: user.email, issuer: 'Kestrel' }) };
}

type Executor = Pick<Services['database']['db'], 'update'>;

/**
 * AUTH-6: the code is right for this time step or a neighbour, and no code of that step or a later
 * one was accepted before (RFC 6238 §5.2): a code seen over a shoulder or caught in transit cannot
 * be used a second time. The step is claimed by a conditional update, so two requests racing with
 * the same code cannot both pass.
 */
async function totpMatches(services: Services, db: Executor, user: User, code: string): Promise<boolean> {
  if (!user.totpSecretSealed || !/^\d{6}$/.test(code)) return false;
  const secret = services.secrets.box.open(user.totpSecretSealed, aad(user.id));
  const result = await verify({ secret, token: code, epochTolerance: 30, ...(user.totpLastStep !== null ? { afterTimeStep: user.totpLastStep } : {}) });
  // A TOTP result always carries its step (the union type also covers HOTP's).
  if (!result.valid || !('timeStep' in result)) return false;
  const claimed = await db
    .update(users)
    .set({ totpLastStep: result.timeStep })
    .where(and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, result.timeStep))))
    .returning({ id: users.id });
  return claimed.length > 0;
}

export async function enableTwoFactor(services: Services, userId: string, code: string, meta: RequestMeta) {
  await services.rateLimit.hit({ key: `2fa:account:${userId}`, max: 10, windowSeconds: 900 });
  const user = (await findUserById(services.database.db, userId))!;
  if (user.totpEnabledAt) throw conflict('two_factor_already_enabled', 'Two-factor authentication is already on.');
  if (!user.totpSecretSealed) throw badRequest('two_factor_not_started', 'Start two-factor setup first.');
  if (!(await totpMatches(services, services.database.db, user, code))) throw badRequest('two_factor_code_invalid', 'That code is not right. Check the time on your phone and try the newest code.');
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = randomToken(8).replace(/[^a-zA-Z0-9]/g, '').toLowerCase().padEnd(10, '0').slice(0, 10);
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  await services.database.db.transaction(async (tx) => {
    await tx.update(users).set({ totpEnabledAt: sql`now()`, updatedAt: new Date() }).where(eq(users.id, userId));
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    await tx.insert(recoveryCodes).values(codes.map((c) => ({ userId, codeHash: recoveryHash(userId, c) })));
    await queueMail(tx, services.mail.from, user.email, 'twoFactorChanged', { enabled: true });
    await recordAccountAudit(tx, user, meta, { action: 'auth.two_factor_enabled' });
  });
  return codes;
}

/** A TOTP code or an unused recovery code (which is then spent). */
export async function checkSecondFactor(services: Services, user: User, code: string, tx: Parameters<Parameters<Services['database']['db']['transaction']>[0]>[0]) {
  if (await totpMatches(services, tx, user, code.trim())) return 'totp' as const;
  const [spent] = await tx
    .update(recoveryCodes)
    .set({ usedAt: sql`now()` })
    .where(and(eq(recoveryCodes.userId, user.id), eq(recoveryCodes.codeHash, recoveryHash(user.id, code.trim())), isNull(recoveryCodes.usedAt)))
    .returning();
  return spent ? ('recovery_code' as const) : null;
}

/** Completes a sign-in that is waiting for its second factor. */
export async function verifySecondFactor(services: Services, sessionId: string, userId: string, code: string, meta: RequestMeta) {
  await services.rateLimit.hit({ key: `2fa:account:${userId}`, max: 10, windowSeconds: 900 }, { key: `2fa:ip:${meta.ip}`, max: 30, windowSeconds: 900 });
  const { db } = services.database;
  const user = (await findUserById(db, userId))!;
  const method = await db.transaction(async (tx) => {
    const m = await checkSecondFactor(services, user, code, tx);
    if (m) {
      // The session remembers how the first factor was given; the audit names it, not a guess.
      const [session] = await tx.update(sessions).set({ mfaPending: false }).where(eq(sessions.id, sessionId)).returning({ method: sessions.signInMethod });
      await recordAccountAudit(tx, user, meta, { action: 'auth.sign_in', details: { method: session?.method ?? 'unknown', secondFactor: m } });
    }
    return m;
  });
  if (!method) {
    await recordAccountAudit(db, user, meta, { action: 'auth.sign_in_failed', details: { reason: 'second_factor_invalid' } });
    throw badRequest('two_factor_code_invalid', 'That code is not right. Use the newest code from your app, or a recovery code.');
  }
}

export async function disableTwoFactor(services: Services, userId: string, code: string, meta: RequestMeta) {
  await services.rateLimit.hit({ key: `2fa:account:${userId}`, max: 10, windowSeconds: 900 });
  const { db } = services.database;
  const user = (await findUserById(db, userId))!;
  if (!user.totpEnabledAt) throw conflict('two_factor_not_enabled', 'Two-factor authentication is not on.');
  await db.transaction(async (tx) => {
    if (!(await checkSecondFactor(services, user, code, tx))) throw badRequest('two_factor_code_invalid', 'That code is not right.');
    await tx.update(users).set({ totpEnabledAt: null, totpSecretSealed: null, updatedAt: new Date() }).where(eq(users.id, userId));
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    await queueMail(tx, services.mail.from, user.email, 'twoFactorChanged', { enabled: false });
    await recordAccountAudit(tx, user, meta, { action: 'auth.two_factor_disabled' });
  });
}
