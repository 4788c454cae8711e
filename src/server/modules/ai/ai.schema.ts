import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, foreignKey, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { users } from '../accounts/accounts.schema';
import { workspaces } from '../workspaces/workspaces.schema';
import { aiCallOutcomes, aiProviderKinds, aiProviderSources, type AiRecordRef, type PriceTable } from './ai.contract';

const ts = (name: string) => timestamp(name, { withTimezone: true });
const inList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * AI-1: the provider a workspace connected itself (one per workspace). The key is sealed with
 * the secret box, bound to this workspace; only its last four characters are kept in the clear.
 */
export const aiProviders = pgTable(
  'ai_providers',
  {
    workspaceId: workspaceIdColumn(),
    kind: text('kind', { enum: aiProviderKinds }).notNull(),
    /** Required for openai_compatible; for the others an override (a proxy, a test server). */
    baseUrl: text('base_url'),
    apiKeySealed: text('api_key_sealed'),
    apiKeyLast4: text('api_key_last4'),
    model: text('model').notNull(),
    /** AI-3: the embedding model for semantic search; null: the kind's default (none for Anthropic and OpenAI-compatible servers). */
    embeddingModel: text('embedding_model'),
    /** Prices per model that take precedence over the operator's table. */
    prices: jsonb('prices').$type<PriceTable>(),
    updatedByUserId: uuid('updated_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    check('ai_providers_kind_check', sql.raw(`kind IN (${inList(aiProviderKinds)})`)),
    check('ai_providers_base_url_check', sql`${t.kind} <> 'openai_compatible' OR ${t.baseUrl} IS NOT NULL`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** AI-6: a workspace's AI settings. A workspace without a row has the defaults. */
export const aiSettings = pgTable(
  'ai_settings',
  {
    workspaceId: workspaceIdColumn(),
    redactPii: boolean('redact_pii').notNull().default(false),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

export interface StoredPrompt {
  system: string | null;
  messages: unknown[];
}
export interface StoredOutput {
  text: string | null;
  toolCalls: { name: string; input: unknown }[];
  object?: unknown;
}

/**
 * AI-4, WS-5: one model call — what was sent, which records it used, what came back, and what
 * it cost. Written after the call whatever its outcome, including calls refused by a limit.
 * UUIDv7 ids sort by time, so "newest first" is the primary key read backwards.
 */
export const aiCalls = pgTable(
  'ai_calls',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Which feature or agent made the call, e.g. `connection_test`, `brain`, `agent:forge`. */
    feature: text('feature').notNull(),
    /** The agent run or brain answer this call was a step of, when it was one. */
    runId: uuid('run_id'),
    providerKind: text('provider_kind', { enum: aiProviderKinds }).notNull(),
    providerSource: text('provider_source', { enum: aiProviderSources }).notNull(),
    model: text('model').notNull(),
    prompt: jsonb('prompt').$type<StoredPrompt>().notNull(),
    recordRefs: jsonb('record_refs').$type<AiRecordRef[]>().notNull().default([]),
    output: jsonb('output').$type<StoredOutput>(),
    tokensIn: integer('tokens_in'),
    tokensOut: integer('tokens_out'),
    /** US dollars; null when the model has no price. */
    costUsd: numeric('cost_usd', { precision: 14, scale: 8, mode: 'number' }),
    latencyMs: integer('latency_ms'),
    attempts: integer('attempts').notNull().default(0),
    streamed: boolean('streamed').notNull().default(false),
    outcome: text('outcome', { enum: aiCallOutcomes }).notNull(),
    errorMessage: text('error_message'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    check('ai_calls_outcome_check', sql.raw(`outcome IN (${inList(aiCallOutcomes)})`)),
    check('ai_calls_provider_kind_check', sql.raw(`provider_kind IN (${inList(aiProviderKinds)})`)),
    // "My calls", and per-user limits and usage.
    index('ai_calls_user_idx').on(t.workspaceId, t.userId, t.id.desc()),
    index('ai_calls_feature_idx').on(t.workspaceId, t.feature, t.id.desc()),
    index('ai_calls_run_idx').on(t.workspaceId, t.runId).where(sql`${t.runId} IS NOT NULL`),
    // Daily limits and usage per day read a time range.
    index('ai_calls_created_idx').on(t.workspaceId, t.createdAt),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * PRIV-4, WS-5: what is left of AI calls the retention job deleted — per UTC day, provider and
 * model, counts and sums only, no ids, no user, no prompt — so usage and cost figures stay right.
 * Columns mean what `get-usage.ts` computes from `ai_calls`.
 */
export const aiUsageDaily = pgTable(
  'ai_usage_daily',
  {
    workspaceId: workspaceIdColumn(),
    day: date('day', { mode: 'string' }).notNull(),
    providerKind: text('provider_kind', { enum: aiProviderKinds }).notNull(),
    model: text('model').notNull(),
    /** Calls that reached a provider (not refused by a limit). */
    calls: bigint('calls', { mode: 'number' }).notNull().default(0),
    failed: bigint('failed', { mode: 'number' }).notNull().default(0),
    tokensIn: bigint('tokens_in', { mode: 'number' }).notNull().default(0),
    tokensOut: bigint('tokens_out', { mode: 'number' }).notNull().default(0),
    costUsd: numeric('cost_usd', { precision: 20, scale: 8, mode: 'number' }).notNull().default(0),
    unpricedCalls: bigint('unpriced_calls', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.day, t.providerKind, t.model] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
