import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { ModelMessage } from 'ai';
import type { z } from 'zod';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { badRequest, conflict, notFound } from '../../platform/http/errors';
import { enqueue } from '../../platform/jobs/jobs';
import { publish } from '../../platform/realtime/realtime';
import type { Services } from '../../platform/services';
import { aiNotConfigured } from '../ai/ai-errors';
import { readAiSettings } from '../ai/record-context';
import { resolveProvider } from '../ai';
import { recordAudit } from '../audit';
import { canSeeRecord } from '../crm';
import { findVisibleView } from '../views/saved-views/present';
import type { AgentName, AgentRun, AgentRunSummary, listRunsQuery, RunEvent, StartRunBody, SubjectType } from './agents.contract';
import { agentRuns } from './agents.schema';
import { dataProviderNotConfigured } from '../enrichment/enrichment-errors';
import { agents, meetsRequirement, systemPrompt, toolsFor, type AgentDefinition, type AgentTask } from './definitions';
import { runLoop } from './runtime/agent-loop';
import { RecordBook, type ToolEnv } from './runtime/tool';
import { listRecords, readRecord } from './tools/record-tools';
import { agentRunJob, runJobKey } from './agent-run.job';
import { isScheduledBrief, weeklyBriefMailJob } from './weekly-brief-mail.job';

type RunRow = typeof agentRuns.$inferSelect;

/** Limits of one run: steps from the agent's definition; time for the whole run. */
export const RUN_TIME_LIMIT_MS = 10 * 60_000;
/** Timeline items of the subject put straight into the first prompt. */
export const SUBJECT_TIMELINE_ITEMS = 30;

export function findTask(def: AgentDefinition, key: string): AgentTask {
  const task = def.tasks.find((t) => t.key === key);
  if (!task) throw badRequest('validation_failed', `${def.label} has no task "${key}".`, { fields: { task: `Choose one of: ${def.tasks.map((t) => t.key).join(', ')}.` }, in: 'body' });
  return task;
}

function presentSummary(r: RunRow): AgentRunSummary {
  const def = agents[r.agent];
  return {
    id: r.id,
    agent: r.agent,
    task: r.task,
    taskLabel: def.tasks.find((t) => t.key === r.task)?.label ?? r.task,
    subjectType: r.subjectType,
    subjectId: r.subjectId,
    instructions: r.instructions,
    status: r.status,
    trigger: r.trigger,
    userId: r.userId,
    steps: r.steps,
    result: r.result ?? null,
    error: r.error,
    tokensIn: r.tokensIn,
    tokensOut: r.tokensOut,
    costUsd: r.costUsd,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}
export const presentRun = (r: RunRow): AgentRun => ({ ...presentSummary(r), events: r.events, records: r.records });

/**
 * AI-2: checks the request (task, subject the member can see, a provider), and records the run.
 * A background run is enqueued in the same transaction; otherwise the caller executes it.
 */
export async function startRun(services: Services, ctx: WorkspaceContext, agent: AgentName, body: StartRunBody): Promise<{ row: RunRow; background: boolean }> {
  const def = agents[agent];
  const task = findTask(def, body.task);
  const subjectType: SubjectType = body.subject?.type ?? 'workspace';
  const subjectId = body.subject?.id ?? null;
  if (!task.subjects.includes(subjectType)) {
    throw badRequest('validation_failed', `"${task.label}" runs on ${task.subjects.join(' or ')}, not ${subjectType}.`, { fields: { 'subject.type': `Choose ${task.subjects.join(' or ')}.` }, in: 'body' });
  }
  if (subjectType !== 'workspace' && !subjectId) throw badRequest('validation_failed', 'Say which record the agent should work on.', { fields: { 'subject.id': 'Required.' }, in: 'body' });
  if (!(await resolveProvider(services, ctx))) throw aiNotConfigured();
  if (task.needs === 'data_provider' && !(await meetsRequirement(services.database.db, ctx, task.needs))) throw dataProviderNotConfigured();
  return withTenant(services.database.db, ctx, async (tx) => {
    if (subjectType === 'views') await findVisibleView(tx, ctx, subjectId!);
    else if (subjectType !== 'workspace' && !(await canSeeRecord(tx, ctx, subjectType, subjectId!))) throw notFound(subjectType === 'deals' ? 'Deal' : subjectType === 'contacts' ? 'Contact' : 'Company');
    const [row] = await tx
      .insert(agentRuns)
      .values({ workspaceId: ctx.workspaceId, agent, task: task.key, subjectType, subjectId, instructions: body.instructions || null, userId: ctx.userId })
      .returning();
    await recordAudit(tx, ctx, { action: 'agent.run_started', targetType: 'agent_run', targetId: row!.id, details: { agent, task: task.key, subjectType, subjectId } });
    const background = body.background ?? task.background;
    if (background) await enqueue(tx, agentRunJob, { workspaceId: ctx.workspaceId, runId: row!.id, role: ctx.role }, { workspaceId: ctx.workspaceId, jobKey: runJobKey(row!.id) });
    return { row: row!, background };
  });
}

/** The first message: the task, the subject's data (only what the task needs, AI-6), the person's words. */
export async function openingMessage(env: ToolEnv, run: Pick<RunRow, 'subjectType' | 'subjectId' | 'instructions'>, task: AgentTask): Promise<string> {
  const parts = [`Task: ${task.label}. ${task.prompt}`];
  const type = run.subjectType;
  if (type === 'views' && run.subjectId) {
    const view = await withTenant(env.services.database.db, env.ctx, (tx) => findVisibleView(tx, env.ctx, run.subjectId!));
    const list = await listRecords(env, view.object, view.definition.filter ?? { match: 'all', conditions: [] }, view.definition.sort, 25);
    parts.push(`The list is the saved view "${view.name}" (${view.object}). Its first rows:\n${list.output}`);
  } else if (type && type !== 'workspace' && type !== 'views' && run.subjectId) {
    const record = await readRecord(env, type, run.subjectId, SUBJECT_TIMELINE_ITEMS);
    parts.push(`The ${type.slice(0, -1)} you are working on:\n${record.output}`);
  } else {
    parts.push('You are working on the whole workspace: use your tools to find what you need.');
  }
  if (run.instructions) parts.push(`The person adds: ${run.instructions}`);
  return parts.join('\n\n');
}

export interface ExecuteOptions {
  signal?: AbortSignal;
  /** Every event as it happens (the streaming route sends them on). */
  onEvent?: (event: RunEvent) => void;
  onDelta?: (step: number, text: string) => void;
}

/**
 * Runs a recorded run to its end and stores the outcome. Events are saved as each step ends,
 * so a page opened later (or on another instance) shows the progress.
 */
export async function executeRun(services: Services, ctx: WorkspaceContext, runId: string, options: ExecuteOptions = {}): Promise<AgentRun> {
  const { db } = services.database;
  const run = await withTenant(db, ctx, async (tx) => (await tx.select().from(agentRuns).where(and(eq(agentRuns.workspaceId, ctx.workspaceId), eq(agentRuns.id, runId))))[0]);
  if (!run) throw notFound('Agent run');
  if (run.status !== 'running' || run.steps > 0) throw conflict('run_not_runnable', 'This run has already started or ended.', { status: run.status });
  // From here the run shows signs of life; a run that stops showing them is swept (stale-runs.job).
  await withTenant(db, ctx, (tx) => tx.update(agentRuns).set({ heartbeatAt: new Date() }).where(and(eq(agentRuns.workspaceId, ctx.workspaceId), eq(agentRuns.id, runId))));
  const def = agents[run.agent];
  const task = findTask(def, run.task);
  const { redactPii } = await withTenant(db, ctx, (tx) => readAiSettings(tx, ctx.workspaceId));
  const records = new RecordBook();
  const pending: RunEvent[] = [];
  const emit = (event: RunEvent) => {
    pending.push(event);
    options.onEvent?.(event);
  };
  const flush = async (extra: Partial<typeof agentRuns.$inferInsert> = {}, alongside?: (tx: Tx) => Promise<void>) => {
    const events = pending.splice(0);
    // Progress between steps need not wait for the disk; the final update (with `extra`) does.
    // Issue 14: said in the round trip of BEGIN and the scope, not in one of its own.
    const progress = Object.keys(extra).length === 0;
    const [row] = await withTenant(db, ctx, async (tx) => {
      const updated = await tx
        .update(agentRuns)
        .set({ events: sql`${agentRuns.events} || ${JSON.stringify(events)}::jsonb`, records: records.all(), heartbeatAt: new Date(), ...extra })
        .where(and(eq(agentRuns.workspaceId, ctx.workspaceId), eq(agentRuns.id, runId)))
        .returning({ stop: agentRuns.cancelRequested });
      await alongside?.(tx);
      return updated;
    }, { waitForDisk: !progress });
    return row?.stop ?? false;
  };
  const env: ToolEnv = { services, ctx, run: { id: runId, agent: run.agent }, step: 0, records, emit, redact: redactPii };
  const { tools, notes } = await toolsFor(db, ctx, def);
  // AI-2: Stop ends the model call in flight, not only the next step: cancelRun notifies every
  // instance (LISTEN/NOTIFY), and the one running this run aborts it at once.
  const stop = new AbortController();
  const unsubscribe = services.realtime.subscribe(
    ctx.workspaceId,
    (event) => {
      if (event.k === RUN_CANCEL_EVENT && event.c === runId) stop.abort();
    },
    { subject: runId, kinds: new Set([RUN_CANCEL_EVENT]) },
  );
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let outcome;
  try {
    const opening = await openingMessage(env, run, task);
    const messages: ModelMessage[] = [{ role: 'user', content: opening }];
    outcome = await runLoop(
      services,
      ctx,
      { feature: `agent:${run.agent}`, agent: run.agent, system: systemPrompt(def, new Date().toISOString().slice(0, 10), notes), tools, finish: 'result', maxSteps: def.maxSteps, timeLimitMs: RUN_TIME_LIMIT_MS },
      {
        runId,
        messages,
        records,
        redact: redactPii,
        signal,
        // Saving the steps so far also reads whether someone pressed Stop.
        stopRequested: () => flush(),
        emit,
        ...(options.onDelta ? { onDelta: options.onDelta } : {}),
      },
    );
  } catch (error) {
    services.logger.error({ err: error, runId, agent: run.agent }, 'agent run failed');
    outcome = { status: 'failed' as const, result: null, steps: 0, tokensIn: 0, tokensOut: 0, costUsd: null, error: 'The run failed unexpectedly; it is in the server log.' };
  } finally {
    unsubscribe();
  }
  const succeeded = outcome.status === 'succeeded';
  await flush(
    {
      status: outcome.status,
      result: outcome.result,
      error: outcome.error,
      steps: outcome.steps,
      tokensIn: outcome.tokensIn,
      tokensOut: outcome.tokensOut,
      costUsd: outcome.costUsd,
      finishedAt: new Date(),
    },
    // AI-2: a scheduled brief that succeeded is mailed; the job exists only if the outcome commits.
    async (tx) => {
      if (succeeded && isScheduledBrief(run)) await enqueue(tx, weeklyBriefMailJob, { workspaceId: ctx.workspaceId, runId }, { workspaceId: ctx.workspaceId, jobKey: `weekly-brief-mail:${runId}` });
    },
  );
  return getRun(db, ctx, runId);
}

/** Staff see the runs they started; owners and admins see every run. */
const visibleRuns = (ctx: WorkspaceContext) => (ctx.role === 'staff' ? eq(agentRuns.userId, ctx.userId!) : undefined);

export async function getRun(db: Db, ctx: WorkspaceContext, id: string): Promise<AgentRun> {
  return withTenant(db, ctx, async (tx) => {
    const [row] = await tx.select().from(agentRuns).where(and(eq(agentRuns.workspaceId, ctx.workspaceId), eq(agentRuns.id, id), visibleRuns(ctx)));
    if (!row) throw notFound('Agent run');
    return presentRun(row);
  });
}

export async function listRuns(db: Db, ctx: WorkspaceContext, q: z.infer<typeof listRunsQuery>) {
  return withTenant(db, ctx, async (tx) => {
    const rows = await tx
      .select()
      .from(agentRuns)
      .where(
        and(
          eq(agentRuns.workspaceId, ctx.workspaceId),
          visibleRuns(ctx),
          q.agent ? eq(agentRuns.agent, q.agent) : undefined,
          q.subjectType ? eq(agentRuns.subjectType, q.subjectType) : undefined,
          q.subjectId ? eq(agentRuns.subjectId, q.subjectId) : undefined,
          q.cursor ? lt(agentRuns.id, q.cursor) : undefined,
        ),
      )
      .orderBy(desc(agentRuns.id))
      .limit(q.limit + 1);
    const page = rows.slice(0, q.limit);
    return { items: page.map(presentSummary), nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null };
  });
}

/** "Stop": the run ends at its next step, wherever it runs; a run not yet picked up by a worker ends now. */
/** The realtime event that tells the instance running a run to stop it now. */
const RUN_CANCEL_EVENT = 'agent_run_cancel';

export async function cancelRun(db: Db, ctx: WorkspaceContext, id: string): Promise<AgentRun> {
  return withTenant(db, ctx, async (tx) => {
    const [row] = await tx.select().from(agentRuns).where(and(eq(agentRuns.workspaceId, ctx.workspaceId), eq(agentRuns.id, id), visibleRuns(ctx))).for('update');
    if (!row) throw notFound('Agent run');
    if (row.status !== 'running') return presentRun(row);
    // Not started: no worker has taken it yet (executeRun marks a heartbeat before its first model
    // call). A run in its first model call has no saved step yet but is under way: it is stopped in flight.
    const notStarted = row.heartbeatAt === null && row.steps === 0 && row.events.length === 0;
    const [updated] = await tx
      .update(agentRuns)
      .set(notStarted ? { cancelRequested: true, status: 'cancelled', error: 'Stopped by a person before it started.', finishedAt: new Date() } : { cancelRequested: true })
      .where(and(eq(agentRuns.workspaceId, ctx.workspaceId), eq(agentRuns.id, id)))
      .returning();
    await recordAudit(tx, ctx, { action: 'agent.run_cancelled', targetType: 'agent_run', targetId: id, details: { agent: row.agent } });
    if (!notStarted) await publish(tx, { w: ctx.workspaceId, c: id, e: null, k: RUN_CANCEL_EVENT });
    return presentRun(updated!);
  });
}
