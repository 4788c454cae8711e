import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { memberships, workspaces } from '../workspaces/workspaces.schema';
import type { DateOverride, WeeklyInterval } from './compute-slots';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const assignments = ['single', 'round_robin', 'collective'] as const;
export const locationKinds = ['video', 'phone', 'address'] as const;
export const bookingStatuses = ['confirmed', 'cancelled', 'rescheduled', 'no_show'] as const;
export const windowKinds = ['rolling', 'range'] as const;

export interface BookingQuestion {
  id: string;
  label: string;
  kind: 'text' | 'long_text' | 'phone';
  required: boolean;
}

/** BOOK-1: a host's working hours in their own IANA zone, with date overrides (days off included). */
export const bookingSchedules = pgTable(
  'booking_schedules',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    userId: uuid('user_id').notNull(),
    name: text('name').notNull(),
    timeZone: text('time_zone').notNull(),
    weekly: jsonb('weekly').$type<WeeklyInterval[]>().notNull().default([]),
    overrides: jsonb('overrides').$type<DateOverride[]>().notNull().default([]),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.userId], foreignColumns: [memberships.workspaceId, memberships.userId] }).onDelete('cascade'),
    index('booking_schedules_user_idx').on(t.workspaceId, t.userId),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** BOOK-1: what can be booked — a user's or a team's event type with its rules. */
export const bookingEventTypes = pgTable(
  'booking_event_types',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    assignment: text('assignment', { enum: assignments }).notNull().default('single'),
    durationMinutes: integer('duration_minutes').notNull(),
    bufferBeforeMinutes: integer('buffer_before_minutes').notNull().default(0),
    bufferAfterMinutes: integer('buffer_after_minutes').notNull().default(0),
    minNoticeMinutes: integer('min_notice_minutes').notNull().default(0),
    slotIntervalMinutes: integer('slot_interval_minutes'),
    windowKind: text('window_kind', { enum: windowKinds }).notNull().default('rolling'),
    windowDays: integer('window_days').notNull().default(60),
    windowStart: text('window_start'),
    windowEnd: text('window_end'),
    dailyCap: integer('daily_cap'),
    weeklyCap: integer('weekly_cap'),
    seats: integer('seats').notNull().default(1),
    locationKind: text('location_kind', { enum: locationKinds }).notNull().default('video'),
    locationValue: text('location_value'),
    questions: jsonb('questions').$type<BookingQuestion[]>().notNull().default([]),
    active: boolean('active').notNull().default(true),
    createdByUserId: uuid('created_by_user_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    uniqueIndex('booking_event_types_slug_idx').on(t.workspaceId, t.slug),
    check('booking_event_types_duration_check', sql`${t.durationMinutes} BETWEEN 5 AND 720`),
    check('booking_event_types_seats_check', sql`${t.seats} BETWEEN 1 AND 1000`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** BOOK-1: who hosts an event type, and by which of their schedules. */
export const bookingEventHosts = pgTable(
  'booking_event_hosts',
  {
    workspaceId: workspaceIdColumn(),
    eventTypeId: uuid('event_type_id').notNull(),
    userId: uuid('user_id').notNull(),
    scheduleId: uuid('schedule_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.eventTypeId, t.userId] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.eventTypeId], foreignColumns: [bookingEventTypes.workspaceId, bookingEventTypes.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.userId], foreignColumns: [memberships.workspaceId, memberships.userId] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.scheduleId], foreignColumns: [bookingSchedules.workspaceId, bookingSchedules.id] }),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * BOOK-3: a host's time held by a booking, buffers included (`blocks_from`–`blocks_until`).
 * An exclusion constraint (migration booking_no_double_booking) forbids two unreleased holds of
 * one host that overlap; a group session is one hold whose seats are counted atomically.
 */
export const bookingHolds = pgTable(
  'booking_holds',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    eventTypeId: uuid('event_type_id').notNull(),
    hostUserId: uuid('host_user_id').notNull(),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    blocksFrom: ts('blocks_from').notNull(),
    blocksUntil: ts('blocks_until').notNull(),
    seats: integer('seats').notNull().default(1),
    seatsTaken: integer('seats_taken').notNull().default(1),
    releasedAt: ts('released_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.eventTypeId], foreignColumns: [bookingEventTypes.workspaceId, bookingEventTypes.id] }).onDelete('cascade'),
    check('booking_holds_seats_check', sql`${t.seatsTaken} BETWEEN 0 AND ${t.seats}`),
    check('booking_holds_range_check', sql`${t.blocksFrom} <= ${t.startsAt} AND ${t.startsAt} < ${t.endsAt} AND ${t.endsAt} <= ${t.blocksUntil}`),
    index('booking_holds_host_idx').on(t.workspaceId, t.hostUserId, t.startsAt),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** BOOK-1: one attendee's booking of an event type; `hold_ids` are the hosts' held times. */
export const bookings = pgTable(
  'bookings',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    eventTypeId: uuid('event_type_id').notNull(),
    holdIds: uuid('hold_ids').array().notNull(),
    hostUserIds: uuid('host_user_ids').array().notNull(),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    bufferBeforeMinutes: integer('buffer_before_minutes').notNull().default(0),
    bufferAfterMinutes: integer('buffer_after_minutes').notNull().default(0),
    status: text('status', { enum: bookingStatuses }).notNull().default('confirmed'),
    attendeeName: text('attendee_name').notNull(),
    attendeeEmail: text('attendee_email').notNull(),
    attendeeTimeZone: text('attendee_time_zone').notNull(),
    answers: jsonb('answers').$type<Record<string, string>>().notNull().default({}),
    contactId: uuid('contact_id'),
    activityId: uuid('activity_id'),
    /** ICS UID, kept across reschedules so calendar apps move the one event (BOOK-4). */
    icalUid: text('ical_uid').notNull(),
    /** ICS SEQUENCE: raised on each change so calendar apps replace the event. */
    sequence: integer('sequence').notNull().default(0),
    /** BOOK-2: each host's Google Calendar event id. */
    calendarEvents: jsonb('calendar_events').$type<Record<string, string>>().notNull().default({}),
    /** BOOK-2: the SEQUENCE last written to the hosts' calendars; behind `sequence` means "not yet synced". */
    calendarSyncedSequence: integer('calendar_synced_sequence'),
    /** Set in the transaction that queues the reminder: it goes out at most once. */
    reminderSentAt: ts('reminder_sent_at'),
    rescheduledFromId: uuid('rescheduled_from_id'),
    cancelReason: text('cancel_reason'),
    cancelledAt: ts('cancelled_at'),
    noShowAt: ts('no_show_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.eventTypeId], foreignColumns: [bookingEventTypes.workspaceId, bookingEventTypes.id] }).onDelete('cascade'),
    index('bookings_starts_idx').on(t.workspaceId, t.startsAt),
    index('bookings_contact_idx').on(t.workspaceId, t.contactId),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
