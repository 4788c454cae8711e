import { and, eq, gte, sql } from 'drizzle-orm';
import type { AiConfig } from '../../platform/config';
import type { Tx } from '../../platform/db/database';
import type { WorkspaceContext } from '../../platform/db/tenant';
import { aiCalls } from './ai.schema';

const startOfUtcDay = sql`(date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`;

/** Calls refused by a limit count toward nothing: they reached no provider. */
const countedCall = sql`${aiCalls.outcome} <> 'limit_exceeded'`;

export async function usageToday(tx: Tx, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>) {
  const tokens = sql`coalesce(${aiCalls.tokensIn}, 0) + coalesce(${aiCalls.tokensOut}, 0)`;
  const mine = ctx.userId ? sql`${aiCalls.userId} = ${ctx.userId}` : sql`false`;
  const [row] = await tx
    .select({
      workspaceCalls: sql<number>`count(*) FILTER (WHERE ${countedCall})::int`,
      workspaceTokens: sql<number>`coalesce(sum(${tokens}), 0)::bigint`,
      userCalls: sql<number>`count(*) FILTER (WHERE ${countedCall} AND ${mine})::int`,
      userTokens: sql<number>`coalesce(sum(${tokens}) FILTER (WHERE ${mine}), 0)::bigint`,
    })
    .from(aiCalls)
    .where(and(eq(aiCalls.workspaceId, ctx.workspaceId), gte(aiCalls.createdAt, startOfUtcDay)));
  return row!;
}

/**
 * AI-4, WS-5: which daily limit, if any, the next call would go over. Checked before each call;
 * two calls racing past the last unit of a limit can both go through, which is acceptable for a
 * spending guard that is counted in whole calls.
 */
export async function limitBreach(tx: Tx, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>, limits: AiConfig['limits']): Promise<{ message: string; limit: string; used: number; max: number } | null> {
  if (!limitsSet(limits)) return null;
  const used = await usageToday(tx, ctx);
  const checks = [
    { limit: 'workspace_calls_per_day', used: used.workspaceCalls, max: limits.workspaceCallsPerDay, message: (m: number) => `This workspace has used its ${m} AI calls for today.` },
    { limit: 'workspace_tokens_per_day', used: used.workspaceTokens, max: limits.workspaceTokensPerDay, message: (m: number) => `This workspace has used its ${m.toLocaleString('en-US')} AI tokens for today.` },
    { limit: 'user_calls_per_day', used: used.userCalls, max: ctx.userId ? limits.userCallsPerDay : null, message: (m: number) => `You have used your ${m} AI calls for today.` },
    { limit: 'user_tokens_per_day', used: used.userTokens, max: ctx.userId ? limits.userTokensPerDay : null, message: (m: number) => `You have used your ${m.toLocaleString('en-US')} AI tokens for today.` },
  ];
  for (const c of checks) {
    if (c.max !== null && c.used >= c.max) {
      return { limit: c.limit, used: c.used, max: c.max, message: `${c.message(c.max)} The limit resets at midnight UTC; the operator sets it.` };
    }
  }
  return null;
}

/** Whether the operator set any daily limit: without one there is nothing to read before a call. */
export const limitsSet = (limits: AiConfig['limits']) => Object.values(limits).some((v) => v !== null);
