import { eq } from 'drizzle-orm';
import { burnPasswordCheck, hashPassword, verifyPassword } from '../../platform/auth/passwords';
import { createSession } from '../../platform/auth/sessions';
import { badRequest } from '../../platform/http/errors';
import type { Services } from '../../platform/services';
import { recordAccountAudit } from '../audit';
import { users } from './accounts.schema';
import type { RequestMeta } from './request-meta';
import { findUserByEmail } from './users';

const invalidCredentials = () => badRequest('invalid_credentials', 'That email and password do not match an account.');

/**
 * AUTH-1, AUTH-7: password sign-in. Unknown address and wrong password look alike, in answer
 * and in time. Legacy hashes are replaced by argon2id on success. With two-factor on, the
 * session waits for the second factor.
 */
export async function signIn(services: Services, email: string, password: string, meta: RequestMeta) {
  await services.rateLimit.hit(
    { key: `sign-in:ip:${meta.ip}`, max: 20, windowSeconds: 900 },
    { key: `sign-in:account:${email}`, max: 10, windowSeconds: 900 },
  );
  const { db } = services.database;
  const user = await findUserByEmail(db, email);
  if (!user?.passwordHash) {
    await burnPasswordCheck(password, services.passwordPolicy);
    if (user) await recordAccountAudit(db, user, meta, { action: 'auth.sign_in_failed', details: { method: 'password', reason: 'no_password' } });
    throw invalidCredentials();
  }
  const result = await verifyPassword(user.passwordHash, password, services.passwordPolicy);
  if (!result.ok) {
    await recordAccountAudit(db, user, meta, { action: 'auth.sign_in_failed', details: { method: 'password', reason: 'wrong_password' } });
    throw invalidCredentials();
  }
  const newHash = result.needsRehash ? await hashPassword(password, services.passwordPolicy) : null;
  const mfaPending = Boolean(user.totpEnabledAt);
  return db.transaction(async (tx) => {
    if (newHash) await tx.update(users).set({ passwordHash: newHash, updatedAt: new Date() }).where(eq(users.id, user.id));
    const session = await createSession(tx, services.config, user.id, { ...meta, mfaPending, method: 'password' });
    if (!mfaPending) await recordAccountAudit(tx, user, meta, { action: 'auth.sign_in', details: { method: 'password' } });
    return { user, session, mfaPending };
  });
}
