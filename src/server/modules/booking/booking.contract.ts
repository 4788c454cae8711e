import { z } from 'zod';
import { emailSchema } from '../accounts/accounts.contract';
import { isValidTimeZone } from './compute-slots';

/** Request and response shapes of booking (BOOK-1…BOOK-5), shared with the web app. */

export const assignments = ['single', 'round_robin', 'collective'] as const;
export const locationKinds = ['video', 'phone', 'address'] as const;
export const bookingStatuses = ['confirmed', 'cancelled', 'rescheduled', 'no_show'] as const;

/** Names and answers come from visitors: no line break or control character survives into a header or an ICS line. */
export const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();

export const timeZoneSchema = z
  .string()
  .max(64)
  .refine(isValidTimeZone, { message: 'Not a known IANA time zone (like Europe/London).' });
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'A time like 09:30.');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'A date like 2026-03-08.');
const interval = z.strictObject({ start: hhmm, end: hhmm }).refine((i) => i.start < i.end, { message: 'An interval must end after it starts.' });

export const scheduleBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  timeZone: timeZoneSchema,
  weekly: z.array(z.strictObject({ weekday: z.number().int().min(1).max(7), start: hhmm, end: hhmm }).refine((i) => i.start < i.end, { message: 'An interval must end after it starts.' })).max(70),
  overrides: z.array(z.strictObject({ date: isoDate, intervals: z.array(interval).max(12) })).max(400),
  /** Whose hours these are; managers may set a teammate's, staff only their own. */
  userId: z.uuid().optional(),
});
export const scheduleSchema = z
  .object({ id: z.uuid(), userId: z.uuid(), name: z.string(), timeZone: z.string(), weekly: scheduleBody.shape.weekly, overrides: scheduleBody.shape.overrides, updatedAt: z.string() })
  .meta({ id: 'BookingSchedule' });

const question = z.strictObject({ id: z.string().regex(/^[a-z0-9_]{1,40}$/), label: z.string().trim().min(1).max(200), kind: z.enum(['text', 'long_text', 'phone']), required: z.boolean() });
const minutes = (max: number) => z.number().int().min(0).max(max);
const eventTypeFields = {
  slug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/, 'Lower-case letters, digits and dashes.'),
  title: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable().optional(),
  assignment: z.enum(assignments).optional(),
  hosts: z.array(z.strictObject({ userId: z.uuid(), scheduleId: z.uuid() })).min(1).max(50),
  durationMinutes: z.number().int().min(5).max(720),
  bufferBeforeMinutes: minutes(240).optional(),
  bufferAfterMinutes: minutes(240).optional(),
  minNoticeMinutes: minutes(525_600).optional(),
  slotIntervalMinutes: z.number().int().min(5).max(720).nullable().optional(),
  windowKind: z.enum(['rolling', 'range']).optional(),
  windowDays: z.number().int().min(1).max(730).optional(),
  windowStart: isoDate.nullable().optional(),
  windowEnd: isoDate.nullable().optional(),
  dailyCap: z.number().int().min(1).max(1000).nullable().optional(),
  weeklyCap: z.number().int().min(1).max(5000).nullable().optional(),
  seats: z.number().int().min(1).max(1000).optional(),
  locationKind: z.enum(locationKinds).optional(),
  locationValue: z.string().max(500).nullable().optional(),
  questions: z.array(question).max(20).optional(),
  active: z.boolean().optional(),
};
const eventTypeRules = (e: { windowKind?: string; windowStart?: string | null; windowEnd?: string | null; assignment?: string; hosts?: unknown[]; seats?: number }, ctx: z.RefinementCtx) => {
  if (e.windowKind === 'range' && (!e.windowStart || !e.windowEnd || e.windowStart > e.windowEnd)) {
    ctx.addIssue({ code: 'custom', path: ['windowEnd'], message: 'A date-range window needs a start and an end on or after it.' });
  }
  if ((e.assignment ?? 'single') === 'single' && e.hosts && e.hosts.length !== 1) ctx.addIssue({ code: 'custom', path: ['hosts'], message: 'A personal event type has exactly one host.' });
  if (e.assignment === 'collective' && (e.seats ?? 1) > 1) ctx.addIssue({ code: 'custom', path: ['seats'], message: 'Group seats are for personal and round-robin event types.' });
};
export const createEventTypeBody = z.strictObject(eventTypeFields).superRefine(eventTypeRules);
export const updateEventTypeBody = z.strictObject({ ...eventTypeFields, slug: eventTypeFields.slug.optional(), title: eventTypeFields.title.optional(), hosts: eventTypeFields.hosts.optional(), durationMinutes: eventTypeFields.durationMinutes.optional() }).superRefine(eventTypeRules);
export type CreateEventTypeInput = z.infer<typeof createEventTypeBody>;
export type UpdateEventTypeInput = z.infer<typeof updateEventTypeBody>;

export const eventTypeSchema = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    assignment: z.enum(assignments),
    hosts: z.array(z.object({ userId: z.uuid(), scheduleId: z.uuid(), name: z.string() })),
    durationMinutes: z.number(),
    bufferBeforeMinutes: z.number(),
    bufferAfterMinutes: z.number(),
    minNoticeMinutes: z.number(),
    slotIntervalMinutes: z.number().nullable(),
    windowKind: z.enum(['rolling', 'range']),
    windowDays: z.number(),
    windowStart: z.string().nullable(),
    windowEnd: z.string().nullable(),
    dailyCap: z.number().nullable(),
    weeklyCap: z.number().nullable(),
    seats: z.number(),
    locationKind: z.enum(locationKinds),
    locationValue: z.string().nullable(),
    questions: z.array(question),
    active: z.boolean(),
    /** Path of the public booking page. */
    publicPath: z.string(),
  })
  .meta({ id: 'BookingEventType' });
export type EventType = z.infer<typeof eventTypeSchema>;

export const workspaceParams = z.strictObject({ workspaceId: z.uuid() });
export const scheduleParams = z.strictObject({ workspaceId: z.uuid(), scheduleId: z.uuid('Not a schedule id.') });
export const eventTypeParams = z.strictObject({ workspaceId: z.uuid(), eventTypeId: z.uuid('Not an event type id.') });
export const bookingParams = z.strictObject({ workspaceId: z.uuid(), bookingId: z.uuid('Not a booking id.') });

export const bookingSchema = z
  .object({
    id: z.uuid(),
    eventTypeId: z.uuid(),
    eventTitle: z.string(),
    hostUserIds: z.array(z.uuid()),
    startsAt: z.string(),
    endsAt: z.string(),
    status: z.enum(bookingStatuses),
    attendeeName: z.string(),
    attendeeEmail: z.string(),
    attendeeTimeZone: z.string(),
    answers: z.record(z.string(), z.string()),
    contactId: z.uuid().nullable(),
    /** BOOK-2: false while the hosts' calendars are not yet synced (Google down, say); a job catches up. */
    calendarSynced: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'Booking' });
export type Booking = z.infer<typeof bookingSchema>;
export const bookingsQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).max(40).optional(),
  to: z.iso.datetime({ offset: true }).max(40).optional(),
  contactId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

// ------------------------------------------------------------------ public (no sign-in)

export const publicEventParams = z.strictObject({ workspaceId: z.uuid('Not a booking page.'), slug: eventTypeFields.slug });
export const slotsQuery = z.strictObject({
  timeZone: timeZoneSchema,
  /** The visitor's first day ("YYYY-MM-DD" in their zone); today when left out. */
  from: isoDate.optional(),
  days: z.coerce.number().int().min(1).max(62).default(14),
});
export const slotSchema = z.object({ start: z.string(), end: z.string(), date: z.string(), time: z.string() });
export const publicEventSchema = z.object({
  title: z.string(),
  description: z.string().nullable(),
  durationMinutes: z.number(),
  locationKind: z.enum(locationKinds),
  hostNames: z.array(z.string()),
  questions: z.array(question),
  timeZone: z.string(),
  /** BOOK-2: set when a host's calendar could not be read just now and the slots rest on what was read last. */
  calendarNotice: z.string().nullable(),
  slots: z.array(slotSchema),
});
export const bookingPagesParams = z.strictObject({ workspaceId: z.uuid('Not a booking page.') });
export const bookingPagesQuery = z.strictObject({ host: z.uuid('Not a member.').optional() });
export const bookingPagesSchema = z.object({
  workspaceName: z.string(),
  /** Set on one member's page. */
  hostName: z.string().nullable(),
  pages: z.array(z.object({ slug: z.string(), title: z.string(), description: z.string().nullable(), durationMinutes: z.number(), assignment: z.enum(assignments), locationKind: z.enum(locationKinds), hostNames: z.array(z.string()), path: z.string() })),
});
export type BookingPages = z.infer<typeof bookingPagesSchema>;
export const bookBody = z.strictObject({
  start: z.iso.datetime({ offset: true, message: 'A start time like 2026-03-09T14:00:00Z.' }).max(40),
  // A name is one line: control characters (line breaks included) become spaces.
  name: z.string().max(200).transform(oneLine).pipe(z.string().min(1, 'Enter your name.')),
  email: emailSchema,
  timeZone: timeZoneSchema,
  answers: z.record(z.string().max(40), z.string().max(2000)).optional(),
});
export type BookInput = z.infer<typeof bookBody>;
export const bookedSchema = z.object({
  id: z.uuid(),
  start: z.string(),
  end: z.string(),
  title: z.string(),
  hostNames: z.array(z.string()),
  /** Single-purpose signed tokens for the attendee's links. */
  rescheduleToken: z.string(),
  cancelToken: z.string(),
});
export const tokenParams = z.strictObject({ token: z.string().min(10).max(100) });
export const publicBookingSchema = z.object({ id: z.uuid(), title: z.string(), start: z.string(), end: z.string(), status: z.enum(bookingStatuses), attendeeTimeZone: z.string(), workspaceId: z.uuid(), slug: z.string() });
export const rescheduleBody = z.strictObject({ start: bookBody.shape.start });
export const cancelBody = z.strictObject({ reason: z.string().max(500).optional() });
