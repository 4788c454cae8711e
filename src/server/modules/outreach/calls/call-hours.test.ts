import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { callWindow, resolveZones, zoneOfPostalCode, zonesOfPhone } from './call-hours';
import { registryLineToE164 } from './dnc-numbers';

const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });
const facts = (over: Partial<Parameters<typeof resolveZones>[0]>) => ({ timeZone: null, phone: null, postalCode: null, country: null, ...over });

describe('CALL-3 calling hours', () => {
  it('CALL-3 08:00 in New York on the spring-forward day is 12:00 UTC, not 13:00 (DST starts at 02:00 that morning)', () => {
    const ny = ['America/New_York'];
    expect(callWindow(ny, utc('2026-03-08T12:00:00Z')).allowed).toBe(true);
    // The day before, still on EST: 12:00 UTC is 07:00, and the window opens at 13:00 UTC.
    const before = callWindow(ny, utc('2026-03-07T12:00:00Z'));
    expect(before.allowed).toBe(false);
    expect(before.opensAt!.toUTC().toISO()).toBe('2026-03-07T13:00:00.000Z');
    // Late on the spring-forward day: 20:59 EDT allowed, 21:00 EDT not.
    expect(callWindow(ny, utc('2026-03-09T00:59:00Z')).allowed).toBe(true);
    expect(callWindow(ny, utc('2026-03-09T01:00:00Z')).allowed).toBe(false);
  });

  it('CALL-3 on the fall-back day 12:30 UTC is 07:30 in New York (not offered) and hours open at 13:00 UTC', () => {
    const ny = ['America/New_York'];
    expect(callWindow(ny, utc('2026-10-31T12:30:00Z')).allowed).toBe(true);
    const sunday = callWindow(ny, utc('2026-11-01T12:30:00Z'));
    expect(sunday.allowed).toBe(false);
    expect(sunday.opensAt!.toUTC().toISO()).toBe('2026-11-01T13:00:00.000Z');
  });

  it('CALL-3 a contact in London across the UK change (29 March 2026) follows BST', () => {
    const london = ['Europe/London'];
    expect(callWindow(london, utc('2026-03-28T07:30:00Z')).allowed).toBe(false);
    expect(callWindow(london, utc('2026-03-29T07:30:00Z')).allowed).toBe(true);
  });

  it('CALL-3 a number spanning several zones is offered only when the hour is allowed in all of them', () => {
    const both = ['America/New_York', 'America/Los_Angeles'];
    // 10:00 in New York, 07:00 in Los Angeles.
    const morning = callWindow(both, utc('2026-06-01T14:00:00Z'));
    expect(morning.allowed).toBe(false);
    expect(morning.opensAt!.toUTC().toISO()).toBe('2026-06-01T15:00:00.000Z');
    expect(callWindow(both, utc('2026-06-01T15:00:00Z')).allowed).toBe(true);
    // 20:30 / 17:30: allowed; 21:30 / 18:30: not, and the next opening is 08:00 in Los Angeles.
    expect(callWindow(both, utc('2026-06-02T00:30:00Z')).allowed).toBe(true);
    const evening = callWindow(both, utc('2026-06-02T01:30:00Z'));
    expect(evening.allowed).toBe(false);
    expect(evening.opensAt!.toUTC().toISO()).toBe('2026-06-02T15:00:00.000Z');
  });

  it('CALL-3 zones whose calling hours never overlap are never offered, with no opening time', () => {
    // Eight hours apart each (UTC, UTC+8, UTC−8 in January): three 13-hour windows with no common hour.
    const spread = ['UTC', 'Asia/Shanghai', 'America/Los_Angeles'];
    for (const at of ['2026-01-15T00:00:00Z', '2026-01-15T09:00:00Z', '2026-01-15T17:30:00Z']) expect(callWindow(spread, utc(at))).toEqual({ allowed: false, opensAt: null });
    // Two of them do share hours: 08:00–13:00 UTC is 16:00–21:00 in Shanghai.
    expect(callWindow(spread.slice(0, 2), utc('2026-01-15T12:00:00Z')).allowed).toBe(true);
  });

  it("CALL-3 the zone comes from the contact's own field first, then the phone number's region, then the US ZIP code", async () => {
    expect(await resolveZones(facts({ timeZone: 'Asia/Kolkata', phone: '+13125550100' }))).toEqual({ zones: ['Asia/Kolkata'], source: 'contact' });
    expect(await resolveZones(facts({ phone: '+13125550100', postalCode: '10001' }))).toEqual({ zones: ['America/Chicago'], source: 'phone' });
    expect(await resolveZones(facts({ phone: '+442071234567' }))).toEqual({ zones: ['Europe/London'], source: 'phone' });
    expect(await resolveZones(facts({ postalCode: '96813', country: 'US' }))).toEqual({ zones: ['Pacific/Honolulu'], source: 'postal_code' });
    expect(await resolveZones(facts({ postalCode: '59801-1234' }))).toEqual({ zones: ['America/Denver'], source: 'postal_code' });
    // A postal code outside the US is not read as a ZIP code; with nothing else the zone is unknown.
    expect(await resolveZones(facts({ postalCode: '10001', country: 'IN' }))).toBeNull();
    expect(await resolveZones(facts({ timeZone: 'Mars/Olympus' }))).toBeNull();
  });

  it('CALL-3 a number whose region spans several zones takes the ZIP code when it names one of them', async () => {
    const spread = await zonesOfPhone('+15551234567');
    expect(spread.length).toBeGreaterThan(1);
    expect(await resolveZones(facts({ phone: '+15551234567' }))).toMatchObject({ source: 'phone', zones: spread });
    expect(await resolveZones(facts({ phone: '+15551234567', postalCode: '98101' }))).toEqual({ zones: ['America/Los_Angeles'], source: 'postal_code' });
    expect(zoneOfPostalCode('ABC', null)).toBeNull();
  });
});

describe('CALL-2 national registry lines', () => {
  it('CALL-2 reads both FTC full-list line shapes (area code + number, run together or comma-separated) and nothing else', () => {
    expect(registryLineToE164('2015550123')).toBe('+12015550123');
    expect(registryLineToE164('201,5550123')).toBe('+12015550123');
    expect(registryLineToE164(' 201, 5550123\r')).toBe('+12015550123');
    expect(registryLineToE164('AreaCode,PhoneNumber')).toBeNull();
    expect(registryLineToE164('1015550123')).toBeNull();
    expect(registryLineToE164('201,555012')).toBeNull();
  });
});
