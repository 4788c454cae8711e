import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { users } from '../accounts/accounts.schema';
import { workspaces } from '../workspaces/workspaces.schema';
import { agentNames, proposalKinds, proposalStatuses, runStatuses, subjectTypes, type AgentResult, type CitedRecord, type RunEvent } from './agents.contract';

const ts = (name: string) => timestamp(name, { withTimezone: true });
const inList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * AI-2: one run of an agent on a task — what it was asked, every step it took (events), the
 * records it read, and its validated answer. Each model call of the run is an `ai_calls` row
 * carrying this run's id (AI-4).
 */
export const agentRuns = pgTable(
  'agent_runs',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    agent: text('agent', { enum: agentNames }).notNull(),
    task: text('task').notNull(),
    subjectType: text('subject_type', { enum: subjectTypes }),
    subjectId: uuid('subject_id'),
    instructions: text('instructions'),
    /** Who started it; null for a scheduled run (the weekly brief). */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    trigger: text('trigger', { enum: ['person', 'schedule'] }).notNull().default('person'),
    status: text('status', { enum: runStatuses }).notNull().default('running'),
    /** Set by "Stop"; the run checks it between steps, so any app instance can stop it. */
    cancelRequested: boolean('cancel_requested').notNull().default(false),
    steps: integer('steps').notNull().default(0),
    events: jsonb('events').$type<RunEvent[]>().notNull().default([]),
    records: jsonb('records').$type<CitedRecord[]>().notNull().default([]),
    result: jsonb('result').$type<AgentResult>(),
    error: text('error'),
    tokensIn: integer('tokens_in').notNull().default(0),
    tokensOut: integer('tokens_out').notNull().default(0),
    costUsd: numeric('cost_usd', { precision: 14, scale: 8, mode: 'number' }),
    startedAt: ts('started_at').notNull().defaultNow(),
    /**
     * The last sign of life of the process executing the run (set when it starts and at every
     * step). A run still `running` long after it is what a crash or restart leaves behind.
     */
    heartbeatAt: ts('heartbeat_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    // The stale-run sweep reads only running runs, across workspaces.
    index('agent_runs_running_idx').on(t.startedAt).where(sql`status = 'running'`),
    check('agent_runs_agent_check', sql.raw(`agent IN (${inList(agentNames)})`)),
    check('agent_runs_status_check', sql.raw(`status IN (${inList(runStatuses)})`)),
    index('agent_runs_subject_idx').on(t.workspaceId, t.subjectType, t.subjectId, t.id.desc()),
    index('agent_runs_agent_idx').on(t.workspaceId, t.agent, t.id.desc()),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * AI-5: an outward or changing action an agent proposed (send an email, move a deal, create
 * tasks). It waits in the approvals inbox unless the agent is on autopilot; a person approves
 * (perhaps after editing), or rejects it. `payload` is what is (or was) carried out.
 */
export const agentProposals = pgTable(
  'agent_proposals',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    runId: uuid('run_id').notNull(),
    agent: text('agent', { enum: agentNames }).notNull(),
    kind: text('kind', { enum: proposalKinds }).notNull(),
    status: text('status', { enum: proposalStatuses }).notNull().default('pending'),
    rationale: text('rationale').notNull().default(''),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    originalPayload: jsonb('original_payload').$type<Record<string, unknown>>(),
    records: jsonb('records').$type<CitedRecord[]>().notNull().default([]),
    proposedByUserId: uuid('proposed_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    decidedByUserId: uuid('decided_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    decidedAt: ts('decided_at'),
    autopilot: boolean('autopilot').notNull().default(false),
    note: text('note'),
    result: jsonb('result').$type<Record<string, unknown>>(),
    error: text('error'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId, t.runId], foreignColumns: [agentRuns.workspaceId, agentRuns.id] }).onDelete('cascade'),
    check('agent_proposals_kind_check', sql.raw(`kind IN (${inList(proposalKinds)})`)),
    check('agent_proposals_status_check', sql.raw(`status IN (${inList(proposalStatuses)})`)),
    index('agent_proposals_status_idx').on(t.workspaceId, t.status, t.id.desc()),
    index('agent_proposals_run_idx').on(t.workspaceId, t.runId),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** AI-5: per-agent settings; a missing row means "ask a person first". */
export const agentSettings = pgTable(
  'agent_settings',
  {
    workspaceId: workspaceIdColumn(),
    agent: text('agent', { enum: agentNames }).notNull(),
    autopilot: boolean('autopilot').notNull().default(false),
    /** Strategist: the weekly brief runs every Monday. */
    scheduled: boolean('scheduled').notNull().default(false),
    updatedByUserId: uuid('updated_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.agent] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    check('agent_settings_agent_check', sql.raw(`agent IN (${inList(agentNames)})`)),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
