import { and, eq, gte, sql, type SQL } from 'drizzle-orm';
import type { AiConfig } from '../../platform/config';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { users } from '../accounts/accounts.schema';
import type { AiUsage } from './ai.contract';
import { aiCalls } from './ai.schema';
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

const present = <T extends { costUsd: string }>(r: T) => ({ ...r, costUsd: Number(r.costUsd) });

/**
 * WS-5, AI-4: AI calls, tokens and cost per day (UTC) and per member over the last 30 days.
 * Staff see their own usage; owners and admins the workspace's.
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
      .select({ userId: aiCalls.userId, userName: sql<string | null>`min(${users.name})`, ...totals })
      .from(aiCalls)
      .leftJoin(users, eq(users.id, aiCalls.userId))
      .where(and(...where))
      .groupBy(aiCalls.userId)
      .orderBy(sql`count(*) DESC`);
    return {
      since: since.toISOString().slice(0, 10),
      scope: all ? 'workspace' : 'own',
      totals: present(sum!),
      days: days.map(present),
      users: perUser.map(present),
      limits,
    };
  });
}
