import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../platform/db/database';
import { withTenant } from '../../platform/db/tenant';
import { defineJob, enqueue } from '../../platform/jobs/jobs';
import type { Services } from '../../platform/services';
import { GoogleCalendar } from '../integrations/providers/google-calendar';
import { bookingEventHosts, bookingEventTypes, bookings } from './booking.schema';
import type { BookingRow } from './book-slot';
import type { TimeRange } from './compute-slots';

/**
 * BOOK-2: hosts' Google Calendars. Busy times are read before slots are offered or a booking is
 * held; when Google does not answer, Kestrel's own data decides and the visitor still books.
 * Events are written by a job after the booking commits: until it succeeds the booking reads
 * "not yet synced" (its synced sequence is behind), and the job retries until it does.
 */
export async function calendarBusy(services: Services, workspaceId: string, eventType: { slug: string } | { id: string }, from: Date, to: Date): Promise<Map<string, TimeRange[]>> {
  const hostIds = await withTenant(services.database.db, { workspaceId, userId: null }, async (tx) => {
    const rows = await tx
      .select({ userId: bookingEventHosts.userId })
      .from(bookingEventHosts)
      .innerJoin(bookingEventTypes, and(eq(bookingEventTypes.workspaceId, bookingEventHosts.workspaceId), eq(bookingEventTypes.id, bookingEventHosts.eventTypeId)))
      .where(and(eq(bookingEventHosts.workspaceId, workspaceId), 'slug' in eventType ? eq(bookingEventTypes.slug, eventType.slug) : eq(bookingEventTypes.id, eventType.id)));
    return rows.map((r) => r.userId);
  });
  const google = new GoogleCalendar(services);
  const busy = new Map<string, TimeRange[]>();
  await Promise.all(
    hostIds.map(async (userId) => {
      try {
        const b = await google.busy(workspaceId, userId, from, to);
        if (b) busy.set(userId, b);
      } catch (error) {
        services.logger.warn({ workspaceId, userId, err: (error as Error).message }, 'Google Calendar busy times unavailable; using Kestrel’s own bookings');
      }
    }),
  );
  return busy;
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
    description: Object.entries(b.answers).map(([k, v]) => `${k}: ${v}`).join('\n') || undefined,
    location: e.locationValue ?? e.locationKind,
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
    // Saved host by host, so a retry after a failure does not create an event twice.
    await withTenant(db, scope, (tx) => tx.update(bookings).set({ calendarEvents: events }).where(and(eq(bookings.workspaceId, workspaceId), eq(bookings.id, bookingId))));
  }
  await withTenant(db, scope, (tx) => tx.update(bookings).set({ calendarSyncedSequence: b.sequence }).where(and(eq(bookings.workspaceId, workspaceId), eq(bookings.id, bookingId), eq(bookings.sequence, b.sequence))));
}
