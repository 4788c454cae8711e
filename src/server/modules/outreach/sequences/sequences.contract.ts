import { z } from 'zod';
import { enrolmentStates, sequenceStatuses } from './sequences.schema';

/** Request and response shapes of sequences (MAIL-2), shared with the web app. */

export const sequenceParams = z.strictObject({ workspaceId: z.uuid(), sequenceId: z.uuid() });
export const enrolmentParams = z.strictObject({ workspaceId: z.uuid(), sequenceId: z.uuid(), contactId: z.uuid() });

export const MAX_STEPS = 10;

/**
 * MAIL-2: one step as written: from a template (its body and, for the first step, its subject are
 * copied). A follow-up without its own `subject` is sent as a reply: "Re: <the first mail's subject>".
 */
const stepInput = z.strictObject({
  templateId: z.uuid(),
  delayDays: z.number().int().min(0).max(365),
  subject: z.string().trim().max(300).optional(),
});
const steps = z.array(stepInput).min(1).max(MAX_STEPS);

export const sequenceBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  /** `draft` enrols nobody until it is made active; `active` (the default) sends. */
  status: z.enum(sequenceStatuses).default('active'),
  /** In order; each step's delay counts from the step before (the first one's from enrolment). */
  steps,
});
export type SequenceBody = z.input<typeof sequenceBody>;

/**
 * MAIL-2: editing a sequence while it runs. `steps` is the whole new list in order: a step with the
 * `id` of an existing one keeps it (enrolments waiting on it still wait on it); one without an `id`
 * is new; an existing step left out is removed (enrolments waiting on it move to the step that
 * followed it). A step's template may be changed, which copies the template again.
 */
export const sequenceUpdateBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  status: z.enum(sequenceStatuses).optional(),
  steps: z.array(stepInput.extend({ id: z.uuid().optional(), templateId: z.uuid().optional() })).min(1).max(MAX_STEPS).optional(),
});
export type SequenceUpdateBody = z.infer<typeof sequenceUpdateBody>;

export const enrolBody = z.strictObject({ viewId: z.uuid() });

const stateCounts = z.object(Object.fromEntries(enrolmentStates.map((s) => [s, z.number().int()])) as Record<(typeof enrolmentStates)[number], z.ZodNumber>);

export const sequenceSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  status: z.enum(sequenceStatuses),
  createdAt: z.string(),
  steps: z.array(
    z.object({
      id: z.uuid(),
      position: z.number().int(),
      templateId: z.uuid().nullable(),
      /** Empty for a follow-up sent as a reply ("Re: <first subject>"). */
      subject: z.string(),
      delayDays: z.number().int(),
      /** How many active enrolments wait to be sent this step. */
      waiting: z.number().int(),
    }),
  ),
  counts: stateCounts,
});
export type Sequence = z.infer<typeof sequenceSchema>;

export const enrolResultSchema = z.object({
  enrolled: z.number().int(),
  alreadyEnrolled: z.number().int(),
  /** Contacts of the view not enrolled, by reason (no_consent, no_address, restricted, suppressed). */
  skipped: z.array(z.object({ reason: z.string(), count: z.number().int() })),
});

export const enrolmentsQuery = z.strictObject({
  state: z.enum(enrolmentStates).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const enrolmentSchema = z.object({
  contactId: z.uuid(),
  name: z.string(),
  state: z.enum(enrolmentStates),
  /** The next step to send, counted from 0. */
  currentStep: z.number().int(),
  nextSendAt: z.string().nullable(),
  /** The step it sends next, by id. */
  nextStepId: z.uuid().nullable(),
  /** Paused by an automatic reply (out of office) until then. */
  pausedUntil: z.string().nullable(),
  timeZone: z.string().nullable(),
  stopReason: z.string().nullable(),
  lastSentAt: z.string().nullable(),
  enrolledAt: z.string(),
  endedAt: z.string().nullable(),
});
export type Enrolment = z.infer<typeof enrolmentSchema>;
