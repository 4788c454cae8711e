import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { aiCalls } from './ai.schema';

export type NewAiCall = Omit<typeof aiCalls.$inferInsert, 'workspaceId' | 'userId' | 'createdAt'>;

/**
 * AI-4: writes the record of one call, in its own transaction, after the provider answered.
 * The commit does not wait for the disk (synchronous_commit off): an agent step would otherwise
 * spend most of its own time on fsyncs, and a database crash can lose at most the last fraction
 * of a second of call records, never make them inconsistent.
 */
export async function recordCall(db: Db, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>, call: NewAiCall, earlier: NewAiCall[] = []): Promise<string> {
  // Three round trips: BEGIN with the scope and the commit setting, the insert, COMMIT (issue 14).
  return withTenant(
    db,
    ctx,
    async (tx) => {
      // Issue 15: calls made just before this one (a question's embedding) go in the same statement.
      const rows = await tx
        .insert(aiCalls)
        .values([...earlier, call].map((c) => ({ ...c, workspaceId: ctx.workspaceId, userId: ctx.userId, errorMessage: c.errorMessage?.slice(0, 2000) ?? null })))
        .returning({ id: aiCalls.id });
      return rows.at(-1)!.id;
    },
    { waitForDisk: false },
  );
}
