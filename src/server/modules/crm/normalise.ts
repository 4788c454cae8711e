import { domainToASCII } from 'node:url';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { FieldErrors } from '../../platform/http/field-errors';

/** Moved down to the platform (every module checks fields and escapes LIKE); re-exported for the CRM's own files. */
export { FieldErrors, invalidFields } from '../../platform/http/field-errors';
export { escapeLike } from '../../platform/db/escape-like';

/** One phone number as E.164, or null when it is not a possible number. Numbers without a country code take `region`. */
export function toE164(input: string, region: string | null): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), region ? { defaultCountry: region as CountryCode } : undefined);
  return parsed?.isValid() ? parsed.number : null;
}

/** CRM-1: phones to E.164, duplicates dropped, order (primary first) kept. */
export function normalisePhones(phones: string[], region: string | null, field: string, errors: FieldErrors): string[] {
  const out: string[] = [];
  phones.forEach((p, i) => {
    const e164 = toE164(p, region);
    if (!e164) errors.add(`${field}.${i}`, region ? 'Not a valid phone number.' : 'Not a valid phone number; include the country code, like +1 512 555 0100.');
    else if (!out.includes(e164)) out.push(e164);
  });
  return out;
}

/** CRM-1: emails arrive trimmed and lower-cased by the contract; duplicates dropped, primary first. */
export const normaliseEmails = (emails: string[]): string[] => [...new Set(emails)];

/** CRM-2: "https://www.Example.com/about" → "example.com". Null when nothing host-like is left. */
export function normaliseDomain(input: string): string | null {
  let host = input.trim().toLowerCase();
  host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  host = host.replace(/^[^@/]*@/, ''); // user info
  host = host.split(/[/?#]/, 1)[0]!;
  host = host.replace(/:\d+$/, '').replace(/\.$/, '');
  host = host.replace(/^www\d*\./, '');
  host = domainToASCII(host) || host;
  const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
  const parts = host.split('.');
  if (parts.length < 2 || host.length > 253 || !parts.every((p) => label.test(p))) return null;
  return host;
}
