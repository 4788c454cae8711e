import { and, eq, gt, inArray, isNull, lt } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import { bookingHolds, bookingSchedules } from './booking.schema';
import { computeSlots, localParts, type HostAvailability, type Slot, type TimeRange } from './compute-slots';
import { hostsOf, rulesOf, type EventTypeRow } from './event-types';

const DAY = 86_400_000;

export interface LoadedHosts {
  hosts: HostAvailability[];
  names: Map<string, { name: string; email: string }>;
  /** Bookings of this event type per host in the loaded range: round-robin gives the next to the least booked. */
  load: Map<string, number>;
}

/**
 * BOOK-1: everything the slot computation needs about an event type's hosts around [from, to):
 * their hours, the time their holds take (any event type, buffers included), their bookings of
 * this type per local day for the caps, open group sessions, and busy times from calendars.
 */
export async function loadHosts(tx: Tx, e: EventTypeRow, from: Date, to: Date, calendarBusy: Map<string, TimeRange[]> = new Map()): Promise<LoadedHosts> {
  const ws = { workspaceId: e.workspaceId };
  const hostRows = await hostsOf(tx, ws, [e.id]);
  const userIds = hostRows.map((h) => h.userId);
  if (!userIds.length) return { hosts: [], names: new Map(), load: new Map() };
  const schedules = await tx.select().from(bookingSchedules).where(and(eq(bookingSchedules.workspaceId, e.workspaceId), inArray(bookingSchedules.id, hostRows.map((h) => h.scheduleId))));
  // A week either side, for the weekly cap.
  const holds = await tx
    .select()
    .from(bookingHolds)
    .where(and(eq(bookingHolds.workspaceId, e.workspaceId), inArray(bookingHolds.hostUserId, userIds), isNull(bookingHolds.releasedAt), lt(bookingHolds.blocksFrom, new Date(to.getTime() + 8 * DAY)), gt(bookingHolds.blocksUntil, new Date(from.getTime() - 8 * DAY))));
  const load = new Map<string, number>();
  const hosts = hostRows.map((h): HostAvailability => {
    const schedule = schedules.find((s) => s.id === h.scheduleId)!;
    const mine = holds.filter((x) => x.hostUserId === h.userId);
    const bookedPerDay: Record<string, number> = {};
    const sessions: Record<number, number> = {};
    for (const x of mine.filter((x) => x.eventTypeId === e.id)) {
      const day = localParts(x.startsAt, schedule.timeZone).date;
      bookedPerDay[day] = (bookedPerDay[day] ?? 0) + 1;
      if (x.seats > 1) sessions[x.startsAt.getTime()] = x.seats - x.seatsTaken;
    }
    load.set(h.userId, mine.filter((x) => x.eventTypeId === e.id).length);
    return {
      userId: h.userId,
      schedule: { timeZone: schedule.timeZone, weekly: schedule.weekly, overrides: schedule.overrides },
      busy: [...mine.map((x) => ({ start: x.blocksFrom, end: x.blocksUntil })), ...(calendarBusy.get(h.userId) ?? [])],
      bookedPerDay,
      sessions,
    };
  });
  return { hosts, names: new Map(hostRows.map((h) => [h.userId, { name: h.name, email: h.email }])), load };
}

/** BOOK-1: free slots of an event type in [from, to). */
export async function freeSlots(tx: Tx, e: EventTypeRow, from: Date, to: Date, now: Date, calendarBusy?: Map<string, TimeRange[]>): Promise<Slot[]> {
  const { hosts } = await loadHosts(tx, e, from, to, calendarBusy);
  if (!hosts.length) return [];
  return computeSlots({ rules: rulesOf(e), assignment: e.assignment, hosts, from, to, now });
}

/** BOOK-3: the next few free slots after a time, for a visitor whose pick was taken. */
export async function nextFreeSlots(tx: Tx, e: EventTypeRow, after: Date, now: Date, count = 3): Promise<Slot[]> {
  const found: Slot[] = [];
  // A week at a time, up to the end of the booking window.
  for (let week = 0; week < 105 && found.length < count; week++) {
    const from = new Date(Math.max(after.getTime(), now.getTime()) + week * 7 * DAY);
    const slots = await freeSlots(tx, e, from, new Date(from.getTime() + 7 * DAY), now);
    found.push(...slots.filter((s) => s.start > after));
    if (e.windowKind === 'rolling' && week * 7 > e.windowDays) break;
  }
  return found.slice(0, count);
}
