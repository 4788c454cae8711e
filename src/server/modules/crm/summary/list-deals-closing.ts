import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { workspaceProfile } from '../../workspaces';
import type { Deal } from '../crm.contract';
import { deals } from '../crm.schema';
import { presentDeals } from '../deals/get-deal';
import { loadVisibility, withVisibility } from '../visibility';

export interface DealsClosing {
  /** The month, as the workspace's calendar has it: `2026-12`. */
  month: string;
  items: Deal[];
  count: number;
  /** Sums by currency, as decimal strings. */
  totals: { currency: string; amount: string }[];
}

/**
 * CRM-3: open deals the member can see whose expected close falls in this calendar month (in
 * the workspace's time zone), soonest first (at most `limit`), with their count and sums.
 */
export async function listDealsClosing(db: Db, ctx: WorkspaceContext, opts: { limit: number }): Promise<DealsClosing> {
  return withTenant(db, ctx, async (tx) => {
    const ws = await workspaceProfile(tx, ctx.workspaceId);
    const tz = ws?.timeZone ?? 'UTC';
    const first = sql`date_trunc('month', now() AT TIME ZONE ${tz})::date`;
    const where = withVisibility(
      await loadVisibility(tx, ctx),
      'deals',
      and(eq(deals.workspaceId, ctx.workspaceId), eq(deals.status, 'open'), sql`${deals.expectedCloseDate} >= ${first} AND ${deals.expectedCloseDate} < (${first} + interval '1 month')::date`),
    );
    const rows = await tx.select().from(deals).where(where).orderBy(asc(deals.expectedCloseDate), asc(deals.id)).limit(opts.limit);
    const sums = await tx
      .select({ currency: deals.currency, count: sql<number>`count(*)::int`, amount: sql<string>`coalesce(sum(${deals.amount}), 0)::text` })
      .from(deals)
      .where(where)
      .groupBy(deals.currency)
      .orderBy(asc(deals.currency));
    const [month] = (await tx.execute<{ m: string }>(sql`SELECT to_char(now() AT TIME ZONE ${tz}, 'YYYY-MM') AS m`)).rows;
    return {
      month: month!.m,
      items: await presentDeals(tx, ctx, rows),
      count: sums.reduce((n, s) => n + s.count, 0),
      totals: sums.map(({ currency, amount }) => ({ currency, amount })),
    };
  });
}
