import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import { userNameOf } from '../accounts';
import type { AiCall, AiCallPage, AiCallSummary, listAiCallsQuery } from './ai.contract';
import { aiCalls } from './ai.schema';
import { unknownPriceNote } from './prices';

/** AI-4: owners and admins see every call of the workspace; staff see their own. */
export const seesAllCalls = (ctx: WorkspaceContext) => ctx.role === 'owner' || ctx.role === 'admin';

const summaryColumns = {
  id: aiCalls.id,
  createdAt: aiCalls.createdAt,
  userId: aiCalls.userId,
  userName: userNameOf(aiCalls.userId),
  feature: aiCalls.feature,
  providerKind: aiCalls.providerKind,
  providerSource: aiCalls.providerSource,
  model: aiCalls.model,
  tokensIn: aiCalls.tokensIn,
  tokensOut: aiCalls.tokensOut,
  costUsd: aiCalls.costUsd,
  latencyMs: aiCalls.latencyMs,
  attempts: aiCalls.attempts,
  outcome: aiCalls.outcome,
  errorMessage: aiCalls.errorMessage,
};

type SummaryRow = Omit<AiCallSummary, 'createdAt' | 'costNote'> & { createdAt: Date };

function presentSummary(r: SummaryRow): AiCallSummary {
  const reachedProvider = r.outcome !== 'limit_exceeded' && r.tokensIn !== null;
  return {
    ...r,
    createdAt: r.createdAt.toISOString(),
    costUsd: r.costUsd === null ? null : Number(r.costUsd),
    costNote: r.costUsd === null && reachedProvider ? unknownPriceNote(r.model) : null,
  };
}

/** AI-4: calls newest first, cursor-paged, filtered by feature, member and outcome. */
export async function listCalls(db: Db, ctx: WorkspaceContext, query: z.output<typeof listAiCallsQuery>): Promise<AiCallPage> {
  return withTenant(db, ctx, async (tx) => {
    const where: (SQL | undefined)[] = [eq(aiCalls.workspaceId, ctx.workspaceId)];
    if (!seesAllCalls(ctx)) where.push(eq(aiCalls.userId, ctx.userId ?? '00000000-0000-0000-0000-000000000000'));
    else if (query.userId) where.push(eq(aiCalls.userId, query.userId));
    if (query.feature) where.push(eq(aiCalls.feature, query.feature));
    if (query.outcome) where.push(eq(aiCalls.outcome, query.outcome));
    if (query.cursor) where.push(lt(aiCalls.id, query.cursor));
    const rows = await tx
      .select(summaryColumns)
      .from(aiCalls)
      .where(and(...where))
      .orderBy(desc(aiCalls.id))
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    return { items: page.map(presentSummary), nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null };
  });
}

/** AI-4: one call in full — the prompt sent, the records used and the output. */
export async function getCall(db: Db, ctx: WorkspaceContext, id: string): Promise<AiCall> {
  return withTenant(db, ctx, async (tx) => {
    const [row] = await tx
      .select({ ...summaryColumns, runId: aiCalls.runId, prompt: aiCalls.prompt, recordRefs: aiCalls.recordRefs, output: aiCalls.output, streamed: aiCalls.streamed })
      .from(aiCalls)
      .where(and(eq(aiCalls.workspaceId, ctx.workspaceId), eq(aiCalls.id, id)));
    // Another member's call looks, to staff, like no call at all.
    if (!row || (!seesAllCalls(ctx) && row.userId !== ctx.userId)) throw notFound('AI call');
    const { runId, prompt, recordRefs, output, streamed, ...summary } = row;
    return { ...presentSummary(summary), runId, prompt, recordRefs, output: output ? { ...output, toolCalls: output.toolCalls ?? [] } : null, streamed };
  });
}
