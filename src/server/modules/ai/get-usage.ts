import { and, eq, gte, sql, type SQL } from 'drizzle-orm';
import type { AiConfig } from '../../platform/config';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { userNameOf } from '../accounts';
import type { AiUsage } from './ai.contract';
import { aiCalls, aiUsageDaily } from './ai.schema';
import { seesAllCalls } from './list-calls';

const DAYS = 30;

const totals = {
  calls: sql<number>`count(*) FILTER (WHERE ${aiCalls.outcome} <> 'limit_exceeded')::int`,
  failed: sql<number>`count(*) FILTER (WHERE ${aiCalls.outcome} <> 'ok')::int`,
  tokensIn: sql<number>`coalesce(sum(${aiCalls.tokensIn}), 0)::bigint`,
  tokensOut: sql<number>`coalesce(sum(${aiCalls.tokensOut}), 0)::bigint`,
  costUsd: sql<string>`coalesce(sum(${aiCalls.costUsd}), 0)::text`,
  unpricedCalls: sql<number>`count(*) FILTER (WHERE ${aiCalls.costUsd} IS NULL AND ${aiCalls.tokensIn} IS NOT NULL)::int`,
};

const present = <T extends { costUsd: string }>(r: T): Omit<T, 'costUsd'> & { costUsd: number } => ({ ...r, costUsd: Number(r.costUsd) });

interface Totals { calls: number; failed: number; tokensIn: number; tokensOut: number; costUsd: number; unpricedCalls: number }
const add = <T extends Totals>(a: T, b: Totals): T => ({
  ...a,
  calls: a.calls + b.calls,
  failed: a.failed + b.failed,
  tokensIn: a.tokensIn + b.tokensIn,
  tokensOut: a.tokensOut + b.tokensOut,
  costUsd: Number((a.costUsd + b.costUsd).toFixed(8)),
  unpricedCalls: a.unpricedCalls + b.unpricedCalls,
});
const zero: Totals = { calls: 0, failed: 0, tokensIn: 0, tokensOut: 0, costUsd: 0, unpricedCalls: 0 };

/** PRIV-4: what AI calls deleted by retention counted, per day, kept without ids or users. */
const purgedTotals = {
  calls: sql<number>`coalesce(sum(${aiUsageDaily.calls}), 0)::bigint`,
  failed: sql<number>`coalesce(sum(${aiUsageDaily.failed}), 0)::bigint`,
  tokensIn: sql<number>`coalesce(sum(${aiUsageDaily.tokensIn}), 0)::bigint`,
  tokensOut: sql<number>`coalesce(sum(${aiUsageDaily.tokensOut}), 0)::bigint`,
  costUsd: sql<string>`coalesce(sum(${aiUsageDaily.costUsd}), 0)::text`,
  unpricedCalls: sql<number>`coalesce(sum(${aiUsageDaily.unpricedCalls}), 0)::bigint`,
};

/**
 * WS-5, AI-4: AI calls, tokens and cost per day (UTC) and per member over the last 30 days.
 * Staff see their own usage; owners and admins the workspace's, which includes the anonymised
 * totals of calls whose records retention deleted (PRIV-4), shown under no member.
 */
export async function getUsage(db: Db, ctx: WorkspaceContext, limits: AiConfig['limits']): Promise<AiUsage> {
  return withTenant(db, ctx, async (tx) => {
    const now = new Date();
    const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (DAYS - 1)));
    const where: SQL[] = [eq(aiCalls.workspaceId, ctx.workspaceId), gte(aiCalls.createdAt, since)];
    const all = seesAllCalls(ctx);
    if (!all) where.push(eq(aiCalls.userId, ctx.userId ?? '00000000-0000-0000-0000-000000000000'));
    const day = sql<string>`to_char(${aiCalls.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
    const [sum] = await tx.select(totals).from(aiCalls).where(and(...where));
    const days = await tx.select({ day, ...totals }).from(aiCalls).where(and(...where)).groupBy(day).orderBy(day);
    const perUser = await tx
      .select({ userId: aiCalls.userId, userName: userNameOf(aiCalls.userId), ...totals })
      .from(aiCalls)
      .where(and(...where))
      .groupBy(aiCalls.userId)
      .orderBy(sql`count(*) DESC`);
    let total = present(sum!);
    let dayRows = days.map(present);
    let userRows = perUser.map(present);
    if (all) {
      const purged = (
        await tx
          .select({ day: sql<string>`${aiUsageDaily.day}::text`, ...purgedTotals })
          .from(aiUsageDaily)
          .where(and(eq(aiUsageDaily.workspaceId, ctx.workspaceId), gte(aiUsageDaily.day, since.toISOString().slice(0, 10))))
          .groupBy(aiUsageDaily.day)
      ).map(present);
      if (purged.length > 0) {
        const byDay = new Map(dayRows.map((d) => [d.day, d]));
        for (const p of purged) {
          total = add(total, p);
          byDay.set(p.day, add(byDay.get(p.day) ?? { ...zero, day: p.day }, p));
        }
        dayRows = [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
        const anonymous = purged.reduce((a, p) => add(a, p), { ...zero, userId: null as string | null, userName: null as string | null });
        const existing = userRows.find((u) => u.userId === null);
        userRows = existing ? userRows.map((u) => (u === existing ? add(u, anonymous) : u)) : [...userRows, anonymous];
      }
    }
    return {
      since: since.toISOString().slice(0, 10),
      scope: all ? 'workspace' : 'own',
      totals: total,
      days: dayRows,
      users: userRows,
      limits,
    };
  });
}
