import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, pgTable, primaryKey, real, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { workspaces } from '../workspaces/workspaces.schema';

/**
 * AI-3: one embedding per contact, company and deal, for semantic retrieval when the database
 * has pgvector. The vector is kept as real[] (cast to `vector` at query time) so that the table
 * exists, and the schema stays the same, whether or not the extension is installed. The text
 * that was embedded is not kept: only its hash, to know when the record changed.
 */
export const recordEmbeddings = pgTable(
  'record_embeddings',
  {
    workspaceId: workspaceIdColumn(),
    recordType: text('record_type', { enum: ['contacts', 'companies', 'deals'] }).notNull(),
    recordId: uuid('record_id').notNull(),
    model: text('model').notNull(),
    contentHash: text('content_hash').notNull(),
    embedding: real('embedding').array().notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.recordType, t.recordId] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    check('record_embeddings_type_check', sql`${t.recordType} IN ('contacts', 'companies', 'deals')`),
    index('record_embeddings_model_idx').on(t.workspaceId, t.model),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * AI-3: the last (or current) indexing of a workspace's records for semantic search, one row
 * per workspace: what the status page shows as progress, and what the nightly refresh picks up.
 */
export const semanticIndexState = pgTable(
  'semantic_index_state',
  {
    workspaceId: workspaceIdColumn(),
    model: text('model').notNull(),
    state: text('state', { enum: ['queued', 'running', 'done', 'failed'] }).notNull(),
    /** Records to walk (restricted contacts excluded), counted when the run starts. */
    total: integer('total').notNull().default(0),
    /** Records walked so far, and of those how many were (re-)embedded. */
    walked: integer('walked').notNull().default(0),
    embedded: integer('embedded').notNull().default(0),
    error: text('error'),
    requestedBy: uuid('requested_by'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    check('semantic_index_state_check', sql`${t.state} IN ('queued', 'running', 'done', 'failed')`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
