import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../platform/db/database';
import { defineJob } from '../../platform/jobs/jobs';
import { sweepExports } from './manage-exports';
import { purgeOldAiCalls, purgeOldConversations } from './workspace-retention';

export interface RetentionPolicy {
  mailLogDays: number;
  auditLogDays: number;
}

export interface RetentionResult {
  mailLog: number;
  auditLog: number;
  exports: number;
  /** Conversations older than their workspace keeps them (PRIV-4). */
  conversations: number;
  /** AI call records past their workspace's setting, folded into the anonymised daily usage (PRIV-4). */
  aiCalls: number;
}

/**
 * PRIV-4: deletes what has outlived its time, across all workspaces (hence the system
 * connection): transactional mail no longer waiting to be sent, audit entries, export
 * archives whose link expired, and conversations and AI call records past what each workspace
 * chose to keep (AI calls leave an anonymised daily aggregate behind). Deleted in batches so a large backlog never holds long locks.
 */
export async function runRetention(system: Db, dataDir: string, policy: RetentionPolicy): Promise<RetentionResult> {
  const inBatches = async (statement: () => ReturnType<typeof sql>) => {
    let total = 0;
    for (;;) {
      const r = await system.execute(statement());
      total += r.rowCount ?? 0;
      if ((r.rowCount ?? 0) < 10_000) return total;
    }
  };
  const mailLog = await inBatches(
    () => sql`DELETE FROM mail_outbox WHERE id IN (SELECT id FROM mail_outbox WHERE status <> 'queued' AND created_at < now() - make_interval(days => ${policy.mailLogDays}) LIMIT 10000)`,
  );
  const auditLog = await inBatches(
    () => sql`DELETE FROM audit_log WHERE (workspace_id, id) IN (SELECT workspace_id, id FROM audit_log WHERE created_at < now() - make_interval(days => ${policy.auditLogDays}) LIMIT 10000)`,
  );
  const exports = await sweepExports(system, dataDir);
  const conversations = await purgeOldConversations(system);
  const aiCalls = await purgeOldAiCalls(system);
  return { mailLog, auditLog, exports, conversations, aiCalls };
}

/** PRIV-4: the daily run. */
export const retentionJob = defineJob({
  name: 'privacy_retention',
  version: 1,
  payload: z.object({}),
  cron: '23 3 * * *',
  async run(_payload, { database, config, logger }) {
    const result = await runRetention(database.system, config.DATA_DIR, { mailLogDays: config.MAIL_LOG_RETENTION_DAYS, auditLogDays: config.AUDIT_LOG_RETENTION_DAYS });
    logger.info({ retention: result }, 'retention run');
  },
});
