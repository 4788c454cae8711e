import { and, desc, eq, gte, isNotNull, notExists, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { notFound } from '../../platform/http/errors';
import { queueMail } from '../../platform/mail/outbox';
import type { Services } from '../../platform/services';
import { users } from '../accounts/accounts.schema';
import type { PolicyNotice } from './policies.contract';
import { policyAcknowledgements, policyVersions } from './policies.schema';

/** PRIV-7: a material change is announced at least this long before it applies. */
export const MATERIAL_NOTICE_DAYS = 30;

export class PolicyError extends Error {}

export interface PublishInput {
  title: string;
  summary: string;
  body: string;
  material: boolean;
  effectiveAt: Date;
}

/**
 * Publishes a policy version. A material one must take effect at least 30 days from now; every
 * person with a verified account is emailed now (AUTH-9's policy-change notice), and sees the
 * notice at their next sign-in until they acknowledge it.
 */
export async function publishPolicy(services: Services, input: PublishInput, now = new Date()): Promise<{ id: string; emailed: number }> {
  const earliest = now.getTime() + MATERIAL_NOTICE_DAYS * 86_400_000 - 60_000;
  if (input.material && input.effectiveAt.getTime() < earliest) {
    throw new PolicyError(`A material change must take effect at least ${MATERIAL_NOTICE_DAYS} days after it is published (on or after ${new Date(earliest + 60_000).toISOString().slice(0, 10)}), so people are told in time.`);
  }
  const db = services.database.system;
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(policyVersions).values({ ...input, publishedAt: now }).returning({ id: policyVersions.id });
    let emailed = 0;
    if (input.material) {
      const people = await tx.select({ email: users.email, name: users.name }).from(users).where(isNotNull(users.emailVerifiedAt));
      const effectiveDate = input.effectiveAt.toISOString().slice(0, 10);
      for (const p of people) {
        await queueMail(tx, services.mail.from, p.email, 'policyChange', { name: p.name, summary: input.summary, effectiveDate, url: `${services.config.publicUrl}/` });
        emailed++;
      }
    }
    return { id: row!.id, emailed };
  });
}

/** Material versions published but not yet acknowledged by the user, newest first (still shown after they take effect). */
export async function pendingNotices(db: Db, userId: string): Promise<PolicyNotice[]> {
  const rows = await db
    .select()
    .from(policyVersions)
    .where(
      and(
        eq(policyVersions.material, true),
        // Changes announced within the last year; older ones are long in force.
        gte(policyVersions.publishedAt, sql`now() - interval '365 days'`),
        notExists(db.select({ one: sql`1` }).from(policyAcknowledgements).where(and(eq(policyAcknowledgements.policyVersionId, policyVersions.id), eq(policyAcknowledgements.userId, userId)))),
      ),
    )
    .orderBy(desc(policyVersions.publishedAt))
    .limit(10);
  return rows.map((r) => ({ id: r.id, title: r.title, summary: r.summary, body: r.body, effectiveAt: r.effectiveAt.toISOString(), publishedAt: r.publishedAt.toISOString() }));
}

export async function acknowledgePolicy(db: Db, userId: string, policyVersionId: string): Promise<void> {
  const [found] = await db.select({ id: policyVersions.id }).from(policyVersions).where(eq(policyVersions.id, policyVersionId));
  if (!found) throw notFound('Policy version');
  await db.insert(policyAcknowledgements).values({ userId, policyVersionId }).onConflictDoNothing();
}
