import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { withTenant } from '../../platform/db/tenant';
import { defineJob, enqueue } from '../../platform/jobs/jobs';
import { rescoreSlice } from './scoring';

const SLICE = 5000;

/**
 * CRM-10: recomputes every score of a large workspace after a rule change, a slice per
 * transaction so no lock is held for long; each run does a slice and enqueues the next.
 */
export const rescoreWorkspaceJob = defineJob({
  name: 'rules_rescore_workspace',
  version: 1,
  payload: z.object({ workspaceId: z.uuid(), afterId: z.uuid().nullable() }),
  maxAttempts: 5,
  async run({ workspaceId, afterId }, { database }) {
    let cursor = afterId;
    // A few slices per run keeps each job short enough to be retried cheaply.
    for (let i = 0; i < 20; i++) {
      const next = await withTenant(database.db, { workspaceId, userId: null }, (tx) => rescoreSlice(tx, workspaceId, cursor, SLICE));
      if (!next) return;
      cursor = next;
    }
    await withTenant(database.db, { workspaceId, userId: null }, (tx) => enqueue(tx, rescoreWorkspaceJob, { workspaceId, afterId: cursor }, { workspaceId }));
  },
});

/**
 * CRM-10: "recent activity" rules age — a contact last touched 13 days ago no longer meets
 * "activity in the last 14 days" tomorrow — so workspaces with such rules are rescored nightly.
 * Spans workspaces, hence the system connection just to find them.
 */
export const rescoreAgingRulesJob = defineJob({
  name: 'rules_rescore_aging',
  version: 1,
  payload: z.object({}),
  cron: '23 3 * * *',
  async run(_payload, { database }) {
    const result = await database.system.execute(sql`SELECT DISTINCT workspace_id FROM scoring_rules WHERE enabled AND kind = 'recent_activity'`);
    for (const { workspace_id: workspaceId } of result.rows as { workspace_id: string }[]) {
      await withTenant(database.db, { workspaceId, userId: null }, (tx) => enqueue(tx, rescoreWorkspaceJob, { workspaceId, afterId: null }, { workspaceId, jobKey: `rescore:${workspaceId}` }));
    }
  },
});
