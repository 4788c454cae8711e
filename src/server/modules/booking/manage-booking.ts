import { and, asc, desc, eq, gte, inArray, lt, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { conflict, notFound } from '../../platform/http/errors';
import type { Booking, bookingsQuery } from './booking.contract';
import { bookingEventTypes, bookings } from './booking.schema';
import { bookSlot, releaseHolds, type BookedSlot, type BookingRow } from './book-slot';
import { notifyBooking } from './booking-mail';
import { emitBookingEvent } from './booking-events';
import { calendarBusy } from './calendar-sync';
import type { Services } from '../../platform/services';

async function present(tx: Tx, rows: BookingRow[]): Promise<Booking[]> {
  const ids = [...new Set(rows.map((r) => r.eventTypeId))];
  const types = ids.length && rows[0] ? await tx.select({ id: bookingEventTypes.id, title: bookingEventTypes.title }).from(bookingEventTypes).where(and(eq(bookingEventTypes.workspaceId, rows[0].workspaceId), inArray(bookingEventTypes.id, ids))) : [];
  return rows.map((r) => ({
    id: r.id,
    eventTypeId: r.eventTypeId,
    eventTitle: types.find((t) => t.id === r.eventTypeId)?.title ?? '',
    hostUserIds: r.hostUserIds,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt.toISOString(),
    status: r.status,
    attendeeName: r.attendeeName,
    attendeeEmail: r.attendeeEmail,
    attendeeTimeZone: r.attendeeTimeZone,
    answers: r.answers,
    contactId: r.contactId,
    calendarSynced: r.calendarSyncedSequence === r.sequence,
    createdAt: r.createdAt.toISOString(),
  }));
}

/** BOOK-1: the workspace's bookings in a time range (upcoming by default), or a contact's. */
export async function listBookings(db: Db, ctx: WorkspaceContext, q: z.infer<typeof bookingsQuery>): Promise<{ items: Booking[] }> {
  return withTenant(db, ctx, async (tx) => {
    const where: SQL[] = [eq(bookings.workspaceId, ctx.workspaceId)];
    if (q.contactId) where.push(eq(bookings.contactId, q.contactId));
    else where.push(gte(bookings.endsAt, q.from ? new Date(q.from) : new Date()));
    if (q.to) where.push(lt(bookings.startsAt, new Date(q.to)));
    const rows = await tx.select().from(bookings).where(and(...where)).orderBy(q.contactId ? desc(bookings.startsAt) : asc(bookings.startsAt)).limit(q.limit);
    return { items: await present(tx, rows) };
  });
}

async function lockBooking(tx: Tx, workspaceId: string, id: string): Promise<BookingRow> {
  const [row] = await tx.select().from(bookings).where(and(eq(bookings.workspaceId, workspaceId), eq(bookings.id, id))).for('update');
  if (!row) throw notFound('Booking');
  return row;
}

/** BOOK-4: staff mark that the attendee did not come (only once the meeting has started). */
export async function markNoShow(services: Services, ctx: WorkspaceContext, id: string): Promise<Booking> {
  return withTenant(services.database.db, ctx, async (tx) => {
    const b = await lockBooking(tx, ctx.workspaceId, id);
    if (b.status !== 'confirmed') throw conflict('booking_not_confirmed', `This booking is ${b.status.replace('_', '-')}.`);
    if (b.startsAt > new Date()) throw conflict('booking_not_started', 'A no-show can be marked once the meeting has started.');
    const [row] = await tx.update(bookings).set({ status: 'no_show', noShowAt: new Date(), updatedAt: new Date() }).where(and(eq(bookings.workspaceId, ctx.workspaceId), eq(bookings.id, id))).returning();
    await notifyBooking(tx, services, row!, 'no_show');
    // Recovery's "Re-book no-shows" (AI-2) listens here and queues its run in this transaction.
    await emitBookingEvent(tx, services, { kind: 'no_show', booking: row!, actor: ctx });
    return (await present(tx, [row!]))[0]!;
  });
}

/** BOOK-4: cancels a booking (the attendee by their link, or staff): its time is free again. */
export async function cancelBooking(services: Services, workspaceId: string, id: string, reason: string | undefined, by: 'attendee' | 'host'): Promise<BookingRow> {
  return withTenant(services.database.db, { workspaceId, userId: null }, async (tx) => {
    const b = await lockBooking(tx, workspaceId, id);
    if (b.status !== 'confirmed') throw conflict('booking_not_confirmed', `This booking is already ${b.status.replace('_', '-')}.`);
    await releaseHolds(tx, b);
    const [row] = await tx
      .update(bookings)
      .set({ status: 'cancelled', cancelledAt: new Date(), cancelReason: reason ?? null, sequence: b.sequence + 1, updatedAt: new Date() })
      .where(and(eq(bookings.workspaceId, workspaceId), eq(bookings.id, id)))
      .returning();
    await notifyBooking(tx, services, row!, by === 'attendee' ? 'cancelled_by_attendee' : 'cancelled_by_host');
    return row!;
  });
}

/**
 * BOOK-4: moves a booking to another free slot. The old one is marked rescheduled and its time
 * freed in the same transaction as the new one is held, so a failed move leaves it as it was.
 */
export async function rescheduleBooking(services: Services, workspaceId: string, id: string, start: string): Promise<BookedSlot> {
  const db = services.database.db;
  const old = await withTenant(db, { workspaceId, userId: null }, async (tx) => {
    const [row] = await tx.select().from(bookings).where(and(eq(bookings.workspaceId, workspaceId), eq(bookings.id, id)));
    if (!row) throw notFound('Booking');
    if (row.status !== 'confirmed') throw conflict('booking_not_confirmed', `This booking is ${row.status.replace('_', '-')}.`);
    return row;
  });
  // The booking's own event in the host's calendar does not stand in the way of moving it.
  const at = new Date(start);
  const busy = await calendarBusy(services, workspaceId, { id: old.eventTypeId }, new Date(at.getTime() - 86_400_000), new Date(at.getTime() + 86_400_000));
  for (const [host, ranges] of busy) busy.set(host, ranges.filter((r) => !(r.start.getTime() === old.startsAt.getTime() && r.end.getTime() === old.endsAt.getTime())));
  return bookSlot(
    db,
    { workspaceId, eventType: { id: old.eventTypeId } },
    { start, name: old.attendeeName, email: old.attendeeEmail, timeZone: old.attendeeTimeZone, answers: old.answers, rescheduledFrom: old },
    {
      calendarBusy: busy,
      // The old time is freed first, so a move by a few minutes does not collide with itself.
      beforeHold: async (tx) => {
        const current = await lockBooking(tx, workspaceId, id);
        if (current.status !== 'confirmed') throw conflict('booking_not_confirmed', `This booking is ${current.status.replace('_', '-')}.`);
        await releaseHolds(tx, current);
        await tx.update(bookings).set({ status: 'rescheduled', updatedAt: new Date() }).where(and(eq(bookings.workspaceId, workspaceId), eq(bookings.id, id)));
      },
      afterBooked: async (tx, booked) => notifyBooking(tx, services, booked.booking, 'rescheduled', old),
    },
  );
}

export async function getBooking(db: Db, workspaceId: string, id: string): Promise<BookingRow & { slug: string; title: string }> {
  return withTenant(db, { workspaceId, userId: null }, async (tx) => {
    const [row] = await tx.select({ b: bookings, slug: bookingEventTypes.slug, title: bookingEventTypes.title }).from(bookings).innerJoin(bookingEventTypes, and(eq(bookingEventTypes.workspaceId, bookings.workspaceId), eq(bookingEventTypes.id, bookings.eventTypeId))).where(and(eq(bookings.workspaceId, workspaceId), eq(bookings.id, id)));
    if (!row) throw notFound('Booking');
    return { ...row.b, slug: row.slug, title: row.title };
  });
}
