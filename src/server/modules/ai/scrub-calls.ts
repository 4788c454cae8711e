import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import type { WorkspaceContext } from '../../platform/db/tenant';
import type { AiRecordRef } from './ai.contract';
import { aiCalls } from './ai.schema';

/**
 * AI-4, CONV-7: forgets what calls sent and got back — the prompt and the output — when the data in
 * them is erased (a visitor's transcript). The call stays, with its feature, model, tokens, cost and
 * outcome, so usage and limits still add up. Calls are chosen by id and/or by a record they used.
 */
export async function scrubAiCalls(tx: Tx, ctx: Pick<WorkspaceContext, 'workspaceId'>, which: { ids?: string[]; record?: AiRecordRef }): Promise<number> {
  const match: SQL[] = [];
  const ids = [...new Set(which.ids ?? [])];
  if (ids.length) match.push(inArray(aiCalls.id, ids));
  if (which.record) match.push(sql`${aiCalls.recordRefs} @> ${JSON.stringify([which.record])}::jsonb`);
  if (!match.length) return 0;
  const scrubbed = await tx
    .update(aiCalls)
    .set({ prompt: { system: null, messages: [] }, output: null })
    .where(and(eq(aiCalls.workspaceId, ctx.workspaceId), or(...match)))
    .returning({ id: aiCalls.id });
  return scrubbed.length;
}
