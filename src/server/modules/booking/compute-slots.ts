import { DateTime, IANAZone } from 'luxon';

/**
 * BOOK-1: free slots as a pure function of an event type, its hosts' weekly hours, date
 * overrides and busy times. Wall-clock hours are read in the host's IANA zone with Luxon, so a
 * day that springs forward has an hour less of slots and one that falls back an hour more; slots
 * are absolute instants, shown in whatever zone the visitor picks.
 */

export interface Interval {
  /** "HH:mm", host's wall clock; "24:00" ends at midnight. */
  start: string;
  end: string;
}
export interface WeeklyInterval extends Interval {
  /** ISO weekday: 1 Monday … 7 Sunday. */
  weekday: number;
}
export interface DateOverride {
  /** "YYYY-MM-DD" in the host's zone; no intervals is a day off. */
  date: string;
  intervals: Interval[];
}
export interface Schedule {
  timeZone: string;
  weekly: WeeklyInterval[];
  overrides: DateOverride[];
}
export interface TimeRange {
  start: Date;
  end: Date;
}
export interface SlotRules {
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  minNoticeMinutes: number;
  slotIntervalMinutes: number;
  window: { kind: 'rolling'; days: number } | { kind: 'range'; start: string; end: string };
  dailyCap: number | null;
  weeklyCap: number | null;
  seats: number;
}
export interface HostAvailability {
  userId: string;
  schedule: Schedule;
  /** Time already taken, buffers included (held bookings, calendar busy times). */
  busy: TimeRange[];
  /** Bookings of this event type the host has per host-local day ("YYYY-MM-DD"), for the caps. */
  bookedPerDay: Record<string, number>;
  /** Group sessions already started for this host: start instant (ms) → seats left. */
  sessions?: Record<number, number>;
}
export type Assignment = 'single' | 'round_robin' | 'collective';
export interface Slot {
  start: Date;
  end: Date;
  /** Hosts free at this time: any one of them for round-robin, all of them otherwise. */
  hostUserIds: string[];
}

const MINUTE = 60_000;

export const isValidTimeZone = (zone: string): boolean => zone.length <= 64 && IANAZone.isValidZone(zone);

/** Why a requested start is not bookable, or null when it is. Used for slot lists and for 400s. */
export type SlotProblem = 'in_the_past' | 'inside_minimum_notice' | 'beyond_window' | 'outside_availability' | 'taken';

function inWindow(rules: SlotRules, start: DateTime, now: Date, zone: string): boolean {
  if (rules.window.kind === 'rolling') {
    const last = DateTime.fromJSDate(now, { zone }).startOf('day').plus({ days: rules.window.days });
    return start < last;
  }
  const day = start.setZone(zone).toISODate()!;
  return day >= rules.window.start && day <= rules.window.end;
}

/** ISO week of a host-local date, for the weekly cap. */
const weekOf = (date: string, zone: string) => {
  const d = DateTime.fromISO(date, { zone });
  return `${d.weekYear}-${d.weekNumber}`;
};

/**
 * A wall-clock time on a host-local date. A time skipped by a spring-forward moves on past the
 * gap (Luxon's rule); a time that happens twice at fall-back starts at its first occurrence when
 * `earliest` (so 01:00–04:00 on that day is four real hours).
 */
function wallTime(date: string, hhmm: string, zone: string, earliest: boolean): DateTime {
  if (hhmm === '24:00') return DateTime.fromISO(date, { zone }).plus({ days: 1 }).startOf('day');
  const dt = DateTime.fromISO(`${date}T${hhmm}`, { zone });
  if (!earliest) return dt;
  const before = dt.minus({ hours: 3 }).offset;
  if (before <= dt.offset) return dt;
  const first = dt.minus({ minutes: before - dt.offset });
  return first.toFormat('yyyy-MM-dd HH:mm') === dt.toFormat('yyyy-MM-dd HH:mm') ? first : dt;
}

/** The host's working intervals as instants, for the host-local days touching [from, to). */
export function workingRanges(schedule: Schedule, from: Date, to: Date): TimeRange[] {
  const zone = schedule.timeZone;
  const overrides = new Map(schedule.overrides.map((o) => [o.date, o.intervals]));
  const ranges: TimeRange[] = [];
  let day = DateTime.fromJSDate(from, { zone }).startOf('day').minus({ days: 1 });
  const last = DateTime.fromJSDate(to, { zone }).startOf('day').plus({ days: 1 });
  while (day <= last) {
    const date = day.toISODate()!;
    const intervals = overrides.get(date) ?? schedule.weekly.filter((w) => w.weekday === day.weekday);
    for (const i of intervals) {
      const start = wallTime(date, i.start, zone, true);
      const end = wallTime(date, i.end, zone, false);
      if (end > start) ranges.push({ start: start.toJSDate(), end: end.toJSDate() });
    }
    day = day.plus({ days: 1 });
  }
  return ranges;
}

const overlaps = (a: TimeRange, b: TimeRange) => a.start < b.end && b.start < a.end;

/** A host's free starts in [from, to), each checked against every rule. */
function hostSlots(rules: SlotRules, host: HostAvailability, from: Date, to: Date, now: Date): Map<number, Date> {
  const zone = host.schedule.timeZone;
  const starts = new Map<number, Date>();
  const earliest = now.getTime() + rules.minNoticeMinutes * MINUTE;
  const perWeek = new Map<string, number>();
  if (rules.weeklyCap !== null) {
    for (const [date, n] of Object.entries(host.bookedPerDay)) perWeek.set(weekOf(date, zone), (perWeek.get(weekOf(date, zone)) ?? 0) + n);
  }
  // Computed once, not per candidate start (Luxon's date arithmetic was most of a slot list's CPU).
  const rollingEnd = rules.window.kind === 'rolling' ? DateTime.fromJSDate(now, { zone }).startOf('day').plus({ days: rules.window.days }).toMillis() : null;
  for (const range of workingRanges(host.schedule, from, to)) {
    // A working interval lies within one host-local day: every start in it has that date.
    const date = DateTime.fromJSDate(range.start, { zone }).toISODate()!;
    if (rules.window.kind === 'range' && (date < rules.window.start || date > rules.window.end)) continue;
    for (let t = range.start.getTime(); t + rules.durationMinutes * MINUTE <= range.end.getTime(); t += rules.slotIntervalMinutes * MINUTE) {
      if (t < from.getTime() || t >= to.getTime() || t < earliest) continue;
      if (rollingEnd !== null && t >= rollingEnd) continue;
      const seatsLeft = host.sessions?.[t];
      if (seatsLeft !== undefined) {
        // A group session already runs here: it has room or it does not; its own hold is not a conflict.
        if (seatsLeft > 0) starts.set(t, new Date(t));
        continue;
      }
      if (rules.dailyCap !== null && (host.bookedPerDay[date] ?? 0) >= rules.dailyCap) continue;
      if (rules.weeklyCap !== null && (perWeek.get(weekOf(date, zone)) ?? 0) >= rules.weeklyCap) continue;
      const held = { start: new Date(t - rules.bufferBeforeMinutes * MINUTE), end: new Date(t + (rules.durationMinutes + rules.bufferAfterMinutes) * MINUTE) };
      if (host.busy.some((b) => overlaps(held, b))) continue;
      starts.set(t, new Date(t));
    }
  }
  return starts;
}

/** BOOK-1: free slots in [from, to) for one host, any of several (round-robin) or all of them (collective). */
export function computeSlots(input: { rules: SlotRules; assignment: Assignment; hosts: HostAvailability[]; from: Date; to: Date; now: Date }): Slot[] {
  const { rules, hosts, from, to, now } = input;
  const perHost = hosts.map((h) => ({ userId: h.userId, starts: hostSlots(rules, h, from, to, now) }));
  const all = new Set<number>();
  for (const h of perHost) for (const t of h.starts.keys()) all.add(t);
  const slots: Slot[] = [];
  for (const t of [...all].sort((a, b) => a - b)) {
    const free = perHost.filter((h) => h.starts.has(t)).map((h) => h.userId);
    if (input.assignment === 'collective' && free.length < hosts.length) continue;
    if (!free.length) continue;
    slots.push({ start: new Date(t), end: new Date(t + rules.durationMinutes * MINUTE), hostUserIds: free });
  }
  return slots;
}

/** Why a start the visitor asked for cannot be booked, in the order a person would fix it. */
export function explainStart(input: { rules: SlotRules; hosts: HostAvailability[]; start: Date; now: Date }): SlotProblem | null {
  const { rules, start, now, hosts } = input;
  if (start.getTime() < now.getTime()) return 'in_the_past';
  if (start.getTime() < now.getTime() + rules.minNoticeMinutes * MINUTE) return 'inside_minimum_notice';
  const zone = hosts[0]?.schedule.timeZone ?? 'UTC';
  if (!inWindow(rules, DateTime.fromJSDate(start, { zone }), now, zone)) return 'beyond_window';
  const end = new Date(start.getTime() + rules.durationMinutes * MINUTE);
  const onGrid = hosts.some((h) =>
    workingRanges(h.schedule, start, end).some((r) => r.start <= start && end <= r.end && (start.getTime() - r.start.getTime()) % (rules.slotIntervalMinutes * MINUTE) === 0),
  );
  return onGrid ? null : 'outside_availability';
}

/** Shows an instant in a zone, for lists grouped by the visitor's own days. */
export function localParts(at: Date, zone: string): { date: string; time: string } {
  const d = DateTime.fromJSDate(at, { zone });
  return { date: d.toISODate()!, time: d.toFormat('HH:mm') };
}
