import { emailAddressPattern, normaliseEmail } from '../accounts/accounts.contract';
import { consentStates, lifecycleStages } from '../crm/crm.contract';
import { normaliseDomain, toE164 } from '../crm';
import type { ImportMapping, ImportObject } from './imports.contract';
import { REPLACEMENT } from './read-file';
import type { CustomFieldInfo } from './targets';

/**
 * CRM-7: one file row → the values it will be stored with, or the reasons it cannot be. Runs
 * once per row of a file of a million, so it does no I/O: everything it needs is loaded first.
 */

export interface RowProblem {
  column: string | null;
  reason: string;
  value?: string;
}

/** Normalised values by target key; lists for emails, phones and tags. */
export type RowValues = Record<string, string | string[] | null> & { custom?: Record<string, unknown> };

export type RowResult = { ok: true; values: RowValues; key: string | null } | { ok: false; problems: RowProblem[]; values: RowValues };

export interface RowContext {
  object: ImportObject;
  mapping: ImportMapping;
  headers: string[];
  customFields: CustomFieldInfo[];
  /** The workspace's country: phone numbers without a country code are read as local to it. */
  region: string | null;
  /** Team members (not clients) by lower-cased email and by id. */
  members: Map<string, string>;
  /** Team members by lower-cased name (what an export's Owner column holds); null when two share a name. */
  memberNames?: Map<string, string | null>;
  dedupeKey: 'email' | 'phone' | 'domain' | 'none';
  /** CRM-10: the owner a territory rule gives a place, when the row names none. */
  territoryOwner?: ((place: { postalCode?: string | null; city?: string | null; state?: string | null; country?: string | null }) => string | null) | null;
  /** Records without any owner go to the person importing. */
  importerId: string | null;
}

const emailPattern = emailAddressPattern;
// eslint-disable-next-line no-control-regex
const controls = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const clean = (s: string) => s.replace(controls, '').trim();

/**
 * A cell our own export (CRM-8, csv.ts) neutralised — `'` before a leading = + - @ tab or CR, so a
 * spreadsheet does not run it — read back as the text it was: `'+15125550100` → `+15125550100`.
 */
export const unneutralise = (s: string) => (s.length > 1 && s.charCodeAt(0) === 39 && /^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s);

const countryCodes = (() => {
  const map = new Map<string, string>();
  const names = new Intl.DisplayNames(['en'], { type: 'region' });
  for (let a = 65; a <= 90; a++)
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      const name = names.of(code);
      if (name && name !== code) {
        map.set(code.toLowerCase(), code);
        map.set(name.toLowerCase(), code);
      }
    }
  for (const [alias, code] of [['usa', 'US'], ['united states of america', 'US'], ['uk', 'GB'], ['great britain', 'GB'], ['england', 'GB'], ['america', 'US']] as const) map.set(alias, code);
  return map;
})();

const timeZones = new Map<string, boolean>();
function isTimeZone(tz: string): boolean {
  let ok = timeZones.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    if (timeZones.size < 1000) timeZones.set(tz, ok);
  }
  return ok;
}

const consentWords: Record<string, (typeof consentStates)[number]> = {
  granted: 'granted', yes: 'granted', y: 'granted', true: 'granted', '1': 'granted', 'opted in': 'granted', 'opt in': 'granted', subscribed: 'granted',
  denied: 'denied', no: 'denied', n: 'denied', false: 'denied', '0': 'denied', 'opted out': 'denied', 'opt out': 'denied', unsubscribed: 'denied',
  withdrawn: 'withdrawn', unknown: 'unknown',
};
const truthy = new Set(['true', 'yes', 'y', '1', 'x', '✓', 'checked', 'on']);
const falsy = new Set(['false', 'no', 'n', '0', '', 'unchecked', 'off']);

const maxLength: Record<string, number> = {
  firstName: 100, lastName: 100, name: 200, title: 200, companyName: 200, addressLine1: 200, addressLine2: 200,
  city: 100, state: 100, postalCode: 20, source: 100, industry: 100, size: 50,
};

function parseNumber(raw: string): number | null {
  const s = raw.replace(/[\s$€£¥₹]/g, '');
  // 1,234.56 (commas as thousands) or 1234,56 (a comma as the decimal mark).
  const normalised = /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s) ? s.replace(/,/g, '') : /^-?\d+,\d+$/.test(s) ? s.replace(',', '.') : s;
  if (!/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(normalised)) return null;
  const n = Number(normalised);
  return Number.isFinite(n) ? n : null;
}

function parseDate(raw: string): string | null {
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$/.exec(raw);
  if (!m) return null;
  const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(iso) ? iso : null;
}

/** A custom field's cell as the stored value, or why it cannot be. */
function customValue(def: CustomFieldInfo, raw: string, region: string | null): { value: unknown } | { error: string } {
  switch (def.type) {
    case 'text':
      return raw.length <= 10_000 ? { value: raw } : { error: 'Longer than 10,000 characters.' };
    case 'number': {
      const n = parseNumber(raw);
      return n === null ? { error: 'Not a number.' } : { value: n };
    }
    case 'currency': {
      const n = parseNumber(raw);
      return n !== null && Math.abs(n) < 1e12 && Math.abs(n * 100 - Math.round(n * 100)) < 1e-6 ? { value: n } : { error: 'Not an amount with at most 2 decimals.' };
    }
    case 'date': {
      const d = parseDate(raw);
      return d ? { value: d } : { error: 'Not a date like 2026-03-31.' };
    }
    case 'checkbox': {
      const v = raw.toLowerCase();
      return truthy.has(v) ? { value: true } : falsy.has(v) ? { value: false } : { error: 'Expected yes or no.' };
    }
    case 'select': {
      const found = def.options.find((o) => o.toLowerCase() === raw.toLowerCase());
      return found ? { value: found } : { error: `Expected one of: ${def.options.join(', ')}.` };
    }
    case 'multi_select': {
      const out: string[] = [];
      for (const part of raw.split(/[,;]/).map((p) => p.trim()).filter(Boolean)) {
        const found = def.options.find((o) => o.toLowerCase() === part.toLowerCase());
        if (!found) return { error: `"${part}" is not one of: ${def.options.join(', ')}.` };
        if (!out.includes(found)) out.push(found);
      }
      return { value: out };
    }
    case 'url': {
      try {
        const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
        return url.protocol === 'http:' || url.protocol === 'https:' ? { value: url.toString() } : { error: 'Not a web address.' };
      } catch {
        return { error: 'Not a web address.' };
      }
    }
    case 'email': {
      const e = normaliseEmail(raw);
      return e.length <= 254 && emailPattern.test(e) ? { value: e } : { error: 'Not a valid email address.' };
    }
    case 'phone': {
      const p = toE164(raw, region);
      return p ? { value: p } : { error: 'Not a valid phone number.' };
    }
  }
}

/** Returns a function that checks and normalises one row of cells. */
export function rowNormaliser(ctx: RowContext): (cells: string[]) => RowResult {
  const customByKey = new Map(ctx.customFields.map((f) => [f.key, f]));
  const mapped = ctx.mapping.filter((m) => m.target !== null && m.column < Math.max(ctx.headers.length, 1000));
  const header = (column: number) => ctx.headers[column] ?? `Column ${column + 1}`;
  const required = ctx.customFields.filter((f) => f.required && mapped.some((m) => m.target === `custom:${f.key}`));

  return (cells) => {
    const values: RowValues = {};
    const problems: RowProblem[] = [];
    const emails: string[] = [];
    const phones: string[] = [];
    const tags: string[] = [];
    const custom: Record<string, unknown> = {};
    let any = false;
    let fullName: string | null = null;

    for (const { column, target } of mapped) {
      const raw0 = cells[column];
      if (raw0 === undefined) continue;
      const raw = clean(unneutralise(raw0));
      if (!raw) continue;
      any = true;
      const col = header(column);
      if (raw.includes(REPLACEMENT)) {
        problems.push({ column: col, reason: 'The text here could not be read: the file is not valid UTF-8 at this row (broken encoding). Save the file as UTF-8 (CSV UTF-8 in Excel) and import it again.', value: raw });
        continue;
      }
      const t = target!;
      if (t.startsWith('custom:')) {
        const def = customByKey.get(t.slice(7));
        if (!def) continue;
        const r = customValue(def, raw, ctx.region);
        if ('error' in r) problems.push({ column: col, reason: `${def.label}: ${r.error}`, value: raw });
        else custom[def.key] = r.value;
        continue;
      }
      switch (t) {
        case 'email':
          for (const part of raw.split(/[\s,;]+/).filter(Boolean)) {
            const e = normaliseEmail(part).replace(/^mailto:/, '');
            if (e.length > 254 || !emailPattern.test(e)) problems.push({ column: col, reason: 'Not a valid email address.', value: part });
            else if (!emails.includes(e)) emails.push(e);
          }
          break;
        case 'phone':
          for (const part of raw.split(/[,;/|]+/).map((p) => p.trim()).filter(Boolean)) {
            const p = toE164(part, ctx.region);
            if (!p) problems.push({ column: col, reason: ctx.region ? 'Not a valid phone number.' : 'Not a valid phone number; include the country code, like +1 512 555 0100.', value: part });
            else if (!phones.includes(p)) phones.push(p);
          }
          break;
        case 'tags':
          for (const part of raw.split(/[,;]/).map((p) => p.trim()).filter(Boolean)) {
            if (part.length > 60) problems.push({ column: col, reason: 'A tag is longer than 60 characters.', value: part });
            else if (!tags.some((x) => x.toLowerCase() === part.toLowerCase())) tags.push(part);
          }
          break;
        case 'name': {
          if (raw.length > maxLength.name!) {
            problems.push({ column: col, reason: `Longer than ${maxLength.name} characters.`, value: raw });
            break;
          }
          if (ctx.object === 'companies') values.name = raw;
          // Split after every column is read: first and last name columns, when there, say it better.
          else fullName ??= raw;
          break;
        }
        case 'domain': {
          const d = normaliseDomain(raw);
          if (!d) problems.push({ column: col, reason: 'Not a domain or web address.', value: raw });
          else values.domain = d;
          break;
        }
        case 'country': {
          const code = countryCodes.get(raw.toLowerCase());
          if (!code) problems.push({ column: col, reason: 'Not a country: use a name or a two-letter code such as US or IN.', value: raw });
          else values.country = code;
          break;
        }
        case 'timeZone':
          if (!isTimeZone(raw)) problems.push({ column: col, reason: 'Unknown time zone; use a name like America/Chicago.', value: raw });
          else values.timeZone = raw;
          break;
        case 'owner': {
          const key = raw.normalize('NFC').toLowerCase();
          const id = ctx.members.get(key) ?? ctx.memberNames?.get(key.replace(/\s+/g, ' '));
          if (id === null) problems.push({ column: col, reason: `More than one team member is called ${raw}: use the owner's email address instead.`, value: raw });
          else if (!id) problems.push({ column: col, reason: 'Not a team member of this workspace: use their name or email address.', value: raw });
          else values.owner = id;
          break;
        }
        case 'restricted': {
          const v = raw.toLowerCase();
          if (truthy.has(v)) values.restricted = 'true';
          else if (falsy.has(v)) values.restricted = 'false';
          else problems.push({ column: col, reason: 'Expected yes or no.', value: raw });
          break;
        }
        case 'lifecycle': {
          const v = raw.toLowerCase();
          if (!(lifecycleStages as readonly string[]).includes(v)) problems.push({ column: col, reason: `Expected one of: ${lifecycleStages.join(', ')}.`, value: raw });
          else values.lifecycle = v;
          break;
        }
        case 'consentState': {
          const v = consentWords[raw.toLowerCase().replace(/[-_]/g, ' ')];
          if (!v) problems.push({ column: col, reason: 'Expected granted, denied, withdrawn or unknown (or yes / no).', value: raw });
          else values.consentState = v;
          break;
        }
        default: {
          const max = maxLength[t];
          if (max === undefined) break;
          if (raw.length > max) problems.push({ column: col, reason: `Longer than ${max} characters.`, value: raw });
          // The first mapped column wins when two feed the same field.
          else values[t] ??= raw;
        }
      }
    }

    if (fullName && !values.firstName && !values.lastName) {
      const raw = fullName;
      const comma = raw.indexOf(',');
      if (comma > 0) {
        values.lastName = raw.slice(0, comma).trim() || null;
        values.firstName = raw.slice(comma + 1).trim() || null;
      } else {
        const parts = raw.split(/\s+/);
        if (parts.length === 1) values.firstName = raw;
        else {
          values.firstName = parts.slice(0, -1).join(' ');
          values.lastName = parts[parts.length - 1]!;
        }
      }
    }
    if (!any) return { ok: false, problems: [], values };
    if (emails.length) values.emails = emails;
    if (phones.length) values.phones = phones;
    if (tags.length) values.tags = tags;
    if (Object.keys(custom).length) values.custom = custom;
    for (const f of required) if (custom[f.key] === undefined && !problems.some((p) => p.reason.startsWith(`${f.label}:`))) problems.push({ column: f.label, reason: `${f.label} is required.` });

    if (ctx.object === 'contacts' && !values.firstName && !values.lastName && !emails.length && !phones.length && !problems.length) {
      problems.push({ column: null, reason: 'A contact needs a name, an email or a phone.' });
    }
    if (ctx.object === 'companies' && !values.name && !problems.length) problems.push({ column: null, reason: 'A company needs a name.' });
    if (ctx.object === 'email_list' && !emails.length && !problems.length) problems.push({ column: null, reason: 'No email address in this row.' });
    if (problems.length) return { ok: false, problems, values };

    if (ctx.object !== 'email_list') {
      const place = { postalCode: (values.postalCode as string) ?? null, city: (values.city as string) ?? null, state: (values.state as string) ?? null, country: (values.country as string) ?? null };
      values.ownerDefault = (ctx.territoryOwner && (place.postalCode || place.city || place.state) ? ctx.territoryOwner(place) : null) ?? ctx.importerId;
    } else values.ownerDefault = ctx.importerId;

    const key =
      ctx.dedupeKey === 'email' ? (emails[0] ?? null)
      : ctx.dedupeKey === 'phone' ? (phones[0] ?? null)
      : ctx.dedupeKey === 'domain' ? ((values.domain as string | undefined) ?? null)
      : null;
    return { ok: true, values, key };
  };
}

/** Which mapped fields make a row importable, and what must be mapped before an import can start. */
export function mappingProblems(object: ImportObject, mapping: ImportMapping, dedupeKey: string, customFields: CustomFieldInfo[]): string[] {
  const targets = new Set(mapping.map((m) => m.target).filter((t): t is string => !!t));
  const out: string[] = [];
  if (object === 'contacts' && !['name', 'firstName', 'lastName', 'email', 'phone'].some((t) => targets.has(t))) {
    out.push('Map at least one of these columns: name, first name, last name, email or phone.');
  }
  if (object === 'companies' && !targets.has('name')) out.push('Map the column with the company name.');
  if (object === 'email_list' && !targets.has('email')) out.push('Map the column with the email addresses.');
  if (object === 'contacts' && dedupeKey === 'domain') out.push('Contacts are matched by email or phone, not by domain.');
  if (object === 'companies' && (dedupeKey === 'email' || dedupeKey === 'phone')) out.push('Companies are matched by domain.');
  if (dedupeKey !== 'none' && object !== 'email_list' && !targets.has(dedupeKey)) out.push(`To match by ${dedupeKey}, map a column to ${dedupeKey}.`);
  for (const f of customFields) {
    if (f.required && object !== 'email_list' && !targets.has(`custom:${f.key}`)) out.push(`${f.label} is a required field: map a column to it.`);
  }
  return out;
}
