import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { tenantPolicy, workspaceIdColumn } from '../../../platform/db/tenancy-sql';
import { workspaces } from '../../workspaces/workspaces.schema';

const ts = (name: string) => timestamp(name, { withTimezone: true });
const oneOf = (column: string, values: readonly string[]) => sql.raw(`${column} IN (${values.map((v) => `'${v}'`).join(', ')})`);

export const enrolmentStates = ['active', 'paused', 'replied', 'unsubscribed', 'bounced', 'finished', 'stopped'] as const;
/** MAIL-2: a draft sequence enrols nobody; an active one sends. Steps can be edited in both. */
export const sequenceStatuses = ['draft', 'active'] as const;

/** MAIL-2: a sequence of follow-up mails: steps sent one after another, each some days after the last. */
export const outreachSequences = pgTable(
  'outreach_sequences',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    name: text('name').notNull(),
    status: text('status', { enum: sequenceStatuses }).notNull().default('active'),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    index('outreach_sequences_created_idx').on(t.workspaceId, t.createdAt),
    check('outreach_sequences_status_check', oneOf('status', sequenceStatuses)),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * MAIL-2: one step: the template's subject and body copied when the sequence is made, sent
 * `delay_days` after the step before (or enrolment). Enrolments point at a step by its id, so
 * steps can be reordered, added and removed while they run; a removed step keeps its row
 * (`removed_at`) so an enrolment waiting on it moves on to the step that followed it.
 */
export const outreachSequenceSteps = pgTable(
  'outreach_sequence_steps',
  {
    workspaceId: workspaceIdColumn(),
    sequenceId: uuid('sequence_id').notNull(),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    position: integer('position').notNull(),
    templateId: uuid('template_id'),
    subject: text('subject').notNull(),
    html: text('html').notNull(),
    delayDays: integer('delay_days').notNull(),
    /** Set when the step was taken out of the sequence; null while it is part of it. */
    removedAt: ts('removed_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.sequenceId, t.id] }),
    foreignKey({ columns: [t.workspaceId, t.sequenceId], foreignColumns: [outreachSequences.workspaceId, outreachSequences.id] }).onDelete('cascade'),
    check('outreach_sequence_steps_delay_check', sql`delay_days BETWEEN 0 AND 365`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * MAIL-2: a contact going through a sequence. A worker claims a due row (`claimed_at`), sends the
 * current step with an idempotency key naming sequence, contact and step, then moves it on; a reply,
 * an unsubscribe or a bounce ends it at once.
 */
export const outreachSequenceEnrolments = pgTable(
  'outreach_sequence_enrolments',
  {
    workspaceId: workspaceIdColumn(),
    sequenceId: uuid('sequence_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    state: text('state', { enum: enrolmentStates }).notNull().default('active'),
    /** How many steps were sent so far. */
    currentStep: integer('current_step').notNull().default(0),
    /** MAIL-2: the step to send next, by id (null before the first send of an enrolment made before steps had ids: then by count). */
    nextStepId: uuid('next_step_id'),
    /** MAIL-2: follow-ups are replies: the first mail's subject and the Message-IDs of the thread so far (References). */
    threadSubject: text('thread_subject'),
    threadReferences: text('thread_references'),
    /** MAIL-2: paused by an automatic reply (out of office) until then; resumed by the due sender. */
    pausedUntil: ts('paused_until'),
    nextSendAt: ts('next_send_at'),
    /** The time zone the send window was computed in (the lead's own, else the workspace's). */
    timeZone: text('time_zone'),
    claimedAt: ts('claimed_at'),
    attempts: integer('attempts').notNull().default(0),
    /** Why it ended other than by finishing: a reason code or words. */
    stopReason: text('stop_reason'),
    lastSentAt: ts('last_sent_at'),
    enrolledBy: uuid('enrolled_by'),
    enrolledAt: ts('enrolled_at').notNull().defaultNow(),
    endedAt: ts('ended_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.sequenceId, t.contactId] }),
    foreignKey({ columns: [t.workspaceId, t.sequenceId], foreignColumns: [outreachSequences.workspaceId, outreachSequences.id] }).onDelete('cascade'),
    check('outreach_sequence_enrolments_state_check', oneOf('state', enrolmentStates)),
    // The worker's scan for due steps, across workspaces.
    index('outreach_sequence_enrolments_due_idx').on(t.nextSendAt).where(sql`state = 'active'`),
    index('outreach_sequence_enrolments_paused_idx').on(t.pausedUntil).where(sql`state = 'paused'`),
    index('outreach_sequence_enrolments_contact_idx').on(t.workspaceId, t.contactId),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
