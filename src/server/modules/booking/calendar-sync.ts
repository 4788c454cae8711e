import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../platform/db/database';
import { withTenant } from '../../platform/db/tenant';
import { defineJob, enqueue } from '../../platform/jobs/jobs';
import type { Services } from '../../platform/services';
import { GoogleCalendar, hasLiveConnection, invalidateMemberBusy, readBusyCache, storeBusy } from '../integrations';
import { bookingEventHosts, bookingEventTypes, bookings } from './booking.schema';
import type { BookingRow } from './book-slot';
import { answerLines, meetingPlace } from './meeting-text';
import type { TimeRange } from './compute-slots';

/**
 * BOOK-2: hosts' Google Calendars. Busy times are read before slots are offered or a booking is
 * held; when Google does not answer, Kestrel's own data decides and the visitor still books.
 * Events are written by a job after the booking commits: until it succeeds the booking reads
 * "not yet synced" (its synced sequence is behind), and the job retries until it does.
 *
 * Busy times are cached per connection for a short while (BUSY_FRESH_MS), over a window wider
 * than asked (a visitor paging through weeks costs one call), in a table every instance reads
 * (`integration_calendar_busy`), and marked stale when Kestrel writes to that calendar or Google
 * says it changed (a push channel, kept by the integrations module). When Google does not
 * answer, the last busy times read (up to BUSY_KEEP_MS old) still shape the slots and the page
 * says so; a booking always asks Google afresh.
 */
export const BUSY_FRESH_MS = 60_000;
export const BUSY_KEEP_MS = 24 * 3_600_000;
const DAY = 86_400_000;
const BUSY_WINDOW_MS = 35 * DAY;

/** A member's calendar changed (Kestrel wrote to it): every instance reads it again next time. */
export async function forgetBusy(services: Services, workspaceId: string, userId: string): Promise<void> {
  await invalidateMemberBusy(services, workspaceId, userId);
}

export interface CalendarBusy {
  busy: Map<string, TimeRange[]>;
  /** When some calendar could not be read now: the oldest busy times used instead (null: none were known). */
  unavailable: { since: Date | null } | null;
}

/**
 * Busy times of the given members' Google Calendars over [from, to): from the shared cache while
 * it is fresh (unless `fresh`), else from Google; on an outage, from the cache however old (up to a day).
 */
export async function readCalendarBusy(services: Services, workspaceId: string, userIds: string[], from: Date, to: Date, opts: { fresh?: boolean } = {}): Promise<CalendarBusy> {
  const cached = await readBusyCache(services, workspaceId, userIds, BUSY_FRESH_MS / 1000);
  const google = new GoogleCalendar(services);
  const busy = new Map<string, TimeRange[]>();
  let unavailable: CalendarBusy['unavailable'] = null;
  const inRange = (list: [number, number][]) => {
    const out: TimeRange[] = [];
    for (const [s, e] of list) if (s < to.getTime() && e > from.getTime()) out.push({ start: new Date(s), end: new Date(e) });
    return out;
  };
  await Promise.all(
    cached.map(async ({ userId, connectionId, entry, dbNow }) => {
      const covers = entry !== null && entry.from <= from.getTime() && entry.to >= to.getTime();
      if (covers && !opts.fresh && entry.fresh) {
        busy.set(userId, inRange(entry.busy));
        return;
      }
      const windowFrom = new Date(from.getTime() - DAY);
      const windowTo = new Date(Math.max(to.getTime(), from.getTime() + BUSY_WINDOW_MS));
      try {
        const read = await google.busy(workspaceId, userId, windowFrom, windowTo);
        if (!read) return;
        await storeBusy(services, workspaceId, connectionId, { from: windowFrom, to: windowTo, busy: read, fetchedAt: dbNow });
        busy.set(userId, read.filter((b) => b.start < to && b.end > from));
      } catch (error) {
        services.logger.warn({ workspaceId, userId, err: (error as Error).message }, 'Google Calendar busy times unavailable; using the last ones read and Kestrel’s own bookings');
        const kept = covers && dbNow.getTime() - entry.fetchedAt.getTime() < BUSY_KEEP_MS ? entry : null;
        if (kept) busy.set(userId, inRange(kept.busy));
        const since = kept ? kept.fetchedAt : null;
        if (!unavailable || (unavailable.since && (!since || since < unavailable.since))) unavailable = { since };
      }
    }),
  );
  return { busy, unavailable };
}

/** The hosts of an event type whose Google Calendar is connected. */
async function connectedHosts(services: Services, workspaceId: string, eventType: { slug: string } | { id: string }): Promise<string[]> {
  return withTenant(services.database.db, { workspaceId, userId: null }, async (tx) => {
    const rows = await tx
      .select({ userId: bookingEventHosts.userId })
      .from(bookingEventHosts)
      .innerJoin(bookingEventTypes, and(eq(bookingEventTypes.workspaceId, bookingEventHosts.workspaceId), eq(bookingEventTypes.id, bookingEventHosts.eventTypeId)))
      .where(
        and(
          eq(bookingEventHosts.workspaceId, workspaceId),
          'slug' in eventType ? eq(bookingEventTypes.slug, eventType.slug) : eq(bookingEventTypes.id, eventType.id),
          hasLiveConnection('google_calendar', bookingEventHosts.workspaceId, bookingEventHosts.userId),
        ),
      );
    return rows.map((r) => r.userId);
  });
}

/**
 * BOOK-2: the busy times of an event type's connected hosts. At booking time (the default) they
 * come straight from Google, the cache serving only when Google does not answer.
 */
export async function calendarBusy(services: Services, workspaceId: string, eventType: { slug: string } | { id: string }, from: Date, to: Date, opts: { fresh?: boolean } = { fresh: true }): Promise<Map<string, TimeRange[]>> {
  const hostIds = await connectedHosts(services, workspaceId, eventType);
  if (!hostIds.length) return new Map();
  return (await readCalendarBusy(services, workspaceId, hostIds, from, to, opts)).busy;
}

export const calendarSyncJob = defineJob({
  name: 'booking_calendar_sync',
  version: 1,
  payload: z.object({ workspaceId: z.uuid(), bookingId: z.uuid() }),
  maxAttempts: 25,
  async run({ workspaceId, bookingId }, services) {
    await syncBookingCalendars(services, workspaceId, bookingId);
  },
});

export async function queueCalendarSync(tx: Tx, b: Pick<BookingRow, 'workspaceId' | 'id'>): Promise<void> {
  await enqueue(tx, calendarSyncJob, { workspaceId: b.workspaceId, bookingId: b.id }, { workspaceId: b.workspaceId, jobKey: `booking-calendar:${b.id}` });
}

/** Brings each host's calendar in line with the booking; throws (and is retried) when Google fails. */
export async function syncBookingCalendars(services: Services, workspaceId: string, bookingId: string): Promise<void> {
  const db = services.database.db;
  const scope = { workspaceId, userId: null };
  const loaded = await withTenant(db, scope, async (tx) => {
    const [b] = await tx.select().from(bookings).where(and(eq(bookings.workspaceId, workspaceId), eq(bookings.id, bookingId)));
    if (!b || b.calendarSyncedSequence === b.sequence || b.status === 'rescheduled') return null;
    const [e] = await tx.select().from(bookingEventTypes).where(and(eq(bookingEventTypes.workspaceId, workspaceId), eq(bookingEventTypes.id, b.eventTypeId)));
    return { b, e: e! };
  });
  if (!loaded) return;
  const { b, e } = loaded;
  const google = new GoogleCalendar(services);
  const events = { ...b.calendarEvents };
  const input = {
    summary: `${e.title} with ${b.attendeeName}`,
    description: answerLines(b.answers, e.questions).join('\n') || undefined,
    location: meetingPlace(e),
    start: b.startsAt,
    end: b.endsAt,
    attendeeEmail: b.attendeeEmail,
    attendeeName: b.attendeeName,
    iCalUID: b.icalUid,
    sequence: b.sequence,
  };
  for (const hostId of b.hostUserIds) {
    const eventId = events[hostId];
    if (b.status === 'cancelled') {
      if (eventId && (await google.remove(workspaceId, hostId, eventId))) delete events[hostId];
    } else if (eventId) {
      await google.update(workspaceId, hostId, eventId, input);
    } else {
      const id = await google.insert(workspaceId, hostId, input);
      if (id) events[hostId] = id;
    }
    // Kestrel changed this calendar: its cached busy times are out of date.
    await forgetBusy(services, workspaceId, hostId);
    // Saved host by host, so a retry after a failure does not create an event twice.
    await withTenant(db, scope, (tx) => tx.update(bookings).set({ calendarEvents: events }).where(and(eq(bookings.workspaceId, workspaceId), eq(bookings.id, bookingId))));
  }
  await withTenant(db, scope, (tx) => tx.update(bookings).set({ calendarSyncedSequence: b.sequence }).where(and(eq(bookings.workspaceId, workspaceId), eq(bookings.id, bookingId), eq(bookings.sequence, b.sequence))));
}
