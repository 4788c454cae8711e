import { and, desc, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import type { Contact } from '../crm.contract';
import { presentContacts } from '../contacts/get-contact';
import { contacts } from '../crm.schema';
import { loadVisibility, withVisibility } from '../visibility';
import { SUMMARY_CAP } from './crm-summary';

/**
 * CRM-1: leads that came in during the last `days` days and that the member can see, newest
 * first (at most `limit`), with how many there are (capped like the home page's counts).
 */
export async function listNewLeads(db: Db, ctx: WorkspaceContext, opts: { days: number; limit: number }): Promise<{ items: Contact[]; count: number; capped: boolean }> {
  return withTenant(db, ctx, async (tx) => {
    const since = new Date(Date.now() - opts.days * 86_400_000);
    const where = withVisibility(await loadVisibility(tx, ctx), 'contacts', and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.lifecycle, 'lead'), gte(contacts.createdAt, since)));
    const rows = await tx.select().from(contacts).where(where).orderBy(desc(contacts.createdAt), desc(contacts.id)).limit(opts.limit);
    const counted = await tx.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM ${contacts} WHERE ${where} LIMIT ${SUMMARY_CAP + 1}) AS capped`);
    const n = Number(counted.rows[0]?.n ?? 0);
    return { items: await presentContacts(tx, ctx, rows), count: Math.min(n, SUMMARY_CAP), capped: n > SUMMARY_CAP };
  });
}
