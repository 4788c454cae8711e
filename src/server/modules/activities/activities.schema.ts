import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { users } from '../accounts/accounts.schema';
import { recordTypes } from '../crm/crm.contract';
import { workspaces } from '../workspaces/workspaces.schema';
import { activityKinds, callOutcomes, emailDirections } from './activities.contract';

const ts = (name: string) => timestamp(name, { withTimezone: true });
const inList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * CRM-4: one item of a timeline — a note, call, email, meeting or task (chat and WhatsApp
 * messages later). Kind-specific columns are null for the other kinds. `body` is HTML that
 * passed the allowlist sanitiser; `body_text` is its plain text for previews, mail and search.
 */
export const activities = pgTable(
  'activities',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    kind: text('kind', { enum: activityKinds }).notNull(),
    subject: text('subject'),
    body: text('body'),
    bodyText: text('body_text'),
    /** What the timeline sorts by: when the call or meeting happened, or when the note was written. */
    occurredAt: ts('occurred_at').notNull(),
    callOutcome: text('call_outcome', { enum: callOutcomes }),
    callDurationSeconds: integer('call_duration_seconds'),
    /** CALL-1: the call script used on the call, and its name when the call was logged (the script may be renamed or deleted later). */
    callScriptId: uuid('call_script_id'),
    callScriptName: text('call_script_name'),
    emailDirection: text('email_direction', { enum: emailDirections }),
    emailFrom: text('email_from'),
    emailTo: text('email_to').array().notNull().default(sql`'{}'::text[]`),
    meetingStartsAt: ts('meeting_starts_at'),
    meetingEndsAt: ts('meeting_ends_at'),
    meetingLocation: text('meeting_location'),
    taskDueAt: ts('task_due_at'),
    assigneeUserId: uuid('assignee_user_id').references(() => users.id, { onDelete: 'set null' }),
    completedAt: ts('completed_at'),
    completedByUserId: uuid('completed_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    reminderAt: ts('reminder_at'),
    /** Set in the transaction that queues the reminder email: a reminder goes out at most once. */
    reminderSentAt: ts('reminder_sent_at'),
    authorUserId: uuid('author_user_id').references(() => users.id, { onDelete: 'set null' }),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    check('activities_kind_check', sql.raw(`kind IN (${inList(activityKinds)})`)),
    check('activities_call_outcome_check', sql.raw(`call_outcome IN (${inList(callOutcomes)})`)),
    check('activities_email_direction_check', sql.raw(`email_direction IN (${inList(emailDirections)})`)),
    check('activities_call_duration_check', sql`${t.callDurationSeconds} BETWEEN 0 AND 86400`),
    check('activities_meeting_time_check', sql`${t.meetingEndsAt} IS NULL OR ${t.meetingEndsAt} >= ${t.meetingStartsAt}`),
    // "My tasks": open tasks of one assignee by due date.
    index('activities_assignee_tasks_idx').on(t.workspaceId, t.assigneeUserId, t.taskDueAt).where(sql`${t.kind} = 'task'`),
    // The reminder sweep looks across workspaces for reminders that are due and not sent.
    index('activities_reminder_due_idx').on(t.reminderAt).where(sql`${t.reminderSentAt} IS NULL AND ${t.completedAt} IS NULL`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * CRM-4: which records' timelines an activity appears on. Records live in several tables, so
 * only the activity has a foreign key; a deleted record's links simply stop being read.
 * `occurred_at` and `kind` are copied from the activity so a timeline page is one index range scan.
 * `inferred` links were added because a linked contact or deal belongs to that company.
 */
export const activityLinks = pgTable(
  'activity_links',
  {
    workspaceId: workspaceIdColumn(),
    activityId: uuid('activity_id').notNull(),
    recordType: text('record_type', { enum: recordTypes }).notNull(),
    recordId: uuid('record_id').notNull(),
    occurredAt: ts('occurred_at').notNull(),
    kind: text('kind', { enum: activityKinds }).notNull(),
    inferred: boolean('inferred').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.activityId, t.recordType, t.recordId] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.activityId], foreignColumns: [activities.workspaceId, activities.id] }).onDelete('cascade'),
    index('activity_links_timeline_idx').on(t.workspaceId, t.recordType, t.recordId, t.occurredAt.desc(), t.activityId.desc()),
    check('activity_links_record_type_check', sql`${t.recordType} IN ('contacts', 'companies', 'deals')`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
