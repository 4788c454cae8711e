import { z } from 'zod';
import { versionInput } from '../../platform/http/bounds';
import { emailSchema } from '../accounts/accounts.contract';
import { recordTypeSchema, recordTypes } from '../crm/crm.contract';

/** Request and response shapes of the timeline API (CRM-4), shared with the web app. */

/**
 * Everything a timeline can hold. Chat and WhatsApp messages arrive from the conversations
 * module later (through `logActivity`); people compose the first five in the timeline.
 */
export const activityKinds = ['note', 'call', 'email', 'meeting', 'task', 'chat', 'whatsapp'] as const;
export const composableKinds = ['note', 'call', 'email', 'meeting', 'task'] as const;
export const callOutcomes = ['connected', 'left_voicemail', 'no_answer', 'busy', 'wrong_number'] as const;
export const emailDirections = ['outbound', 'inbound'] as const;
export type ActivityKind = (typeof activityKinds)[number];
export type ComposableKind = (typeof composableKinds)[number];
export type CallOutcome = (typeof callOutcomes)[number];
export { recordTypes };

export const activityKindSchema = z.enum(activityKinds);
export const callOutcomeSchema = z.enum(callOutcomes, 'Choose connected, left_voicemail, no_answer, busy or wrong_number.');
export const emailDirectionSchema = z.enum(emailDirections, 'Choose outbound or inbound.');

const text = (max: number) => z.string().trim().max(max, `At most ${max} characters.`);
const optionalText = (max: number) => text(max).nullable().optional();
const timestamp = z.iso.datetime({ offset: true, message: 'Use a date and time like 2026-03-31T14:30:00Z.' }).max(40, 'Use a date and time like 2026-03-31T14:30:00Z.');
/** Rich text: HTML that the server sanitises to an allowlist before storing. */
const richText = z.string().max(100_000, 'At most 100,000 characters.');
/** A day is the longest call anyone logs; longer is a typo. */
const durationSeconds = z.number('Enter the duration in seconds.').int('Whole seconds only.').min(0, 'Cannot be negative.').max(86_400, 'At most 24 hours (86400 seconds).');

export const recordLinkSchema = z.strictObject({ recordType: recordTypeSchema, recordId: z.uuid('Not a record id.') });
export type RecordLink = z.infer<typeof recordLinkSchema>;

// ---------------------------------------------------------------- params and queries

export const activitiesParams = z.strictObject({ workspaceId: z.uuid('Not a workspace id.') });
export const activityParams = z.strictObject({ workspaceId: z.uuid(), activityId: z.uuid('Not an activity id.') });

const kindsList = z
  .string()
  .trim()
  .max(200)
  .transform((s) => s.split(',').map((k) => k.trim()).filter(Boolean))
  .pipe(z.array(activityKindSchema).min(1).max(activityKinds.length));

export const timelineQuery = z.strictObject({
  recordType: recordTypeSchema,
  recordId: z.uuid('Not a record id.'),
  /** Comma-separated, e.g. `note,call`. */
  kinds: kindsList.optional(),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const taskDueFilters = ['overdue', 'today', 'upcoming', 'none'] as const;
export const tasksQuery = z.strictObject({
  /** `me` (default), `anyone`, or a user id. */
  assignee: z.union([z.literal('me'), z.literal('anyone'), z.uuid()]).default('me'),
  status: z.enum(['open', 'completed', 'all']).default('open'),
  /** Overdue: due before now. Today: due today in the workspace's time zone. Upcoming: due after today. None: no due date. */
  due: z.enum(taskDueFilters).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

// ---------------------------------------------------------------- writes

/** Fields every kind shares. `links` puts the item on each record's timeline. */
const common = {
  subject: optionalText(300),
  body: richText.nullable().optional(),
  occurredAt: timestamp.optional(),
  links: z.array(recordLinkSchema).max(20, 'At most 20 linked records.').optional(),
};

const noteFields = { ...common };
const callFields = { ...common, callOutcome: callOutcomeSchema.nullable().optional(), callDurationSeconds: durationSeconds.nullable().optional() };
const emailFields = {
  ...common,
  emailDirection: emailDirectionSchema.optional(),
  emailFrom: emailSchema.nullable().optional(),
  emailTo: z.array(emailSchema).max(50).optional(),
};
const meetingFields = {
  ...common,
  meetingStartsAt: timestamp.nullable().optional(),
  meetingEndsAt: timestamp.nullable().optional(),
  meetingLocation: optionalText(300),
};
const taskFields = {
  ...common,
  taskDueAt: timestamp.nullable().optional(),
  /** Defaults to the person creating the task. */
  assigneeUserId: z.uuid('Not a user id.').nullable().optional(),
  reminderAt: timestamp.nullable().optional(),
};

export const createActivityBody = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('note'), ...noteFields, body: richText.min(1, 'Write the note.') }),
    z.strictObject({ kind: z.literal('call'), ...callFields, callOutcome: callOutcomeSchema }),
    z.strictObject({ kind: z.literal('email'), ...emailFields, subject: text(300).min(1, 'Enter the subject.') }),
    z.strictObject({ kind: z.literal('meeting'), ...meetingFields, subject: text(300).min(1, 'Name the meeting.'), meetingStartsAt: timestamp }),
    z.strictObject({ kind: z.literal('task'), ...taskFields, subject: text(300).min(1, 'Describe the task.') }),
  ],
  'Choose a kind: note, call, email, meeting or task.',
);
export type CreateActivityInput = z.infer<typeof createActivityBody>;

/**
 * The kind is fixed once created. Fields that do not belong to the item's kind are refused.
 * `links`, when given, replaces the item's linked records.
 */
export const updateActivityBody = z.strictObject({
  version: versionInput(),
  subject: optionalText(300),
  body: richText.nullable().optional(),
  occurredAt: timestamp.optional(),
  links: common.links,
  callOutcome: callOutcomeSchema.nullable().optional(),
  callDurationSeconds: durationSeconds.nullable().optional(),
  emailDirection: emailDirectionSchema.optional(),
  emailFrom: emailSchema.nullable().optional(),
  emailTo: z.array(emailSchema).max(50).optional(),
  meetingStartsAt: timestamp.nullable().optional(),
  meetingEndsAt: timestamp.nullable().optional(),
  meetingLocation: optionalText(300),
  taskDueAt: timestamp.nullable().optional(),
  assigneeUserId: z.uuid('Not a user id.').nullable().optional(),
  reminderAt: timestamp.nullable().optional(),
});
export type UpdateActivityInput = z.infer<typeof updateActivityBody>;

/** The version is optional: ticking a checkbox should not fail because a note was edited meanwhile. */
export const taskStateBody = z.strictObject({ version: versionInput().optional() });

// ---------------------------------------------------------------- responses

export const linkedRecordSchema = z.object({
  recordType: recordTypeSchema,
  recordId: z.uuid(),
  /** A name to show, or null when the record was deleted. */
  label: z.string().nullable(),
  /** Added because a linked contact or deal belongs to this company. */
  inferred: z.boolean(),
});

const person = z.object({ id: z.uuid(), name: z.string() }).nullable();

export const activitySchema = z
  .object({
    id: z.uuid(),
    kind: activityKindSchema,
    subject: z.string().nullable(),
    /** Sanitised HTML. */
    body: z.string().nullable(),
    bodyText: z.string().nullable(),
    occurredAt: z.string(),
    callOutcome: callOutcomeSchema.nullable(),
    callDurationSeconds: z.number().int().nullable(),
    /** CALL-1: the call script used on the call, as it was named then. */
    callScript: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    emailDirection: emailDirectionSchema.nullable(),
    emailFrom: z.string().nullable(),
    emailTo: z.array(z.string()),
    meetingStartsAt: z.string().nullable(),
    meetingEndsAt: z.string().nullable(),
    meetingLocation: z.string().nullable(),
    taskDueAt: z.string().nullable(),
    assignee: person,
    completedAt: z.string().nullable(),
    reminderAt: z.string().nullable(),
    reminderSentAt: z.string().nullable(),
    author: person,
    links: z.array(linkedRecordSchema),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Activity' });

export const activityPage = z.object({ items: z.array(activitySchema), nextCursor: z.string().nullable() });

export type Activity = z.infer<typeof activitySchema>;
export type ActivityPage = z.infer<typeof activityPage>;
export type LinkedRecord = z.infer<typeof linkedRecordSchema>;
export type TimelineQuery = z.infer<typeof timelineQuery>;
export type TasksQuery = z.infer<typeof tasksQuery>;
