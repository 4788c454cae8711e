import { z } from 'zod';
import { enrolmentStates } from './sequences.schema';

/** Request and response shapes of sequences (MAIL-2), shared with the web app. */

export const sequenceParams = z.strictObject({ workspaceId: z.uuid(), sequenceId: z.uuid() });
export const enrolmentParams = z.strictObject({ workspaceId: z.uuid(), sequenceId: z.uuid(), contactId: z.uuid() });

export const MAX_STEPS = 10;

export const sequenceBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  /** In order; each step's delay counts from the step before (the first one's from enrolment). */
  steps: z
    .array(z.strictObject({ templateId: z.uuid(), delayDays: z.number().int().min(0).max(365) }))
    .min(1)
    .max(MAX_STEPS),
});
export type SequenceBody = z.infer<typeof sequenceBody>;

export const enrolBody = z.strictObject({ viewId: z.uuid() });

const stateCounts = z.object(Object.fromEntries(enrolmentStates.map((s) => [s, z.number().int()])) as Record<(typeof enrolmentStates)[number], z.ZodNumber>);

export const sequenceSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  createdAt: z.string(),
  steps: z.array(z.object({ position: z.number().int(), templateId: z.uuid().nullable(), subject: z.string(), delayDays: z.number().int() })),
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
  timeZone: z.string().nullable(),
  stopReason: z.string().nullable(),
  lastSentAt: z.string().nullable(),
  enrolledAt: z.string(),
  endedAt: z.string().nullable(),
});
export type Enrolment = z.infer<typeof enrolmentSchema>;
