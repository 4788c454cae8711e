import { DateTime } from 'luxon';

/** The n-th weekday after today in New York, at a wall time there, as an ISO instant (each test its own day). */
export function nyWeekday(n: number, time = '10:00'): string {
  let d = DateTime.now().setZone('America/New_York').startOf('day');
  for (let left = n; left > 0; ) {
    d = d.plus({ days: 1 });
    if (d.weekday <= 5) left--;
  }
  return DateTime.fromISO(`${d.toISODate()}T${time}`, { zone: 'America/New_York' }).toUTC().toISO()!;
}
