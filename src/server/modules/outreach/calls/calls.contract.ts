import { z } from 'zod';
import { callOutcomes } from '../../activities/activities.contract';

/** CALL-1…CALL-3 request and response shapes, shared with the web app. */

export const dncSources = ['contact_request', 'manual', 'registry'] as const;
export const dncImportStatuses = ['queued', 'running', 'completed', 'failed'] as const;
/** CALL-2: the registry's full list, or one of its change-list files (numbers added to, or deleted from, the registry since the last download). */
export const dncImportKinds = ['full', 'additions', 'deletions'] as const;

export const callLogOutcomes = [...callOutcomes, 'do_not_call'] as const;
export type CallLogOutcome = (typeof callLogOutcomes)[number];

export const skipReasons = ['do_not_call', 'outside_hours', 'no_number', 'unknown_zone', 'restricted'] as const;
export type SkipReason = (typeof skipReasons)[number];

export const workspaceParams = z.strictObject({ workspaceId: z.uuid('Not a workspace id.') });
export const contactParams = z.strictObject({ workspaceId: z.uuid('Not a workspace id.'), contactId: z.uuid('Not a contact id.') });
export const dncImportParams = z.strictObject({ workspaceId: z.uuid('Not a workspace id.'), importId: z.uuid('Not an import id.') });

const phoneInput = z.string('Enter a phone number.').trim().min(3, 'Enter a phone number.').max(40, 'At most 40 characters.');
const reasonInput = z.string().trim().max(500, 'At most 500 characters.').nullable().optional();

export const queueQuery = z.strictObject({
  /** A saved contacts view to call from; the whole (visible) workspace without one. */
  viewId: z.uuid('Not a view id.').optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  /** Plan for another moment (ISO 8601 with offset); now by default. */
  at: z.iso.datetime({ offset: true, message: 'Use an ISO 8601 date-time with an offset.' }).max(40).optional(),
  /** CALL-1: a call script (an outreach template of kind `call_script`) shown filled in for each contact offered. */
  scriptId: z.uuid('Not a call script id.').optional(),
});

const zoneSourceSchema = z.enum(['contact', 'phone', 'postal_code']);

export const offeredCallSchema = z.object({
  contactId: z.uuid(),
  name: z.string(),
  phone: z.string(),
  telUri: z.string(),
  score: z.number().int(),
  zones: z.array(z.string()),
  zoneSource: zoneSourceSchema,
  /** The contact's local time now, in their (first) zone, ISO 8601 with offset. */
  localTime: z.string(),
  /** When their calling day ends (21:00 in the earliest-closing zone). */
  closesAt: z.string(),
  /** CALL-1: the chosen call script with this contact's merge fields filled in; null when no script was chosen. */
  script: z
    .object({
      templateId: z.uuid(),
      /** Plain text, paragraphs split by blank lines. */
      text: z.string(),
      /** Merge fields this contact has no value for and the script gives no fallback: left as written, named here. */
      missing: z.array(z.string()),
    })
    .nullable(),
});

export const skippedCallSchema = z.object({
  contactId: z.uuid(),
  name: z.string(),
  phone: z.string().nullable(),
  score: z.number().int(),
  reason: z.enum(skipReasons),
  /** The reason in words, for the person. */
  message: z.string(),
  zones: z.array(z.string()),
  /** Outside hours: when calling hours open in every zone (null when they never overlap). */
  opensAt: z.string().nullable(),
});

export const callQueueSchema = z.object({
  at: z.string(),
  /** CALL-1: the call script chosen for this list, or null. */
  script: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  offered: z.array(offeredCallSchema),
  skipped: z.array(skippedCallSchema),
  /** Contacts read for this page; the next page continues after them. */
  scanned: z.number().int(),
  nextCursor: z.string().nullable(),
});

export const logCallBody = z.strictObject({
  outcome: z.enum(callLogOutcomes, `Choose ${callLogOutcomes.join(', ')}.`),
  durationSeconds: z.number('Enter the duration in seconds.').int('Whole seconds only.').min(0, 'Cannot be negative.').max(86_400, 'At most 24 hours (86400 seconds).'),
  /** Plain text, kept on the timeline. */
  notes: z.string().max(5000, 'At most 5000 characters.').optional(),
  /** The number called; the contact's primary number by default. */
  number: phoneInput.optional(),
  /** CALL-1: the call script used on the call (a template of kind call_script); shown on the timeline entry. */
  scriptId: z.uuid('Not a call script id.').optional(),
  followUp: z
    .strictObject({
      subject: z.string().trim().min(1, 'Describe the follow-up.').max(300, 'At most 300 characters.'),
      dueAt: z.iso.datetime({ offset: true, message: 'Use an ISO 8601 date-time with an offset.' }).max(40).nullable().optional(),
    })
    .optional(),
});

export const logCallResultSchema = z.object({
  activityId: z.uuid(),
  taskId: z.uuid().nullable(),
  addedToDoNotCall: z.array(z.string()),
});

export const dncEntrySchema = z.object({
  number: z.string(),
  source: z.enum(dncSources),
  reason: z.string().nullable(),
  contactId: z.uuid().nullable(),
  importId: z.uuid().nullable(),
  addedBy: z.uuid().nullable(),
  addedByName: z.string().nullable(),
  createdAt: z.string(),
});

export const dncListQuery = z.strictObject({
  /** A number or its last digits. */
  q: z.string().trim().max(40).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const dncPageSchema = z.object({ items: z.array(dncEntrySchema), nextCursor: z.string().nullable(), total: z.number().int() });

export const addDncBody = z.strictObject({ number: phoneInput, reason: reasonInput });
export const contactDncBody = z.strictObject({ reason: reasonInput });
/** CALL-2: removing a number needs a reason (it goes to the audit log). */
export const removeDncBody = z.strictObject({ number: phoneInput, reason: z.string('Say why the number comes off the list.').trim().min(3, 'Say why the number comes off the list.').max(500, 'At most 500 characters.') });
export const contactDncResultSchema = z.object({ added: z.array(dncEntrySchema) });

export const dncUploadQuery = z.strictObject({
  fileName: z.string().trim().min(1, 'Name the file.').max(255, 'At most 255 characters.'),
  /** CALL-2: `full` (the default), or a change-list file of `additions` or `deletions`. */
  kind: z.enum(dncImportKinds, 'One of full, additions, deletions.').default('full'),
});

export const dncImportSchema = z.object({
  id: z.uuid(),
  status: z.enum(dncImportStatuses),
  kind: z.enum(dncImportKinds),
  fileName: z.string(),
  fileSize: z.number().int(),
  bytesRead: z.number().int(),
  linesRead: z.number().int(),
  added: z.number().int(),
  /** Registry numbers taken off the list by a deletions file (entries of the workspace's own list stay). */
  removed: z.number().int(),
  invalid: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export const dncImportListSchema = z.object({ items: z.array(dncImportSchema) });

export type OfferedCall = z.infer<typeof offeredCallSchema>;
export type SkippedCall = z.infer<typeof skippedCallSchema>;
export type CallQueue = z.infer<typeof callQueueSchema>;
export type LogCallInput = z.infer<typeof logCallBody>;
export type LogCallResult = z.infer<typeof logCallResultSchema>;
export type DncEntry = z.infer<typeof dncEntrySchema>;
export type DncPage = z.infer<typeof dncPageSchema>;
export type DncImport = z.infer<typeof dncImportSchema>;
