import { sql } from 'drizzle-orm';
import { check, foreignKey, pgTable, primaryKey, real, text, timestamp, uuid, index } from 'drizzle-orm/pg-core';
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
