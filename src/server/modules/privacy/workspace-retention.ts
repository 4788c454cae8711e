import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { recordAudit } from '../audit';
import type { RetentionSettings } from './privacy.contract';
import { privacySettings } from './privacy.schema';

/**
 * PRIV-4: what a workspace keeps when it never chose. AI call records are logs, kept as long as
 * the other logs (90 days); conversations are kept a year after their last message.
 */
export const DEFAULT_RETENTION: RetentionSettings = { conversationDays: 365, aiCallDays: 90 };

/** PRIV-4: the workspace's retention settings, or the defaults when never saved. */
export async function getRetentionSettings(db: Db, ctx: WorkspaceContext): Promise<RetentionSettings & { defaults: RetentionSettings }> {
  return withTenant(db, ctx, async (tx) => {
    const [row] = await tx.select({ conversationDays: privacySettings.conversationDays, aiCallDays: privacySettings.aiCallDays }).from(privacySettings).where(eq(privacySettings.workspaceId, ctx.workspaceId));
    return { ...(row ?? DEFAULT_RETENTION), defaults: DEFAULT_RETENTION };
  });
}

/** PRIV-4: owners and admins choose how long conversations and AI calls are kept. Audited. */
export async function updateRetentionSettings(db: Db, ctx: WorkspaceContext, input: RetentionSettings): Promise<RetentionSettings & { defaults: RetentionSettings }> {
  await withTenant(db, ctx, async (tx) => {
    await tx
      .insert(privacySettings)
      .values({ workspaceId: ctx.workspaceId, ...input, updatedBy: ctx.userId })
      .onConflictDoUpdate({ target: privacySettings.workspaceId, set: { ...input, updatedBy: ctx.userId, updatedAt: new Date() } });
    await recordAudit(tx, ctx, { action: 'privacy.retention_updated', targetType: 'workspace', targetId: ctx.workspaceId, details: { ...input } });
  });
  return { ...input, defaults: DEFAULT_RETENTION };
}

const BATCH = 5_000;

/** Days kept by each workspace, its own setting or the default, as SQL over `w.id`. */
const days = (column: 'conversation_days' | 'ai_call_days', fallback: number) =>
  sql`coalesce((SELECT s.${sql.raw(column)} FROM privacy_settings s WHERE s.workspace_id = w.id), ${fallback}::int)`;

/**
 * PRIV-4: deletes conversations whose last message is older than their workspace keeps them
 * (messages go with them, and so does the transcript copied onto the contact's timeline).
 * Across all workspaces, on the system connection, in batches.
 */
export async function purgeOldConversations(system: Db, defaults = DEFAULT_RETENTION): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await system.execute<{ n: number }>(sql`
      WITH doomed AS (
        SELECT c.workspace_id, c.id, c.chat_activity_id FROM workspaces w
        JOIN LATERAL (
          SELECT workspace_id, id, chat_activity_id FROM conversations
          WHERE workspace_id = w.id AND last_message_at < now() - make_interval(days => ${days('conversation_days', defaults.conversationDays)})
          LIMIT ${BATCH}
        ) c ON true
        LIMIT ${BATCH}
      ),
      transcripts AS (
        DELETE FROM activities a USING doomed d WHERE a.workspace_id = d.workspace_id AND a.id = d.chat_activity_id RETURNING a.id
      ),
      gone AS (
        DELETE FROM conversations c USING doomed d WHERE c.workspace_id = d.workspace_id AND c.id = d.id RETURNING c.id
      )
      SELECT (SELECT count(*) FROM gone)::int AS n, (SELECT count(*) FROM transcripts)::int AS t`);
    const n = r.rows[0]?.n ?? 0;
    total += n;
    if (n < BATCH) return total;
  }
}

/**
 * PRIV-4, WS-5: deletes AI call records older than their workspace keeps them, and in the same
 * statement adds what they counted to `ai_usage_daily` (per UTC day, provider and model; no ids,
 * no users, no prompts), so usage and cost figures read the same before and after.
 */
export async function purgeOldAiCalls(system: Db, defaults = DEFAULT_RETENTION): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await system.execute<{ n: number }>(sql`
      WITH doomed AS (
        SELECT c.workspace_id, c.id FROM workspaces w
        JOIN LATERAL (
          SELECT workspace_id, id FROM ai_calls
          WHERE workspace_id = w.id AND created_at < now() - make_interval(days => ${days('ai_call_days', defaults.aiCallDays)})
          LIMIT ${BATCH}
        ) c ON true
        LIMIT ${BATCH}
      ),
      gone AS (
        DELETE FROM ai_calls c USING doomed d WHERE c.workspace_id = d.workspace_id AND c.id = d.id
        RETURNING c.workspace_id, c.created_at, c.provider_kind, c.model, c.outcome, c.tokens_in, c.tokens_out, c.cost_usd
      ),
      kept AS (
        INSERT INTO ai_usage_daily AS u (workspace_id, day, provider_kind, model, calls, failed, tokens_in, tokens_out, cost_usd, unpriced_calls)
        SELECT workspace_id, (created_at AT TIME ZONE 'UTC')::date, provider_kind, model,
               count(*) FILTER (WHERE outcome <> 'limit_exceeded'), count(*) FILTER (WHERE outcome <> 'ok'),
               coalesce(sum(tokens_in), 0), coalesce(sum(tokens_out), 0), coalesce(sum(cost_usd), 0),
               count(*) FILTER (WHERE cost_usd IS NULL AND tokens_in IS NOT NULL)
        FROM gone GROUP BY 1, 2, 3, 4
        ON CONFLICT (workspace_id, day, provider_kind, model) DO UPDATE SET
          calls = u.calls + excluded.calls, failed = u.failed + excluded.failed,
          tokens_in = u.tokens_in + excluded.tokens_in, tokens_out = u.tokens_out + excluded.tokens_out,
          cost_usd = u.cost_usd + excluded.cost_usd, unpriced_calls = u.unpriced_calls + excluded.unpriced_calls
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM gone)::int AS n, (SELECT count(*) FROM kept)::int AS k`);
    const n = r.rows[0]?.n ?? 0;
    total += n;
    if (n < BATCH) return total;
  }
}
