import { and, eq, isNull, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { AppError, badRequest, notFound } from '../../platform/http/errors';
import { logActivity } from '../activities';
import { findContactByEmail, insertContact } from '../crm';
import type { BookInput } from './booking.contract';
import { bookingEventTypes, bookingHolds, bookings } from './booking.schema';
import { loadHosts, nextFreeSlots } from './availability';
import { computeSlots, explainStart, localParts, type SlotProblem, type TimeRange } from './compute-slots';
import { rulesOf, type EventTypeRow } from './event-types';
import { meetingPlace } from './meeting-text';

const MINUTE = 60_000;
export type BookingRow = typeof bookings.$inferSelect;

const problems: Record<SlotProblem, string> = {
  in_the_past: 'That time is in the past.',
  inside_minimum_notice: 'That time is too soon: this meeting needs more notice.',
  beyond_window: 'That time is beyond how far ahead this meeting can be booked.',
  outside_availability: 'That time is outside the hours this meeting can be booked.',
  taken: 'That time was just taken.',
};

/** The database refused an overlapping hold (BOOK-3). drizzle wraps the driver's error. */
export function isOverlap(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: string }).code === '23P01') return true;
  }
  return false;
}

class SlotTaken extends Error {}

export async function findPublicEventType(tx: Tx, workspaceId: string, slug: string): Promise<EventTypeRow> {
  const [row] = await tx.select().from(bookingEventTypes).where(and(eq(bookingEventTypes.workspaceId, workspaceId), eq(bookingEventTypes.slug, slug), eq(bookingEventTypes.active, true)));
  if (!row) throw notFound('Booking page');
  return row;
}

/**
 * BOOK-3: holds a slot for its host(s). Each candidate host is tried in a savepoint; the
 * exclusion constraint refuses an overlap however requests race, and a group session counts
 * its seats in one conditional UPDATE. Returns the hold ids and hosts, or throws SlotTaken.
 */
async function holdSlot(tx: Tx, e: EventTypeRow, start: Date, candidates: string[][]): Promise<{ holdIds: string[]; hostUserIds: string[] }> {
  const end = new Date(start.getTime() + e.durationMinutes * MINUTE);
  const blocksFrom = new Date(start.getTime() - e.bufferBeforeMinutes * MINUTE);
  const blocksUntil = new Date(end.getTime() + e.bufferAfterMinutes * MINUTE);
  const takeSeat = async (sp: Tx, hostUserId: string) => {
    const [seat] = await sp
      .update(bookingHolds)
      .set({ seatsTaken: sql`${bookingHolds.seatsTaken} + 1` })
      .where(and(eq(bookingHolds.workspaceId, e.workspaceId), eq(bookingHolds.eventTypeId, e.id), eq(bookingHolds.hostUserId, hostUserId), eq(bookingHolds.startsAt, start), isNull(bookingHolds.releasedAt), sql`${bookingHolds.seatsTaken} < ${bookingHolds.seats}`))
      .returning({ id: bookingHolds.id });
    return seat?.id;
  };
  for (const hostUserIds of candidates) {
    // A group session's first two attendees can race to open it: the loser joins it instead.
    for (let attempt = 0; attempt < (e.seats > 1 ? 2 : 1); attempt++) {
      try {
        const holdIds = await tx.transaction(async (sp) => {
          const ids: string[] = [];
          for (const hostUserId of hostUserIds) {
            const seat = e.seats > 1 ? await takeSeat(sp, hostUserId) : undefined;
            if (seat) {
              ids.push(seat);
              continue;
            }
            const [hold] = await sp
              .insert(bookingHolds)
              .values({ workspaceId: e.workspaceId, eventTypeId: e.id, hostUserId, startsAt: start, endsAt: end, blocksFrom, blocksUntil, seats: e.seats, seatsTaken: 1 })
              .returning({ id: bookingHolds.id });
            ids.push(hold!.id);
          }
          return ids;
        });
        return { holdIds, hostUserIds };
      } catch (error) {
        if (!isOverlap(error)) throw error;
      }
    }
  }
  throw new SlotTaken();
}

/** Frees a booking's held time (a seat of a group session, or the whole hold). */
export async function releaseHolds(tx: Tx, b: BookingRow): Promise<void> {
  for (const id of b.holdIds) {
    await tx
      .update(bookingHolds)
      .set({ seatsTaken: sql`greatest(${bookingHolds.seatsTaken} - 1, 0)`, releasedAt: sql`CASE WHEN ${bookingHolds.seatsTaken} <= 1 THEN now() ELSE NULL END` })
      .where(and(eq(bookingHolds.workspaceId, b.workspaceId), eq(bookingHolds.id, id)));
  }
}

export interface BookedSlot {
  booking: BookingRow;
  eventType: EventTypeRow;
  hostNames: string[];
}

/**
 * BOOK-1/3/5: books a start for an attendee. The start must be a free slot by every rule (400
 * says which rule it breaks); a slot taken meanwhile is a 409 with the next three free slots.
 * The attendee becomes a contact (or is linked to the one with that email) and the meeting goes
 * on its timeline, in the same transaction as the booking.
 */
export async function bookSlot(
  db: Db,
  ref: { workspaceId: string; eventType: { slug: string } | { id: string } },
  input: BookInput & { rescheduledFrom?: BookingRow },
  opts: { now?: Date; calendarBusy?: Map<string, TimeRange[]>; beforeHold?: (tx: Tx) => Promise<void>; afterBooked?: (tx: Tx, booked: BookedSlot) => Promise<void> } = {},
): Promise<BookedSlot> {
  const now = opts.now ?? new Date();
  const start = new Date(input.start);
  const scope = { workspaceId: ref.workspaceId, userId: null };
  try {
    return await withTenant(db, scope, async (tx) => {
      const e = 'slug' in ref.eventType ? await findPublicEventType(tx, ref.workspaceId, ref.eventType.slug) : await findEventTypeById(tx, ref.workspaceId, ref.eventType.id);
      const rules = rulesOf(e);
      await opts.beforeHold?.(tx);
      const loaded = await loadHosts(tx, e, new Date(start.getTime() - 86_400_000), new Date(start.getTime() + 86_400_000), opts.calendarBusy, { loadDays: e.assignment === 'round_robin' ? 8 : 0 });
      if (!loaded.hosts.length) throw notFound('Booking page');
      const problem = explainStart({ rules, hosts: loaded.hosts, start, now });
      if (problem) throw badRequest(`slot_${problem}`, problems[problem], { start: input.start });
      const [slot] = computeSlots({ rules, assignment: e.assignment, hosts: loaded.hosts, from: start, to: new Date(start.getTime() + 1), now });
      if (!slot) throw new SlotTaken();
      // Round-robin: the free member with the fewest bookings of this type nearby goes first; the rest are fallbacks.
      const candidates =
        e.assignment === 'round_robin' ? [...slot.hostUserIds].sort((a, b) => (loaded.load.get(a) ?? 0) - (loaded.load.get(b) ?? 0)).map((id) => [id]) : [slot.hostUserIds];
      const { holdIds, hostUserIds } = await holdSlot(tx, e, start, candidates);
      const end = new Date(start.getTime() + e.durationMinutes * MINUTE);

      // BOOK-5: the attendee as a contact, through the CRM's own use case, deduplicated by email.
      const host = hostUserIds[0]!;
      const ctx: WorkspaceContext = { workspaceId: e.workspaceId, userId: host, role: 'admin', actorLabel: 'Booking page' };
      const contactId = await findOrCreateContact(tx, ctx, input.name, input.email);
      const answers = input.answers ?? {};
      const asked = e.questions.filter((q) => answers[q.id]?.trim());
      const missing = e.questions.find((q) => q.required && !answers[q.id]?.trim());
      if (missing) throw badRequest('validation_failed', `Answer "${missing.label}".`, { fields: { [`answers.${missing.id}`]: 'Required.' }, in: 'body' });
      const body = asked.length ? asked.map((q) => `<p><b>${escapeHtml(q.label)}</b><br>${escapeHtml(answers[q.id]!)}</p>`).join('') : null;
      const activity = await logActivity(tx, ctx, {
        kind: 'meeting',
        subject: `${e.title} with ${input.name}`,
        body,
        meetingStartsAt: start,
        meetingEndsAt: end,
        meetingLocation: meetingPlace(e),
        links: [{ recordType: 'contacts', recordId: contactId }],
      });
      const id = uuidv7();
      const [booking] = await tx
        .insert(bookings)
        .values({
          id,
          icalUid: input.rescheduledFrom?.icalUid ?? `${id}@kestrel`,
          workspaceId: e.workspaceId,
          eventTypeId: e.id,
          holdIds,
          hostUserIds,
          startsAt: start,
          endsAt: end,
          bufferBeforeMinutes: e.bufferBeforeMinutes,
          bufferAfterMinutes: e.bufferAfterMinutes,
          attendeeName: input.name,
          attendeeEmail: input.email,
          attendeeTimeZone: input.timeZone,
          answers: Object.fromEntries(asked.map((q) => [q.id, answers[q.id]!])),
          contactId,
          activityId: activity.id,
          rescheduledFromId: input.rescheduledFrom?.id ?? null,
          sequence: input.rescheduledFrom ? input.rescheduledFrom.sequence + 1 : 0,
          // The hosts' calendar events move with the booking.
          calendarEvents: input.rescheduledFrom?.calendarEvents ?? {},
        })
        .returning();
      const booked = { booking: booking!, eventType: e, hostNames: hostUserIds.map((id) => loaded.names.get(id)?.name ?? '') };
      await opts.afterBooked?.(tx, booked);
      return booked;
    });
  } catch (error) {
    if (!(error instanceof SlotTaken)) throw error;
    const next = await withTenant(db, scope, async (tx) => {
      const e = 'slug' in ref.eventType ? await findPublicEventType(tx, ref.workspaceId, ref.eventType.slug) : await findEventTypeById(tx, ref.workspaceId, ref.eventType.id);
      return nextFreeSlots(tx, e, start, now);
    });
    throw new AppError('slot_taken', 409, problems.taken, {
      nextSlots: next.map((s) => ({ start: s.start.toISOString(), end: s.end.toISOString(), ...localParts(s.start, input.timeZone) })),
    });
  }
}

async function findEventTypeById(tx: Tx, workspaceId: string, id: string): Promise<EventTypeRow> {
  const [row] = await tx.select().from(bookingEventTypes).where(and(eq(bookingEventTypes.workspaceId, workspaceId), eq(bookingEventTypes.id, id)));
  if (!row) throw notFound('Event type');
  return row;
}

async function findOrCreateContact(tx: Tx, ctx: WorkspaceContext, name: string, email: string): Promise<string> {
  const found = await findContactByEmail(tx, ctx, email);
  if (found) return found;
  const [firstName, ...rest] = name.trim().split(/\s+/);
  return insertContact(tx, ctx, { firstName: firstName!.slice(0, 100), lastName: rest.join(' ').slice(0, 100) || null, emails: [email], ownerUserId: ctx.userId, source: 'Booking page' });
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
