import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { dataEntries } from '../../platform/data/all';
import type { Db } from '../../platform/db/database';
import { defineJob } from '../../platform/jobs/jobs';

/**
 * BILL-5: billing records are kept BILLING_RETENTION_YEARS (7 by default) after their workspace
 * ends, then deleted: those of a closed workspace once it was closed that long ago (its purge
 * left a nameless stub for them), and those whose workspace row is gone once their newest record
 * is that old. The credit ledger refuses DELETE except in a transaction that declares itself the
 * retention purge. When nothing the law keeps is left, the stub workspace goes too.
 */
export async function purgeBillingRecords(system: Db, retentionYears: number, now = new Date()): Promise<{ workspaces: number; rows: number }> {
  const cutoff = new Date(now);
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - retentionYears);
  const billingTables = dataEntries()
    .filter((e) => e.module === 'billing' && e.scope === 'workspace')
    .map((e) => e.table);
  const retained = dataEntries()
    .filter((e) => e.erase.kind === 'retained' && !billingTables.includes(e.table))
    .map((e) => e.table);
  const due = await system.execute<{ workspace_id: string; stub: boolean }>(sql`
    WITH ids AS (
      SELECT workspace_id FROM billing_accounts UNION SELECT workspace_id FROM credit_entries
      UNION SELECT workspace_id FROM credit_balances UNION SELECT workspace_id FROM billing_invoices
    )
    SELECT i.workspace_id, w.id IS NOT NULL AS stub FROM ids i LEFT JOIN workspaces w ON w.id = i.workspace_id
    WHERE (w.id IS NOT NULL AND w.closed_at <= ${cutoff.toISOString()} AND w.purge_after IS NULL)
       OR (w.id IS NULL AND greatest(
             (SELECT max(updated_at) FROM billing_accounts a WHERE a.workspace_id = i.workspace_id),
             (SELECT max(created_at) FROM credit_entries e WHERE e.workspace_id = i.workspace_id),
             (SELECT max(issued_at) FROM billing_invoices v WHERE v.workspace_id = i.workspace_id)) <= ${cutoff.toISOString()})`);
  let rows = 0;
  for (const { workspace_id: workspaceId, stub } of due.rows) {
    rows += await system.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL kestrel.retention_purge = 'on'`);
      let n = 0;
      for (const table of billingTables) n += (await tx.execute(sql`DELETE FROM ${sql.identifier(table)} WHERE workspace_id = ${workspaceId}`)).rowCount ?? 0;
      if (stub) {
        let keptElsewhere = false;
        for (const table of retained) {
          if ((await tx.execute(sql`SELECT 1 FROM ${sql.identifier(table)} WHERE workspace_id = ${workspaceId} LIMIT 1`)).rows.length) keptElsewhere = true;
        }
        if (!keptElsewhere) await tx.execute(sql`DELETE FROM workspaces WHERE id = ${workspaceId} AND closed_at IS NOT NULL`);
      }
      return n;
    });
  }
  return { workspaces: due.rows.length, rows };
}

/** BILL-5: the daily run. */
export const billingPurgeJob = defineJob({
  name: 'billing_retention_purge',
  version: 1,
  payload: z.object({}),
  cron: '53 3 * * *',
  async run(_payload, { database, config, logger }) {
    const result = await purgeBillingRecords(database.system, config.billing.retentionYears);
    logger.info({ billingPurge: result }, 'billing records past their retention deleted');
  },
});
