import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { AppError } from '../../platform/http/errors';
import { defineJob, enqueue } from '../../platform/jobs/jobs';
import type { Services } from '../../platform/services';
import { resolveProvider } from '../ai';
import { memberRole } from '../workspaces';
import { agentRuns, agentSettings } from './agents.schema';

/** One queued job per run: the stale-run sweep tells a run still waiting in the queue from a lost one. */
export const runJobKey = (runId: string) => `agent-run:${runId}`;

/**
 * AI-2: a run started in the background (Recovery's scan, or "run in background"). It acts as
 * the person who started it, with the role they hold when it runs.
 */
export const agentRunJob = defineJob({
  name: 'agents.run',
  version: 1,
  payload: z.object({ workspaceId: z.uuid(), runId: z.uuid(), role: z.enum(['owner', 'admin', 'staff', 'client']) }),
  // A run is not repeated: a second attempt would send its proposals twice.
  maxAttempts: 1,
  async run({ workspaceId, runId }, services) {
    const { executeRun } = await import('./runs');
    const [run] = await withTenant(services.database.db, { workspaceId, userId: null }, (tx) =>
      tx.select({ userId: agentRuns.userId, status: agentRuns.status, trigger: agentRuns.trigger }).from(agentRuns).where(and(eq(agentRuns.workspaceId, workspaceId), eq(agentRuns.id, runId))),
    );
    if (!run || run.status !== 'running') return;
    const ctx = await actingContext(services, workspaceId, run.userId, run.trigger);
    if (!ctx) {
      await withTenant(services.database.db, { workspaceId, userId: null }, (tx) =>
        tx.update(agentRuns).set({ status: 'failed', error: 'The person who started this run is no longer a member.', finishedAt: new Date() }).where(and(eq(agentRuns.workspaceId, workspaceId), eq(agentRuns.id, runId))),
      );
      return;
    }
    try {
      await executeRun(services, ctx, runId);
    } catch (error) {
      if (error instanceof AppError && error.code === 'run_not_runnable') return;
      throw error;
    }
  },
});

async function actingContext(services: Services, workspaceId: string, userId: string | null, trigger: 'person' | 'schedule'): Promise<WorkspaceContext | null> {
  // A scheduled run (the weekly brief) acts for the workspace as its owners would.
  if (trigger === 'schedule') return { workspaceId, userId: null, role: 'owner', actorLabel: 'Strategist (scheduled)' };
  if (!userId) return null;
  const role = await withTenant(services.database.db, { workspaceId, userId }, (tx) => memberRole(tx, workspaceId, userId));
  return role && role !== 'client' ? { workspaceId, userId, role } : null;
}

/**
 * AI-2: Strategist's weekly brief, Monday 07:00 UTC, for each workspace that turned it on.
 * The run is recorded and executed like one a person started, as a background job.
 */
export const weeklyBriefJob = defineJob({
  name: 'agents_weekly_brief',
  version: 1,
  payload: z.object({}),
  cron: '0 7 * * 1',
  async run(_payload, services) {
    const rows = await services.database.system.execute<{ workspace_id: string }>(
      sql`SELECT workspace_id FROM ${agentSettings} WHERE agent = 'strategist' AND scheduled`,
    );
    for (const { workspace_id: workspaceId } of rows.rows) await startScheduledBrief(services, workspaceId);
  },
});

export async function startScheduledBrief(services: Services, workspaceId: string): Promise<string | null> {
  if (!(await resolveProvider(services, { workspaceId, userId: null }))) return null;
  return withTenant(services.database.db, { workspaceId, userId: null }, async (tx) => {
    const [row] = await tx
      .insert(agentRuns)
      .values({ workspaceId, agent: 'strategist', task: 'weekly_brief', subjectType: 'workspace', trigger: 'schedule' })
      .returning({ id: agentRuns.id });
    await enqueue(tx, agentRunJob, { workspaceId, runId: row!.id, role: 'owner' }, { workspaceId, jobKey: runJobKey(row!.id) });
    return row!.id;
  });
}
