import { bigint, check, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { users } from '../accounts/accounts.schema';
import { sql } from 'drizzle-orm';
import { tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { workspaces } from '../workspaces/workspaces.schema';

/**
 * PRIV-2: a data export being built or waiting to be downloaded. The archive lives under
 * DATA_DIR (mode 0600) until it is downloaded once or expires; only the token's hash is kept.
 */
export const privacyExports = pgTable(
  'privacy_exports',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    requestedBy: uuid('requested_by').references(() => users.id, { onDelete: 'set null' }),
    status: text('status').$type<'queued' | 'running' | 'ready' | 'downloaded' | 'expired' | 'failed'>().notNull().default('queued'),
    rowsDone: bigint('rows_done', { mode: 'number' }).notNull().default(0),
    rowsTotal: bigint('rows_total', { mode: 'number' }).notNull().default(0),
    bytes: bigint('bytes', { mode: 'number' }),
    tokenHash: text('token_hash').notNull(),
    error: text('error'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    check('privacy_exports_status_check', sql`${t.status} IN ('queued', 'running', 'ready', 'downloaded', 'expired', 'failed')`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * PRIV-2: a person's own export ("Download my data"): everything about one account across the
 * workspaces they belong to. Account-scoped like sessions (no workspace); the archive lives under
 * DATA_DIR/exports/accounts until it is downloaded once or expires; only the token's hash is kept.
 */
export const privacyAccountExports = pgTable(
  'privacy_account_exports',
  {
    id: uuid('id').primaryKey().$defaultFn(() => uuidv7()),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    status: text('status').$type<'queued' | 'running' | 'ready' | 'downloaded' | 'expired' | 'failed'>().notNull().default('queued'),
    rowsDone: bigint('rows_done', { mode: 'number' }).notNull().default(0),
    rowsTotal: bigint('rows_total', { mode: 'number' }).notNull().default(0),
    bytes: bigint('bytes', { mode: 'number' }),
    tokenHash: text('token_hash').notNull(),
    error: text('error'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('privacy_account_exports_user_idx').on(t.userId, t.createdAt),
    check('privacy_account_exports_status_check', sql`${t.status} IN ('queued', 'running', 'ready', 'downloaded', 'expired', 'failed')`),
  ],
);

/**
 * PRIV-4: how long this workspace keeps conversations and AI call records, in days. A workspace
 * without a row keeps the defaults (retention-policy.ts); the daily retention job reads it.
 */
export const privacySettings = pgTable(
  'privacy_settings',
  {
    workspaceId: workspaceIdColumn(),
    conversationDays: integer('conversation_days').notNull(),
    aiCallDays: integer('ai_call_days').notNull(),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    check('privacy_settings_conversation_days_check', sql`${t.conversationDays} BETWEEN 1 AND 3650`),
    check('privacy_settings_ai_call_days_check', sql`${t.aiCallDays} BETWEEN 1 AND 3650`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * PRIV-10: a report from outside (a parent, a guardian, the child) that the workspace holds a
 * minor's data, made on the workspace's public privacy page and waiting for an owner or admin.
 * Erasing the person named removes the report with everything else about them (the data
 * registry finds it by its email and phone); dismissing it deletes it. The audit keeps only that
 * it happened, by hash.
 */
export const privacyMinorReports = pgTable(
  'privacy_minor_reports',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    email: text('email'),
    phone: text('phone'),
    details: text('details'),
    reporterEmail: text('reporter_email'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    index('privacy_minor_reports_created_idx').on(t.workspaceId, t.createdAt),
    check('privacy_minor_reports_person_check', sql`${t.email} IS NOT NULL OR ${t.phone} IS NOT NULL`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
