import { and, eq, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import { verifyPassword } from '../../platform/auth/passwords';
import type { Db } from '../../platform/db/database';
import { withTenant } from '../../platform/db/tenant';
import { AppError, badRequest } from '../../platform/http/errors';
import { defineJob } from '../../platform/jobs/jobs';
import type { Services } from '../../platform/services';
import { sessions, users } from '../accounts/accounts.schema';
import type { RequestMeta } from '../accounts';
import { checkSecondFactor, findUserById } from '../accounts';
import { recordAccountAudit } from '../audit';
import { wipeUserConnections } from '../integrations';
import { memberships, workspaces } from '../workspaces/workspaces.schema';
import { erasePerson } from './erase-person';

const DAY = 86_400_000;
const FRESH_SESSION_MINUTES = 10;

export interface AccountDeletionConfirmation {
  password?: string | undefined;
  code?: string | undefined;
}

/**
 * PRIV-3: the person proves it is them: their password when they have one, and a fresh code from
 * their authenticator when two-factor is on. An account with neither (Google or emailed codes
 * only) confirms with a session signed in within the last ten minutes.
 */
async function confirmIdentity(services: Services, userId: string, sessionId: string, confirm: AccountDeletionConfirmation) {
  await services.rateLimit.hit({ key: `delete-account:${userId}`, max: 5, windowSeconds: 900 });
  const { db } = services.database;
  const user = (await findUserById(db, userId))!;
  if (user.passwordHash) {
    const result = confirm.password ? await verifyPassword(user.passwordHash, confirm.password, services.passwordPolicy) : { ok: false };
    if (!result.ok) throw badRequest('confirmation_invalid', 'That password is not right. Enter your current password to delete your account.');
  }
  if (user.totpEnabledAt) {
    const ok = confirm.code ? await db.transaction((tx) => checkSecondFactor(services, user, confirm.code!, tx)) : null;
    if (!ok) throw badRequest('confirmation_invalid', 'That code is not right. Enter the newest code from your authenticator app.');
  }
  if (!user.passwordHash && !user.totpEnabledAt) {
    const [session] = await db.select({ createdAt: sessions.createdAt }).from(sessions).where(eq(sessions.id, sessionId));
    if (!session || session.createdAt.getTime() < Date.now() - FRESH_SESSION_MINUTES * 60_000) {
      throw badRequest('confirmation_stale', `Sign out and sign in again, then delete your account within ${FRESH_SESSION_MINUTES} minutes.`);
    }
  }
  return user;
}

/** Workspaces that would be left without an owner: the person must hand them over or close them first. */
async function workspacesOnlyOwnedBy(system: Db, userId: string) {
  return system
    .select({ id: workspaces.id, name: workspaces.name })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(
      and(
        eq(memberships.userId, userId),
        eq(memberships.role, 'owner'),
        isNull(workspaces.closedAt),
        sql`NOT EXISTS (SELECT 1 FROM memberships o WHERE o.workspace_id = ${memberships.workspaceId} AND o.role = 'owner' AND o.user_id <> ${userId})`,
      ),
    );
}

/**
 * PRIV-3: deletes the caller's account. At once: signed out everywhere, sign-in refused, every
 * calendar or other connection disconnected (tokens wiped here, revoked at the provider after).
 * The purge job removes the rest within ACCOUNT_PURGE_DAYS (7 at most).
 */
export async function requestAccountDeletion(services: Services, auth: { userId: string; sessionId: string }, confirm: AccountDeletionConfirmation, meta: RequestMeta) {
  const user = await confirmIdentity(services, auth.userId, auth.sessionId, confirm);
  const { system } = services.database;
  const owned = await workspacesOnlyOwnedBy(system, user.id);
  if (owned.length) {
    const names = owned.map((w) => w.name).join(', ');
    throw new AppError(
      'last_owner',
      409,
      `You are the only owner of ${names}. Make another member an owner, or close the workspace, before you delete your account.`,
      { workspaces: owned },
    );
  }
  const purgeAfter = new Date(Date.now() + services.config.ACCOUNT_PURGE_DAYS * DAY);
  const wiped = await system.transaction(async (tx) => {
    await recordAccountAudit(tx, user, meta, { action: 'account.deletion_requested', details: { purgeAfter: purgeAfter.toISOString() } });
    await tx.update(users).set({ deletionRequestedAt: new Date(), purgeAfter, updatedAt: new Date() }).where(eq(users.id, user.id));
    await tx.delete(sessions).where(eq(sessions.userId, user.id));
    return wipeUserConnections(services, tx, user.id);
  });
  const revoked = await wiped.revoke();
  return { purgeAfter: purgeAfter.toISOString(), disconnected: wiped.disconnected, revoked };
}

/**
 * PRIV-3: removes accounts whose deletion is due: in each workspace they belonged to, the person
 * is erased as a contact would be (rows about them, their address and name in any text), the audit
 * keeps what was done but not by whom, then memberships and the account go (sessions, codes,
 * recovery codes and acknowledgements with it by cascade). Billing records stay (BILL-5).
 */
export async function purgeDeletedAccounts(services: Services, now = new Date()): Promise<number> {
  const { system, db } = services.database;
  const due = await system.select().from(users).where(and(isNotNull(users.deletionRequestedAt), lte(users.purgeAfter, now)));
  for (const user of due) {
    const member = await system.select({ workspaceId: memberships.workspaceId }).from(memberships).where(eq(memberships.userId, user.id));
    const who = { emails: [user.email.toLowerCase()], phones: [], names: [user.name], contactIds: [] };
    for (const { workspaceId } of member) {
      await withTenant(db, { workspaceId, userId: null }, (tx) => erasePerson(tx, { workspaceId }, who, { suppress: false }));
    }
    await system.transaction(async (tx) => {
      await tx.execute(sql`UPDATE audit_log SET actor_label = '[deleted account]', ip = NULL, user_agent = NULL WHERE actor_user_id = ${user.id}`);
      // The instance's own mail to them (sign-in codes, resets) holds no workspace.
      await tx.execute(sql`DELETE FROM mail_outbox WHERE workspace_id IS NULL AND lower(to_address) = ${user.email.toLowerCase()}`);
      // Rate-limit buckets are keyed by the address that tried to sign in.
      await tx.execute(sql`DELETE FROM rate_limit_buckets WHERE key LIKE ${`%:${user.email.toLowerCase()}`}`);
      if (member.length) await tx.delete(memberships).where(and(eq(memberships.userId, user.id), inArray(memberships.workspaceId, member.map((m) => m.workspaceId))));
      await tx.delete(users).where(eq(users.id, user.id));
    });
    services.logger.info({ userId: user.id, workspaces: member.length }, 'account purged');
  }
  return due.length;
}

/** PRIV-3: hourly, so an account is gone within its 7 days, not a day late. */
export const accountPurgeJob = defineJob({
  name: 'privacy_account_purge',
  version: 1,
  payload: z.object({}),
  cron: '17 * * * *',
  async run(_payload, services) {
    await purgeDeletedAccounts(services);
  },
});
