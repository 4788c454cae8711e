import { describe, expect, it } from 'vitest';
import { nextSendTime } from './send-window';

const at = (iso: string) => new Date(iso);

describe('sequence send window', () => {
  it("MAIL-2 a step due outside weekdays 09–17 in the lead's own zone waits for the next opening", () => {
    // Wednesday 10:00 in New York: inside.
    expect(nextSendTime(at('2026-12-02T15:00:00Z'), ['America/New_York']).toISOString()).toBe('2026-12-02T15:00:00.000Z');
    // Wednesday 07:00 in New York: 09:00 the same day.
    expect(nextSendTime(at('2026-12-02T12:00:00Z'), ['America/New_York']).toISOString()).toBe('2026-12-02T14:00:00.000Z');
    // Friday 17:30 in Kolkata: Monday 09:00 there.
    expect(nextSendTime(at('2026-12-04T12:00:00Z'), ['Asia/Kolkata']).toISOString()).toBe('2026-12-07T03:30:00.000Z');
    // Saturday noon UTC in Auckland is Sunday 01:00: Monday 09:00 there.
    expect(nextSendTime(at('2026-12-05T12:00:00Z'), ['Pacific/Auckland']).toISOString()).toBe('2026-12-06T20:00:00.000Z');
  });

  it('MAIL-2 a lead whose phone region spans several zones is mailed when it is working hours in all of them', () => {
    // Wednesday 14:00 UTC: 09:00 in New York but 06:00 in Los Angeles → 09:00 Los Angeles (17:00 UTC), 12:00 New York.
    expect(nextSendTime(at('2026-12-02T14:00:00Z'), ['America/New_York', 'America/Los_Angeles']).toISOString()).toBe('2026-12-02T17:00:00.000Z');
  });
});
