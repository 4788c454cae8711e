import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { users } from '../accounts/accounts.schema';
import { recordTypes } from '../crm/crm.contract';
import { workspaces } from '../workspaces/workspaces.schema';
import { bulkActionKinds, bulkStatuses, type BulkAction, type BulkSelection } from './bulk.contract';

/**
 * CRM-9: one bulk change (tag, assign, lifecycle, stage, delete) over a selection or a filtered
 * view, worked through in batches by a job. `cursor` is the last id done, so a retried job resumes.
 */
export const bulkOperations = pgTable(
  'bulk_operations',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    object: text('object', { enum: recordTypes }).notNull(),
    kind: text('kind', { enum: bulkActionKinds }).notNull(),
    action: jsonb('action').$type<BulkAction>().notNull(),
    selection: jsonb('selection').$type<BulkSelection>().notNull(),
    status: text('status', { enum: bulkStatuses }).notNull().default('queued'),
    total: integer('total').notNull().default(0),
    done: integer('done').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    cursor: uuid('cursor'),
    /** Records created after the operation started are left alone: ids are time-ordered. */
    upToId: uuid('up_to_id'),
    error: text('error'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    index('bulk_operations_created_idx').on(t.workspaceId, t.createdAt),
    check('bulk_operations_status_check', sql`${t.status} IN ('queued', 'running', 'done', 'failed')`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
