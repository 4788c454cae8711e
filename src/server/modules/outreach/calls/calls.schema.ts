import { sql } from 'drizzle-orm';
import { bigint, check, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { tenantPolicy, workspaceIdColumn } from '../../../platform/db/tenancy-sql';
import { users } from '../../accounts/accounts.schema';
import { workspaces } from '../../workspaces/workspaces.schema';
import { dncImportKinds, dncImportStatuses, dncSources } from './calls.contract';


/**
 * CALL-2: the workspace's do-not-call list, one row per E.164 number. The key is the number, so
 * "is this number on the list" is one index probe and a registry import of a million lines merges
 * with ON CONFLICT instead of growing duplicates.
 */
export const doNotCall = pgTable(
  'do_not_call',
  {
    workspaceId: workspaceIdColumn(),
    number: text('number').notNull(),
    source: text('source', { enum: dncSources }).notNull(),
    reason: text('reason'),
    /** The contact who asked, when a contact asked (no foreign key: the entry outlives the contact). */
    contactId: uuid('contact_id'),
    importId: uuid('import_id'),
    addedBy: uuid('added_by').references(() => users.id, { onDelete: 'set null' }),
    /** Millisecond precision, so a keyset cursor carried through JavaScript is exact. */
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`date_trunc('milliseconds', now())`),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.number] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    check('do_not_call_source_check', sql.raw(`source IN (${dncSources.map((s) => `'${s}'`).join(', ')})`)),
    // The list page, newest first, paged by (created_at, number).
    index('do_not_call_created_idx').on(t.workspaceId, t.createdAt, t.number),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** CALL-2: one national registry file imported into the list, with live progress. */
export const dncImports = pgTable(
  'dnc_imports',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    status: text('status', { enum: dncImportStatuses }).notNull().default('queued'),
    kind: text('kind', { enum: dncImportKinds }).notNull().default('full'),
    fileName: text('file_name').notNull(),
    fileSize: bigint('file_size', { mode: 'number' }).notNull(),
    bytesRead: bigint('bytes_read', { mode: 'number' }).notNull().default(0),
    linesRead: integer('lines_read').notNull().default(0),
    added: integer('added').notNull().default(0),
    removed: integer('removed').notNull().default(0),
    invalid: integer('invalid').notNull().default(0),
    error: text('error'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    check('dnc_imports_status_check', sql.raw(`status IN (${dncImportStatuses.map((s) => `'${s}'`).join(', ')})`)),
    check('dnc_imports_kind_check', sql.raw(`kind IN (${dncImportKinds.map((s) => `'${s}'`).join(', ')})`)),
    index('dnc_imports_created_idx').on(t.workspaceId, t.createdAt),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
