import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import type { CrmSummary } from '../crm-settings.contract';
import { companies, contacts, deals } from '../crm.schema';
import { loadVisibility, withVisibility } from '../visibility';

/** Counts stop here: "10,000+" says as much on a home page as an exact count of a million rows, for a fraction of the work. */
export const SUMMARY_CAP = 10_000;

async function cappedCount(tx: Tx, table: PgTable, where: SQL | undefined): Promise<{ count: number; capped: boolean }> {
  const result = await tx.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM ${table} WHERE ${where} LIMIT ${SUMMARY_CAP + 1}) AS capped`);
  const n = Number(result.rows[0]?.n ?? 0);
  return { count: Math.min(n, SUMMARY_CAP), capped: n > SUMMARY_CAP };
}

/** CRM-1, 2, 3: how many contacts, companies and open deals the member can see, for the home page. */
export async function crmSummary(db: Db, ctx: WorkspaceContext): Promise<CrmSummary> {
  return withTenant(db, ctx, async (tx) => {
    const v = await loadVisibility(tx, ctx);
    return {
      contacts: await cappedCount(tx, contacts, withVisibility(v, 'contacts', eq(contacts.workspaceId, ctx.workspaceId))),
      companies: await cappedCount(tx, companies, withVisibility(v, 'companies', eq(companies.workspaceId, ctx.workspaceId))),
      openDeals: await cappedCount(tx, deals, withVisibility(v, 'deals', and(eq(deals.workspaceId, ctx.workspaceId), eq(deals.status, 'open')))),
    };
  });
}
