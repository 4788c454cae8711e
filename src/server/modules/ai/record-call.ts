import { sql, type SQL } from 'drizzle-orm';
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
export async function recordCall(db: Db, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>, call: NewAiCall, earlier: NewAiCall[] = []): Promise<string> {
  // Issue 15: calls made just before this one (a question's embedding) are recorded in the same
  // statement, so the same transaction; the last value is this call's id.
  const ids = sql.join([...earlier, call].map((c) => callRecordStatement(ctx, c)), sql`, `);
  const { rows } = await db.execute<{ ids: string[] }>(sql`SELECT ARRAY[${ids}]::text[] AS ids`);
  return rows[0]!.ids.at(-1)!;
}

/**
 * The expression that records one call (it returns the call's id). Only for a statement sent on
 * its own (so it is its own transaction; decision 023), as `recordCall` sends it, or with other
 * such expressions in the same SELECT (an agent step's record and its audit entries, issue 14).
 */
export function callRecordStatement(ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>, c: NewAiCall): SQL {
  return sql`kestrel_record_ai_call(
    ${ctx.workspaceId}::uuid, ${ctx.userId ?? null}::uuid, ${c.id ?? uuidv7()}::uuid, ${c.feature}, ${c.runId ?? null}::uuid,
    ${c.providerKind}, ${c.providerSource}, ${c.model}, ${json(c.prompt)}::jsonb, ${json(c.recordRefs)}::jsonb,
    ${json(c.output)}::jsonb, ${c.tokensIn ?? null}::int, ${c.tokensOut ?? null}::int, ${c.costUsd ?? null}::numeric,
    ${c.latencyMs ?? null}::int, ${c.attempts ?? null}::int, ${c.streamed ?? null}::boolean, ${c.outcome},
    ${c.errorMessage?.slice(0, 2000) ?? null})`;
}
