import { sql } from 'drizzle-orm';
import { hashPassword } from '../../platform/auth/passwords';
import { queueMail } from '../../platform/mail/outbox';
import type { Services } from '../../platform/services';
import { users } from './accounts.schema';
import type { RequestMeta } from './request-meta';
import { issueSignInCode } from './sign-in-codes';
import { findUserByEmail } from './users';

export interface SignUpInput {
  name: string;
  email: string;
  password: string;
}

/**
 * AUTH-1, AUTH-8: creates the account and emails a code that finishes signing up. An address
 * that already has an account gets the same answer, and its owner an email saying so (AUTH-7).
 */
export async function signUp(services: Services, input: SignUpInput, meta: RequestMeta): Promise<void> {
  await services.rateLimit.hit(
    { key: `sign-up:ip:${meta.ip}`, max: 10, windowSeconds: 3600 },
    { key: `sign-up:account:${input.email}`, max: 3, windowSeconds: 3600 },
  );
  // Hash first, whatever happens next, so both answers take the same time.
  const passwordHash = await hashPassword(input.password, services.passwordPolicy);
  await services.database.db.transaction(async (tx) => {
    const existing = await findUserByEmail(tx, input.email);
    if (existing) {
      const base = services.config.publicUrl;
      await queueMail(tx, services.mail.from, existing.email, 'accountExists', { signInUrl: `${base}/sign-in`, resetUrl: `${base}/forgot-password` });
      return;
    }
    const [user] = await tx
      .insert(users)
      .values({ email: input.email, name: input.name, passwordHash, ageConfirmedAt: sql`now()` })
      .onConflictDoNothing()
      .returning();
    if (user) await issueSignInCode(tx, services, user);
  });
}
