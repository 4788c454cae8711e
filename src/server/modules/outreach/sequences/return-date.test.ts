import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { readReturnDate } from './return-date';
import { nextSendTime } from './send-window';

/** Wednesday 2 December 2026, 10:00 UTC. */
const NOW = new Date('2026-12-02T10:00:00Z');
const local = (d: Date | null, zone: string) => (d ? DateTime.fromJSDate(d).setZone(zone).toISO({ suppressMilliseconds: true }) : null);

describe('out-of-office return dates', () => {
  it.each([
    ["I'm back on 14 December.", 'Europe/London', '2026-12-14T00:00:00+00:00'],
    ['Thank you for your email. I am returning Monday 7th and will answer then.', 'America/New_York', '2026-12-07T00:00:00-05:00'],
    ['Ich bin bis zum 3.1. nicht im Büro und lese keine E-Mails.', 'Europe/Berlin', '2027-01-04T00:00:00+01:00'],
    ['Ich bin ab dem 7. Januar wieder da.', 'Europe/Berlin', '2027-01-07T00:00:00+01:00'],
    ['Abwesend vom 01.12.2026 bis 06.01.2027.', 'Europe/Vienna', '2027-01-07T00:00:00+01:00'],
    ['Out of office. Back 2027-01-05.', 'UTC', '2027-01-05T00:00:00Z'],
    ['I am out of the office until 2027-01-05.', 'Asia/Kolkata', '2027-01-06T00:00:00+05:30'],
    ['I will be out until Friday, returning on Jan 4. For anything urgent call Sam.', 'UTC', '2027-01-04T00:00:00Z'],
    ["I'm away from 1 Dec to 10 Dec.", 'UTC', '2026-12-11T00:00:00Z'],
    ['Je serai de retour le 5 janvier.', 'Europe/Paris', '2027-01-05T00:00:00+01:00'],
    ['I am on holiday and back on Thursday. Our shop closes on 24 December.', 'UTC', '2026-12-03T00:00:00Z'],
  ])('MAIL-2 reads the return day from "%s" (%s)', (text, zone, expected) => {
    expect(local(readReturnDate(text, zone, NOW), zone)).toBe(expected);
  });

  it('MAIL-2 "tomorrow" and "until Friday" are the writer\'s own: the same instant is another day in Auckland than in Los Angeles', () => {
    const at = new Date('2026-12-02T12:30:00Z'); // Thu 01:30 in Auckland, Wed 04:30 in Los Angeles
    expect(local(readReturnDate('Back tomorrow.', 'Pacific/Auckland', at), 'Pacific/Auckland')).toBe('2026-12-04T00:00:00+13:00');
    expect(local(readReturnDate('Back tomorrow.', 'America/Los_Angeles', at), 'America/Los_Angeles')).toBe('2026-12-03T00:00:00-08:00');
    // Away through Friday: back on Saturday there, so the next send window is Monday 09:00 in their zone.
    const back = readReturnDate('Out of office until Friday.', 'Pacific/Auckland', at)!;
    expect(local(back, 'Pacific/Auckland')).toBe('2026-12-05T00:00:00+13:00');
    expect(local(nextSendTime(back, ['Pacific/Auckland']), 'Pacific/Auckland')).toBe('2026-12-07T09:00:00+13:00');
  });

  it.each([
    ['I am out of the office until further notice.'],
    ['Out of office until 2026-11-30.'], // in the past
    ['Back on 1 March 2031.'], // beyond half a year: not believed
    [''],
  ])('MAIL-2 no return date is read from "%s" (the 7-day fallback applies)', (text) => {
    expect(readReturnDate(text, 'Europe/London', NOW)).toBeNull();
  });

  it('MAIL-2 an unknown time zone reads the date in UTC rather than failing', () => {
    expect(local(readReturnDate("I'm back on 14 December.", 'Mars/Olympus_Mons', NOW), 'UTC')).toBe('2026-12-14T00:00:00Z');
  });
});
