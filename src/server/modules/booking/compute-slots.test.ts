import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { computeSlots, explainStart, isoWeek, isValidTimeZone, localParts, type HostAvailability, type SlotRules } from './compute-slots';

const rules = (over: Partial<SlotRules> = {}): SlotRules => ({
  durationMinutes: 30,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  minNoticeMinutes: 0,
  slotIntervalMinutes: 30,
  window: { kind: 'rolling', days: 365 },
  dailyCap: null,
  weeklyCap: null,
  seats: 1,
  ...over,
});
const everyDay = (start: string, end: string) => [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start, end }));
const host = (timeZone: string, over: Partial<HostAvailability> = {}): HostAvailability => ({
  userId: over.userId ?? 'h1',
  schedule: { timeZone, weekly: everyDay('09:00', '12:00'), overrides: [] },
  busy: [],
  bookedPerDay: {},
  ...over,
});
const d = (iso: string) => new Date(iso);
const iso = (slots: { start: Date }[]) => slots.map((s) => s.start.toISOString());
const longAgo = d('2026-01-01T00:00:00Z');

describe('slot computation', () => {
  it('BOOK-1 New York springs forward on 2026-03-08: the 02:00–03:00 hour does not exist, so 01:00–04:00 holds four half-hour slots', () => {
    const h = host('America/New_York', { schedule: { timeZone: 'America/New_York', weekly: everyDay('01:00', '04:00'), overrides: [] } });
    const slots = computeSlots({ rules: rules(), assignment: 'single', hosts: [h], from: d('2026-03-08T00:00:00Z'), to: d('2026-03-09T00:00:00Z'), now: longAgo });
    expect(iso(slots)).toEqual(['2026-03-08T06:00:00.000Z', '2026-03-08T06:30:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-08T07:30:00.000Z']);
    expect(slots.map((s) => localParts(s.start, 'America/New_York').time)).toEqual(['01:00', '01:30', '03:00', '03:30']);
    // The day before, the same hours are six slots, an hour later in UTC.
    const before = computeSlots({ rules: rules(), assignment: 'single', hosts: [h], from: d('2026-03-07T05:00:00Z'), to: d('2026-03-08T05:00:00Z'), now: longAgo });
    expect(iso(before)[0]).toBe('2026-03-07T06:00:00.000Z');
    expect(before).toHaveLength(6);
  });

  it('BOOK-1 New York falls back on 2026-11-01: 01:00–04:00 is four real hours, eight slots, 01:00 and 01:30 shown twice', () => {
    const h = host('America/New_York', { schedule: { timeZone: 'America/New_York', weekly: everyDay('01:00', '04:00'), overrides: [] } });
    const slots = computeSlots({ rules: rules(), assignment: 'single', hosts: [h], from: d('2026-11-01T04:00:00Z'), to: d('2026-11-02T04:00:00Z'), now: longAgo });
    expect(slots).toHaveLength(8);
    expect(iso(slots)[0]).toBe('2026-11-01T05:00:00.000Z');
    expect(slots.map((s) => localParts(s.start, 'America/New_York').time)).toEqual(['01:00', '01:30', '01:00', '01:30', '02:00', '02:30', '03:00', '03:30']);
    // Every slot lasts exactly its duration in real time.
    for (const s of slots) expect(s.end.getTime() - s.start.getTime()).toBe(30 * 60_000);
  });

  it('BOOK-1 a London visitor on 2026-03-29 (clocks go forward there) sees a New York host’s 09:00 as 14:00, the day before as 13:00', () => {
    const h = host('America/New_York', { schedule: { timeZone: 'America/New_York', weekly: everyDay('09:00', '09:30'), overrides: [] } });
    const slots = computeSlots({ rules: rules(), assignment: 'single', hosts: [h], from: d('2026-03-28T00:00:00Z'), to: d('2026-03-30T00:00:00Z'), now: longAgo });
    expect(slots.map((s) => localParts(s.start, 'Europe/London'))).toEqual([
      { date: '2026-03-28', time: '13:00' },
      { date: '2026-03-29', time: '14:00' },
    ]);
  });

  it('BOOK-1 a London host on 2026-03-29: 00:30–02:30 local is one real hour and a half (01:00–02:00 skipped)', () => {
    const h = host('Europe/London', { schedule: { timeZone: 'Europe/London', weekly: everyDay('00:30', '02:30'), overrides: [] } });
    const slots = computeSlots({ rules: rules(), assignment: 'single', hosts: [h], from: d('2026-03-29T00:00:00Z'), to: d('2026-03-29T23:00:00Z'), now: longAgo });
    expect(iso(slots)).toEqual(['2026-03-29T00:30:00.000Z', '2026-03-29T01:00:00.000Z']);
    expect(slots.map((s) => localParts(s.start, 'Europe/London').time)).toEqual(['00:30', '02:00']);
  });

  it('BOOK-1 several intervals a day, a day off and a changed day by date override', () => {
    const h = host('Europe/Berlin', {
      schedule: {
        timeZone: 'Europe/Berlin',
        weekly: [
          { weekday: 1, start: '09:00', end: '10:00' },
          { weekday: 1, start: '14:00', end: '15:00' },
          { weekday: 2, start: '09:00', end: '10:00' },
        ],
        overrides: [
          { date: '2026-06-01', intervals: [] },
          { date: '2026-06-09', intervals: [{ start: '16:00', end: '17:00' }] },
        ],
      },
    });
    const slots = computeSlots({ rules: rules({ durationMinutes: 60, slotIntervalMinutes: 60 }), assignment: 'single', hosts: [h], from: d('2026-06-01T00:00:00Z'), to: d('2026-06-10T00:00:00Z'), now: longAgo });
    expect(slots.map((s) => `${localParts(s.start, 'Europe/Berlin').date} ${localParts(s.start, 'Europe/Berlin').time}`)).toEqual([
      '2026-06-02 09:00',
      '2026-06-08 09:00',
      '2026-06-08 14:00',
      '2026-06-09 16:00',
    ]);
  });

  it('BOOK-1 buffers keep a slot away from busy time on both sides; minimum notice and the rolling window cut the ends', () => {
    const h = host('UTC', { busy: [{ start: d('2026-06-02T10:00:00Z'), end: d('2026-06-02T10:30:00Z') }] });
    const r = rules({ bufferBeforeMinutes: 10, bufferAfterMinutes: 10, minNoticeMinutes: 60, window: { kind: 'rolling', days: 2 } });
    const now = d('2026-06-01T09:05:00Z');
    const slots = computeSlots({ rules: r, assignment: 'single', hosts: [h], from: d('2026-06-01T00:00:00Z'), to: d('2026-06-10T00:00:00Z'), now });
    const times = iso(slots);
    // Notice: nothing before 10:05 on the first day; the window: nothing from 2026-06-03.
    expect(times[0]).toBe('2026-06-01T10:30:00.000Z');
    expect(times.every((t) => t < '2026-06-03')).toBe(true);
    // 09:30 ends 10:00 + 10 min buffer overlaps the busy half hour; 10:30 starts inside its buffer too.
    expect(times).not.toContain('2026-06-02T09:30:00.000Z');
    expect(times).not.toContain('2026-06-02T10:30:00.000Z');
    expect(times).toContain('2026-06-02T09:00:00.000Z');
    expect(times).toContain('2026-06-02T11:00:00.000Z');
    expect(explainStart({ rules: r, hosts: [h], start: d('2026-06-01T08:00:00Z'), now })).toBe('in_the_past');
    expect(explainStart({ rules: r, hosts: [h], start: d('2026-06-01T09:30:00Z'), now })).toBe('inside_minimum_notice');
    expect(explainStart({ rules: r, hosts: [h], start: d('2026-06-05T09:00:00Z'), now })).toBe('beyond_window');
    expect(explainStart({ rules: r, hosts: [h], start: d('2026-06-02T13:00:00Z'), now })).toBe('outside_availability');
    expect(explainStart({ rules: r, hosts: [h], start: d('2026-06-02T09:10:00Z'), now })).toBe('outside_availability');
    expect(explainStart({ rules: r, hosts: [h], start: d('2026-06-02T11:00:00Z'), now })).toBeNull();
  });

  it('BOOK-1 a date-range window and daily and weekly caps', () => {
    const h = host('UTC', { bookedPerDay: { '2026-06-02': 2, '2026-06-03': 1 } });
    const r = rules({ window: { kind: 'range', start: '2026-06-02', end: '2026-06-04' }, dailyCap: 2 });
    const slots = computeSlots({ rules: r, assignment: 'single', hosts: [h], from: d('2026-06-01T00:00:00Z'), to: d('2026-06-10T00:00:00Z'), now: longAgo });
    expect([...new Set(slots.map((s) => localParts(s.start, 'UTC').date))]).toEqual(['2026-06-03', '2026-06-04']);
    const weekly = computeSlots({ rules: rules({ weeklyCap: 3 }), assignment: 'single', hosts: [h], from: d('2026-06-01T00:00:00Z'), to: d('2026-06-15T00:00:00Z'), now: longAgo });
    // Three booked in the week of 2026-06-01: none that week, the next week is open.
    expect(localParts(weekly[0]!.start, 'UTC').date).toBe('2026-06-08');
  });

  it('BOOK-1 round-robin offers a time when any member is free; collective only when all are', () => {
    const a = host('UTC', { userId: 'a', busy: [{ start: d('2026-06-02T09:00:00Z'), end: d('2026-06-02T09:30:00Z') }] });
    const b = host('UTC', { userId: 'b', busy: [{ start: d('2026-06-02T10:00:00Z'), end: d('2026-06-02T10:30:00Z') }] });
    const args = { rules: rules(), hosts: [a, b], from: d('2026-06-02T00:00:00Z'), to: d('2026-06-03T00:00:00Z'), now: longAgo };
    const rr = computeSlots({ ...args, assignment: 'round_robin' });
    expect(rr).toHaveLength(6);
    expect(rr[0]!.hostUserIds).toEqual(['b']);
    expect(rr[2]!.hostUserIds).toEqual(['a']);
    const all = computeSlots({ ...args, assignment: 'collective' });
    expect(iso(all)).toEqual(['2026-06-02T09:30:00.000Z', '2026-06-02T10:30:00.000Z', '2026-06-02T11:00:00.000Z', '2026-06-02T11:30:00.000Z']);
  });

  it('BOOK-1 a group session with seats left stays offered though its own time is held; a full one does not', () => {
    const start = d('2026-06-02T09:00:00Z').getTime();
    const held = [{ start: d('2026-06-02T09:00:00Z'), end: d('2026-06-02T09:30:00Z') }, { start: d('2026-06-02T09:30:00Z'), end: d('2026-06-02T10:00:00Z') }];
    const h = host('UTC', { busy: held, sessions: { [start]: 2, [start + 30 * 60_000]: 0 } });
    const slots = computeSlots({ rules: rules({ seats: 3 }), assignment: 'single', hosts: [h], from: d('2026-06-02T00:00:00Z'), to: d('2026-06-02T10:30:00Z'), now: longAgo });
    expect(iso(slots)).toEqual(['2026-06-02T09:00:00.000Z', '2026-06-02T10:00:00.000Z']);
  });

  it('BOOK-1 local dates and times agree with the IANA database in zones with odd offsets and DST (Kathmandu +05:45, Lord Howe’s half-hour DST, Chatham, New York)', () => {
    const zones = ['Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/New_York', 'America/St_Johns', 'UTC'];
    // Every 7 h 13 min through 2026, so every hour of the day and both DST changes are crossed.
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += (7 * 60 + 13) * 60_000) {
      for (const zone of zones) {
        const luxon = DateTime.fromMillis(t, { zone });
        expect(localParts(new Date(t), zone)).toEqual({ date: luxon.toISODate(), time: luxon.toFormat('HH:mm') });
      }
    }
  });

  it('BOOK-1 overlapping and unsorted busy times (bookings and calendar events mixed) block every slot they touch, and only those', () => {
    const busy = [
      { start: d('2026-06-02T11:00:00Z'), end: d('2026-06-02T11:20:00Z') },
      { start: d('2026-06-02T09:00:00Z'), end: d('2026-06-02T09:45:00Z') },
      { start: d('2026-06-02T09:10:00Z'), end: d('2026-06-02T09:20:00Z') },
      { start: d('2026-06-01T23:00:00Z'), end: d('2026-06-02T09:05:00Z') },
    ];
    const h = host('UTC', { busy });
    const slots = computeSlots({ rules: rules({ bufferAfterMinutes: 5 }), assignment: 'single', hosts: [h], from: d('2026-06-02T00:00:00Z'), to: d('2026-06-03T00:00:00Z'), now: longAgo });
    // 10:30 + 30 min + 5 min after-buffer reaches into 11:00; 11:30 is clear of 11:20.
    expect(iso(slots)).toEqual(['2026-06-02T10:00:00.000Z', '2026-06-02T11:30:00.000Z']);
  });

  it('BOOK-1 the weekly cap counts ISO weeks across a new year (2026-12-28 … 2027-01-03 is one week)', () => {
    expect(isoWeek('2026-12-28')).toBe(isoWeek('2027-01-03'));
    expect(isoWeek('2027-01-04')).not.toBe(isoWeek('2027-01-03'));
    for (const date of ['2026-01-01', '2026-06-15', '2027-01-01', '2020-12-31', '2021-01-04']) {
      const dt = DateTime.fromISO(date);
      expect(isoWeek(date)).toBe(`${dt.weekYear}-W${dt.weekNumber}`);
    }
    const h = host('UTC', { bookedPerDay: { '2026-12-29': 2, '2027-01-02': 1 } });
    const slots = computeSlots({ rules: rules({ weeklyCap: 3, window: { kind: 'rolling', days: 800 } }), assignment: 'single', hosts: [h], from: d('2026-12-28T00:00:00Z'), to: d('2027-01-06T00:00:00Z'), now: longAgo });
    expect(localParts(slots[0]!.start, 'UTC').date).toBe('2027-01-04');
  });

  it('BOOK-1 IANA zones only', () => {
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('EST5EDT; DROP')).toBe(false);
  });
});
