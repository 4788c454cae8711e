import { sql } from 'drizzle-orm';
import { bigint, boolean, check, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { users } from '../accounts/accounts.schema';
import { workspaces } from '../workspaces/workspaces.schema';
import { importObjects, importStatuses, type ImportColumn, type ImportMapping, type ImportOptions, type UndoResult } from './imports.contract';

/**
 * CRM-7: one file imported into contacts, companies or an email list. Counts and progress are
 * written while the job runs so that the page can show them live.
 */
export const imports = pgTable(
  'imports',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    object: text('object', { enum: importObjects }).notNull(),
    status: text('status', { enum: importStatuses }).notNull().default('uploaded'),
    fileName: text('file_name').notNull(),
    fileSize: bigint('file_size', { mode: 'number' }).notNull(),
    fileType: text('file_type', { enum: ['csv', 'xlsx'] }).notNull(),
    /** How the text was decoded (utf-8, utf-8 with BOM, windows-1252, utf-16le). */
    encoding: text('encoding').notNull(),
    /** CSV only: the detected separator. */
    delimiter: text('delimiter'),
    hasHeader: boolean('has_header').notNull().default(true),
    columns: jsonb('columns').$type<ImportColumn[]>().notNull().default([]),
    mapping: jsonb('mapping').$type<ImportMapping>().notNull().default([]),
    options: jsonb('options').$type<ImportOptions | null>(),
    rowsTotal: integer('rows_total'),
    rowsProcessed: integer('rows_processed').notNull().default(0),
    phase: text('phase'),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    /** Why the import failed or was not applied, in words for the person. */
    error: text('error'),
    undoResult: jsonb('undo_result').$type<UndoResult | null>(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    undoneBy: uuid('undone_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    undoneAt: timestamp('undone_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    index('imports_created_idx').on(t.workspaceId, t.createdAt),
    check('imports_status_check', sql.raw(`status IN (${importStatuses.map((s) => `'${s}'`).join(', ')})`)),
    check('imports_object_check', sql.raw(`object IN (${importObjects.map((s) => `'${s}'`).join(', ')})`)),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** CRM-7: the validation report — one line per problem, by the row number a spreadsheet shows. */
export const importRowErrors = pgTable(
  'import_row_errors',
  {
    workspaceId: workspaceIdColumn(),
    importId: uuid('import_id').notNull(),
    seq: integer('seq').notNull(),
    row: integer('row').notNull(),
    column: text('column'),
    reason: text('reason').notNull(),
    value: text('value'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.importId, t.seq] }),
    // No foreign key of its own to workspaces: the one to imports already cascades from the
    // workspace (imports → workspaces), and a second check per row costs imports time (decision 021).
    foreignKey({ columns: [t.workspaceId, t.importId], foreignColumns: [imports.workspaceId, imports.id] }).onDelete('cascade'),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * CRM-7: which records an import touched, so that undo is set-based. Updated records keep
 * their before-image and the version the import left them at: a record changed since is kept.
 * Records are of several tables, so only the import has a foreign key.
 */
export const importRecords = pgTable(
  'import_records',
  {
    workspaceId: workspaceIdColumn(),
    importId: uuid('import_id').notNull(),
    recordType: text('record_type', { enum: ['contacts', 'companies', 'tags'] }).notNull(),
    recordId: uuid('record_id').notNull(),
    action: text('action', { enum: ['created', 'updated', 'tagged'] }).notNull(),
    before: jsonb('before'),
    versionAfter: integer('version_after'),
    addedTagIds: uuid('added_tag_ids').array(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.importId, t.recordType, t.recordId] }),
    // One row per record an import touches (a million for a million-row import): the workspace is
    // reached through the import's key, which cascades from it, so no second foreign key (decision 021).
    foreignKey({ columns: [t.workspaceId, t.importId], foreignColumns: [imports.workspaceId, imports.id] }).onDelete('cascade'),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
