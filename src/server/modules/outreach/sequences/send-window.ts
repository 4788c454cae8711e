import { DateTime } from 'luxon';

/** MAIL-2: sequence mail leaves on weekdays between 09:00 and 17:00 in the lead's own time zone. */
export const SEND_DAY_START_HOUR = 9;
export const SEND_DAY_END_HOUR = 17;

/** The first instant at or after `at` inside the window in one zone. */
function nextInZone(at: DateTime, zone: string): DateTime {
  let local = at.setZone(zone);
  for (let i = 0; i < 8; i++) {
    if (local.weekday <= 5 && local.hour < SEND_DAY_END_HOUR) {
      return local.hour >= SEND_DAY_START_HOUR ? local : local.set({ hour: SEND_DAY_START_HOUR, minute: 0, second: 0, millisecond: 0 });
    }
    local = local.plus({ days: 1 }).startOf('day');
  }
  return local;
}

/**
 * MAIL-2: the first instant at or after `at` that is a weekday 09:00–17:00 in every one of the
 * lead's possible zones (a phone region spanning several); when they never overlap, the first zone's.
 */
export function nextSendTime(at: Date, zones: string[]): Date {
  const start = DateTime.fromJSDate(at);
  if (!zones.length) return at;
  let t = start;
  for (let i = 0; i < 20; i++) {
    const next = DateTime.max(...zones.map((z) => nextInZone(t, z)))!;
    if (next.toMillis() === t.toMillis()) return t.toJSDate();
    t = next;
  }
  return nextInZone(start, zones[0]!).toJSDate();
}

export const DAY_MS = 86_400_000;
