import { and, asc, eq, gt, inArray, isNull, lt } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import { users } from '../accounts/accounts.schema';
import { hasLiveConnection } from '../integrations';
import { bookingEventHosts, bookingHolds, bookingSchedules } from './booking.schema';
import { computeSlots, localParts, type HostAvailability, type Slot, type TimeRange } from './compute-slots';
import { rulesOf, type EventTypeRow } from './event-types';

const DAY = 86_400_000;

export interface LoadedHosts {
  hosts: HostAvailability[];
  names: Map<string, { name: string; email: string }>;
  /** Bookings of this event type per host in the loaded range: round-robin gives the next to the least booked. */
  load: Map<string, number>;
  /** Hosts with a live Google Calendar connection, whose busy times are read from Google too. */
  calendarHostIds: string[];
}

/**
 * BOOK-1: everything the slot computation needs about an event type's hosts around [from, to),
 * in two queries: the hosts with their hours, names and whether their calendar is connected; and
 * the time all of their holds take (any event type, buffers included), from which come their
 * bookings of this type per local day for the caps and the open group sessions. Busy times
 * from calendars are added by the caller (read outside the transaction).
 */
export async function loadHosts(tx: Tx, e: EventTypeRow, from: Date, to: Date, calendarBusy: Map<string, TimeRange[]> = new Map(), opts: { loadDays?: number } = {}): Promise<LoadedHosts> {
  const hostRows = await tx
    .select({
      userId: bookingEventHosts.userId,
      name: users.name,
      email: users.email,
      timeZone: bookingSchedules.timeZone,
      weekly: bookingSchedules.weekly,
      overrides: bookingSchedules.overrides,
      calendar: hasLiveConnection('google_calendar', bookingEventHosts.workspaceId, bookingEventHosts.userId),
    })
    .from(bookingEventHosts)
    .innerJoin(users, eq(users.id, bookingEventHosts.userId))
    .innerJoin(bookingSchedules, and(eq(bookingSchedules.workspaceId, bookingEventHosts.workspaceId), eq(bookingSchedules.id, bookingEventHosts.scheduleId)))
    .where(and(eq(bookingEventHosts.workspaceId, e.workspaceId), eq(bookingEventHosts.eventTypeId, e.id)))
    .orderBy(asc(users.name));
  const userIds = hostRows.map((h) => h.userId);
  if (!userIds.length) return { hosts: [], names: new Map(), load: new Map(), calendarHostIds: [] };
  // Host-local days touching the range (a day either side) for the daily cap; whole ISO weeks for the
  // weekly cap; `loadDays` either side when round-robin weighs each member's recent load.
  const margin = Math.max(e.weeklyCap !== null ? 8 : 1, opts.loadDays ?? 0) * DAY;
  const holds = await tx
    .select({ hostUserId: bookingHolds.hostUserId, eventTypeId: bookingHolds.eventTypeId, startsAt: bookingHolds.startsAt, blocksFrom: bookingHolds.blocksFrom, blocksUntil: bookingHolds.blocksUntil, seats: bookingHolds.seats, seatsTaken: bookingHolds.seatsTaken })
    .from(bookingHolds)
    .where(and(eq(bookingHolds.workspaceId, e.workspaceId), inArray(bookingHolds.hostUserId, userIds), isNull(bookingHolds.releasedAt), lt(bookingHolds.blocksFrom, new Date(to.getTime() + margin)), gt(bookingHolds.blocksUntil, new Date(from.getTime() - margin))));
  const byHost = new Map<string, typeof holds>(userIds.map((id) => [id, []]));
  for (const x of holds) byHost.get(x.hostUserId)?.push(x);
  const load = new Map<string, number>();
  const hosts = hostRows.map((h): HostAvailability => {
    const mine = byHost.get(h.userId)!;
    const bookedPerDay: Record<string, number> = {};
    const sessions: Record<number, number> = {};
    let ofThisType = 0;
    for (const x of mine) {
      if (x.eventTypeId !== e.id) continue;
      ofThisType++;
      const day = localParts(x.startsAt, h.timeZone).date;
      bookedPerDay[day] = (bookedPerDay[day] ?? 0) + 1;
      if (x.seats > 1) sessions[x.startsAt.getTime()] = x.seats - x.seatsTaken;
    }
    load.set(h.userId, ofThisType);
    return {
      userId: h.userId,
      schedule: { timeZone: h.timeZone, weekly: h.weekly, overrides: h.overrides },
      busy: [...mine.map((x) => ({ start: x.blocksFrom, end: x.blocksUntil })), ...(calendarBusy.get(h.userId) ?? [])],
      bookedPerDay,
      sessions,
    };
  });
  return { hosts, names: new Map(hostRows.map((h) => [h.userId, { name: h.name, email: h.email }])), load, calendarHostIds: hostRows.filter((h) => h.calendar).map((h) => h.userId) };
}

/** Adds busy times read from calendars to loaded hosts. */
export function withCalendarBusy(hosts: HostAvailability[], calendarBusy: Map<string, TimeRange[]>): HostAvailability[] {
  return hosts.map((h) => (calendarBusy.has(h.userId) ? { ...h, busy: [...h.busy, ...calendarBusy.get(h.userId)!] } : h));
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
