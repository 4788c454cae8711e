import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../platform/db/database';
import type { WorkspaceContext } from '../../platform/db/tenant';
import type { aiCalls } from './ai.schema';

export type NewAiCall = Omit<typeof aiCalls.$inferInsert, 'workspaceId' | 'userId' | 'createdAt'>;

const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

/**
 * AI-4: writes the record of one call, after the provider answered.
 * Issue 14: one round trip (was three: BEGIN with the scope, the insert, COMMIT) through
 * kestrel_record_ai_call (migration ai_call_in_one_statement), sent on its own so that its
 * statement is its transaction: it sets the workspace scope for that transaction only, inserts
 * under row-level security as before, and commits without waiting for the disk (a database
 * crash can lose at most the last fraction of a second of call records, never make them
 * inconsistent; an agent step would otherwise spend most of its own time on fsyncs).
 */
export async function recordCall(db: Db, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>, call: NewAiCall): Promise<string> {
  const { rows } = await db.execute<{ id: string }>(sql`SELECT kestrel_record_ai_call(
    ${ctx.workspaceId}::uuid, ${ctx.userId ?? null}::uuid, ${call.id ?? uuidv7()}::uuid, ${call.feature}, ${call.runId ?? null}::uuid,
    ${call.providerKind}, ${call.providerSource}, ${call.model}, ${json(call.prompt)}::jsonb, ${json(call.recordRefs)}::jsonb,
    ${json(call.output)}::jsonb, ${call.tokensIn ?? null}::int, ${call.tokensOut ?? null}::int, ${call.costUsd ?? null}::numeric,
    ${call.latencyMs ?? null}::int, ${call.attempts ?? null}::int, ${call.streamed ?? null}::boolean, ${call.outcome},
    ${call.errorMessage?.slice(0, 2000) ?? null}) AS id`);
  return rows[0]!.id;
}
