import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { withTenant } from '../../platform/db/tenant';
import { defineJob } from '../../platform/jobs/jobs';
import type { Services } from '../../platform/services';
import { agentRuns } from './agents.schema';
import { RUN_TIME_LIMIT_MS } from './runs';

/**
 * A run showing no sign of life for this long cannot still be working: every run ends within
 * its time limit of starting, and its process touches the row at each step. The margin covers
 * clock skew between instances and a last slow write.
 */
export const STALE_RUN_AFTER_MS = RUN_TIME_LIMIT_MS + 5 * 60_000;
export const interruptedRunMessage = 'Interrupted: the server stopped while this run was working. Start it again.';

/** AI-2: every ten minutes, runs a crash or restart left "running" are ended as failed. */
export const staleRunSweepJob = defineJob({
  name: 'agents_stale_run_sweep',
  version: 1,
  payload: z.object({}),
  cron: '*/10 * * * *',
  async run(_payload, services) {
    await sweepStaleRuns(services);
  },
});

/**
 * AI-2: ends the runs still `running` well past the time limit since their last sign of life,
 * with a message a person can act on. A background run still waiting in the job queue (a busy
 * Monday of weekly briefs) is not lost, only late, and is left alone.
 *
 * Candidates are found across workspaces on the system connection (as the weekly brief finds
 * its workspaces); each workspace's runs are then ended in its own tenant transaction, where
 * the condition is checked again so a run that just finished keeps its real outcome. The row
 * change is the notification: pages showing a running run poll it, as they do for a normal end.
 */
export async function sweepStaleRuns(services: Services, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - STALE_RUN_AFTER_MS);
  const { rows } = await services.database.system.execute<{ workspace_id: string; id: string }>(sql`
    SELECT r.workspace_id, r.id
      FROM agent_runs r
     WHERE r.status = 'running'
       AND r.started_at < ${cutoff.toISOString()}::timestamptz
       AND coalesce(r.heartbeat_at, r.started_at) < ${cutoff.toISOString()}::timestamptz
       AND NOT EXISTS (
             SELECT 1 FROM graphile_worker.jobs j
              WHERE j.key = 'agent-run:' || r.id::text AND j.attempts < j.max_attempts)
     ORDER BY r.workspace_id
     LIMIT 5000`);
  const byWorkspace = new Map<string, string[]>();
  for (const r of rows) byWorkspace.set(r.workspace_id, [...(byWorkspace.get(r.workspace_id) ?? []), r.id]);
  let swept = 0;
  for (const [workspaceId, ids] of byWorkspace) {
    const ended = await withTenant(services.database.db, { workspaceId, userId: null }, (tx) =>
      tx
        .update(agentRuns)
        .set({ status: 'failed', error: interruptedRunMessage, finishedAt: now })
        .where(
          and(
            eq(agentRuns.workspaceId, workspaceId),
            inArray(agentRuns.id, ids),
            eq(agentRuns.status, 'running'),
            sql`coalesce(${agentRuns.heartbeatAt}, ${agentRuns.startedAt}) < ${cutoff.toISOString()}::timestamptz`,
          ),
        )
        .returning({ id: agentRuns.id, agent: agentRuns.agent }),
    );
    swept += ended.length;
    if (ended.length) services.logger.warn({ workspaceId, runs: ended.map((r) => r.id) }, 'agent runs interrupted by a stop of the server were ended as failed');
  }
  return swept;
}
