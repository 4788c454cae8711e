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

const DAY = 86_400_000;

/** A "YYYY-MM-DD" date moved by whole days (calendar arithmetic, no zone involved). */
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** ISO weekday of a date: 1 Monday … 7 Sunday. */
const weekdayOf = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay() || 7;

/** ISO week of a host-local date ("2026-W23"), for the weekly cap: the week its Thursday falls in. */
export function isoWeek(date: string): string {
  const thursday = new Date(Date.parse(`${date}T00:00:00Z`) + (4 - weekdayOf(date)) * DAY);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY / 7) + 1;
  return `${year}-W${week}`;
}

/** Bounded memo: the oldest entries go first once it is full. */
function memo<V>(limit: number) {
  const map = new Map<string, V>();
  return (key: string, make: () => V): V => {
    const hit = map.get(key);
    if (hit !== undefined) return hit;
    const value = make();
    if (map.size >= limit) map.delete(map.keys().next().value!);
    map.set(key, value);
    return value;
  };
}

const formatters = memo<Intl.DateTimeFormat>(500);
const offsets = memo<number>(50_000);
const QUARTER_HOUR = 15 * MINUTE;

/**
 * A zone's UTC offset (ms) at an instant. Offsets and their changes fall on quarter hours in every
 * IANA zone in use, so one lookup per zone and quarter hour is exact; Intl does the lookup.
 */
function offsetAt(zone: string, ms: number): number {
  const bucket = Math.floor(ms / QUARTER_HOUR);
  return offsets(`${zone}\u0000${bucket}`, () => {
    const f = formatters(zone, () => new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' }));
    const at = bucket * QUARTER_HOUR;
    const p: Record<string, number> = {};
    for (const part of f.formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
    return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!) - at;
  });
}

/** The host-local date of an instant. */
const localDate = (zone: string, ms: number) => new Date(ms + offsetAt(zone, ms)).toISOString().slice(0, 10);

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

/** One host-local day's working intervals as instants (ms), sorted. The same hours in the same zone on the same date are computed once per process. */
const dayIntervals = memo<[number, number][]>(20_000);
function intervalsOn(zone: string, date: string, intervals: Interval[]): [number, number][] {
  if (!intervals.length) return [];
  const key = `${zone}\u0000${date}\u0000${intervals.map((i) => `${i.start}-${i.end}`).join(',')}`;
  return dayIntervals(key, () =>
    intervals
      .map((i): [number, number] => [wallTime(date, i.start, zone, true).toMillis(), wallTime(date, i.end, zone, false).toMillis()])
      .filter(([s, e]) => e > s)
      .sort((a, b) => a[0] - b[0]),
  );
}

interface DayRange {
  date: string;
  start: number;
  end: number;
}

/** The host's working intervals (ms) with their host-local dates, for the days touching [from, to), in time order. */
function dayRanges(schedule: Schedule, from: number, to: number): DayRange[] {
  const zone = schedule.timeZone;
  const overrides = new Map(schedule.overrides.map((o) => [o.date, o.intervals]));
  const byWeekday: Interval[][] = [[], [], [], [], [], [], [], []];
  for (const w of schedule.weekly) byWeekday[w.weekday]?.push(w);
  const ranges: DayRange[] = [];
  const last = addDays(localDate(zone, to), 1);
  for (let date = addDays(localDate(zone, from), -1); date <= last; date = addDays(date, 1)) {
    for (const [start, end] of intervalsOn(zone, date, overrides.get(date) ?? byWeekday[weekdayOf(date)]!)) ranges.push({ date, start, end });
  }
  return ranges;
}

/** The host's working intervals as instants, for the host-local days touching [from, to). */
export function workingRanges(schedule: Schedule, from: Date, to: Date): TimeRange[] {
  return dayRanges(schedule, from.getTime(), to.getTime()).map((r) => ({ start: new Date(r.start), end: new Date(r.end) }));
}

/** Busy times as disjoint [start, end) pairs in time order, for a sweep. */
function mergeBusy(busy: TimeRange[]): [number, number][] {
  const sorted = busy.map((b): [number, number] => [b.start.getTime(), b.end.getTime()]).sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const b of sorted) {
    const top = merged[merged.length - 1];
    if (top && b[0] <= top[1]) top[1] = Math.max(top[1], b[1]);
    else merged.push(b);
  }
  return merged;
}

/** The first busy interval ending after `at` (binary search). */
function firstEndingAfter(busy: [number, number][], at: number): number {
  let lo = 0;
  let hi = busy.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (busy[mid]![1] <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A host's free starts in [from, to), each checked against every rule. Candidates come in time
 * order within a working interval and the busy times are merged and sorted, so the busy check is
 * one forward sweep; dates, weeks and caps are worked out once per interval, not per start.
 */
function hostSlots(rules: SlotRules, host: HostAvailability, from: Date, to: Date, now: Date): number[] {
  const zone = host.schedule.timeZone;
  const starts: number[] = [];
  const fromMs = from.getTime();
  const toMs = to.getTime();
  const earliest = Math.max(fromMs, now.getTime() + rules.minNoticeMinutes * MINUTE);
  const perWeek = new Map<string, number>();
  if (rules.weeklyCap !== null) {
    for (const [date, n] of Object.entries(host.bookedPerDay)) perWeek.set(isoWeek(date), (perWeek.get(isoWeek(date)) ?? 0) + n);
  }
  const rollingEnd = rules.window.kind === 'rolling' ? dayStart(zone, addDays(localDate(zone, now.getTime()), rules.window.days)) : Infinity;
  const last = Math.min(toMs, rollingEnd);
  const busy = mergeBusy(host.busy);
  const duration = rules.durationMinutes * MINUTE;
  const step = rules.slotIntervalMinutes * MINUTE;
  const before = rules.bufferBeforeMinutes * MINUTE;
  const after = rules.bufferAfterMinutes * MINUTE;
  for (const range of dayRanges(host.schedule, fromMs, toMs)) {
    if (range.end <= earliest || range.start >= last) continue;
    if (rules.window.kind === 'range' && (range.date < rules.window.start || range.date > rules.window.end)) continue;
    const capped =
      (rules.dailyCap !== null && (host.bookedPerDay[range.date] ?? 0) >= rules.dailyCap) ||
      (rules.weeklyCap !== null && (perWeek.get(isoWeek(range.date)) ?? 0) >= rules.weeklyCap);
    let b = firstEndingAfter(busy, range.start - before);
    for (let t = range.start; t + duration <= range.end && t < last; t += step) {
      if (t < earliest) continue;
      const seatsLeft = host.sessions?.[t];
      if (seatsLeft !== undefined) {
        // A group session already runs here: it has room or it does not; its own hold is not a conflict.
        if (seatsLeft > 0) starts.push(t);
        continue;
      }
      if (capped) continue;
      while (b < busy.length && busy[b]![1] <= t - before) b++;
      if (b < busy.length && busy[b]![0] < t + duration + after) continue;
      starts.push(t);
    }
  }
  return starts;
}

/** Midnight of a host-local date, as an instant. */
const midnights = memo<number>(20_000);
const dayStart = (zone: string, date: string) => midnights(`${zone}\u0000${date}`, () => DateTime.fromISO(date, { zone }).startOf('day').toMillis());

/** BOOK-1: free slots in [from, to) for one host, any of several (round-robin) or all of them (collective). */
export function computeSlots(input: { rules: SlotRules; assignment: Assignment; hosts: HostAvailability[]; from: Date; to: Date; now: Date }): Slot[] {
  const { rules, hosts, from, to, now } = input;
  const free = new Map<number, string[]>();
  for (const h of hosts) {
    for (const t of hostSlots(rules, h, from, to, now)) {
      const list = free.get(t);
      if (!list) free.set(t, [h.userId]);
      else if (list[list.length - 1] !== h.userId) list.push(h.userId);
    }
  }
  const slots: Slot[] = [];
  for (const t of [...free.keys()].sort((a, b) => a - b)) {
    const hostUserIds = free.get(t)!;
    if (input.assignment === 'collective' && hostUserIds.length < hosts.length) continue;
    slots.push({ start: new Date(t), end: new Date(t + rules.durationMinutes * MINUTE), hostUserIds });
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
  const local = new Date(at.getTime() + offsetAt(zone, at.getTime())).toISOString();
  return { date: local.slice(0, 10), time: local.slice(11, 16) };
}
