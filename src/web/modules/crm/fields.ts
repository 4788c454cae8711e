import { consentStates, lifecycleStages } from '../../../server/modules/crm/crm.contract';
import type { Company, Contact, CustomField, Deal } from './api';
import { consentLabels, formatDay, lifecycleLabels } from './format';

/**
 * Each editable field of a record, described once: how a form shows it, how its value goes to
 * the API, a quick client-side check, and how to show it to a person (the conflict panel).
 * Custom fields get descriptors built from their definitions, keyed `custom.<key>` — the same
 * names the server uses in its field errors.
 */

export type FormValue = string | boolean | string[];
export type InputKind =
  | 'text'
  | 'lines'
  | 'email'
  | 'tel'
  | 'url'
  | 'number'
  | 'date'
  | 'select'
  | 'multi'
  | 'checkbox'
  | 'owner'
  | 'company'
  | 'contact'
  | 'timezone'
  | 'country'
  | 'currency';

export interface FieldDef<R = unknown> {
  key: string;
  label: string;
  input: InputKind;
  options?: ReadonlyArray<{ value: string; label: string }>;
  required?: boolean;
  hint?: string;
  autoComplete?: string;
  read: (record: R) => FormValue;
  /** The value to send; undefined sends nothing. */
  toApi: (value: FormValue) => unknown;
  check?: (value: FormValue) => string | null;
}

const str = (v: FormValue) => (typeof v === 'string' ? v : Array.isArray(v) ? v.join(', ') : v ? 'yes' : '');
const textOrNull = (v: FormValue) => (str(v).trim() === '' ? null : str(v).trim());
/** One entry per line or comma, as people paste them. */
export const splitLines = (v: FormValue) =>
  (Array.isArray(v) ? v : str(v).split(/[\n,;]/))
    .map((s) => s.trim())
    .filter(Boolean);

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const checkEmails = (v: FormValue) => {
  const bad = splitLines(v).find((e) => !EMAIL.test(e));
  return bad ? `"${bad}" does not look like an email address.` : null;
};
const checkPhones = (v: FormValue) => {
  const bad = splitLines(v).find((p) => p.replace(/\D/g, '').length < 5);
  return bad ? `"${bad}" does not look like a phone number.` : null;
};
const checkUrl = (v: FormValue) => {
  const s = str(v).trim();
  if (!s) return null;
  try {
    const url = new URL(s);
    return url.protocol === 'http:' || url.protocol === 'https:' ? null : 'Use an address starting with https://.';
  } catch {
    return 'Use a full address like https://example.com.';
  }
};
const checkNumber = (decimals?: number) => (v: FormValue) => {
  const s = str(v).trim();
  if (!s) return null;
  if (!/^-?\d+(\.\d+)?$/.test(s)) return 'Enter a number, using a dot for decimals.';
  if (decimals !== undefined && (s.split('.')[1]?.length ?? 0) > decimals) return `Use at most ${decimals} decimals.`;
  return null;
};
const required = (label: string, check?: (v: FormValue) => string | null) => (v: FormValue) =>
  (Array.isArray(v) ? v.length === 0 : typeof v === 'string' && v.trim() === '') ? `${label} is required.` : (check?.(v) ?? null);

const text = <R>(key: keyof R & string, label: string, extra: Partial<FieldDef<R>> = {}): FieldDef<R> => ({
  key,
  label,
  input: 'text',
  read: (r) => (r[key] as string | null) ?? '',
  toApi: textOrNull,
  ...extra,
});

const addressFields = <R extends { addressLine1: string | null }>(): FieldDef<R>[] => [
  text<R>('addressLine1' as keyof R & string, 'Address line 1', { autoComplete: 'off' }),
  text<R>('addressLine2' as keyof R & string, 'Address line 2', { autoComplete: 'off' }),
  text<R>('city' as keyof R & string, 'City'),
  text<R>('state' as keyof R & string, 'State or region'),
  text<R>('postalCode' as keyof R & string, 'Postal code'),
  { ...text<R>('country' as keyof R & string, 'Country'), input: 'country' },
];

const owner = <R extends { ownerUserId: string | null }>(): FieldDef<R> => ({ key: 'ownerUserId', label: 'Owner', input: 'owner', read: (r) => r.ownerUserId ?? '', toApi: textOrNull });

export const contactFields = {
  main: [
    text<Contact>('firstName', 'First name'),
    text<Contact>('lastName', 'Last name'),
    {
      key: 'emails',
      label: 'Emails',
      input: 'lines',
      hint: 'One per line; the first is the main one.',
      read: (c: Contact) => c.emails.join('\n'),
      toApi: (v: FormValue) => splitLines(v).map((e) => e.toLowerCase()),
      check: checkEmails,
    },
    {
      key: 'phones',
      label: 'Phones',
      input: 'lines',
      hint: 'One per line; include the country code for numbers abroad.',
      read: (c: Contact) => c.phones.join('\n'),
      toApi: (v: FormValue) => splitLines(v),
      check: checkPhones,
    },
    text<Contact>('title', 'Job title'),
    { key: 'companyId', label: 'Company', input: 'company', read: (c: Contact) => c.companyId ?? '', toApi: textOrNull },
  ] as FieldDef<Contact>[],
  status: [
    { key: 'lifecycle', label: 'Lifecycle stage', input: 'select', options: lifecycleStages.map((v) => ({ value: v, label: lifecycleLabels[v] })), read: (c: Contact) => c.lifecycle, toApi: (v: FormValue) => v },
    owner<Contact>(),
    text<Contact>('source', 'Source', { hint: 'Where they came from, like "Website" or "Referral".' }),
    {
      key: 'consentState',
      label: 'Marketing consent',
      input: 'select',
      options: consentStates.map((v) => ({ value: v, label: consentLabels[v] })),
      read: (c: Contact) => c.consentState,
      toApi: (v: FormValue) => v,
    },
    { key: 'timeZone', label: 'Time zone', input: 'timezone', read: (c: Contact) => c.timeZone ?? '', toApi: textOrNull },
    {
      key: 'restricted',
      label: 'Restrict processing',
      input: 'checkbox',
      hint: 'They asked that their data not be used for AI or outreach. People can still see and edit the record.',
      read: (c: Contact) => c.restricted,
      toApi: (v: FormValue) => v === true,
    },
  ] as FieldDef<Contact>[],
  address: addressFields<Contact>(),
};

export const companyFields = {
  main: [
    text<Company>('name', 'Name', { check: required('Name') }),
    text<Company>('domain', 'Website or domain', { hint: 'Like example.com; used to match people by email.' }),
    text<Company>('industry', 'Industry'),
    text<Company>('size', 'Size', { hint: 'Like "11-50".' }),
    owner<Company>(),
  ] as FieldDef<Company>[],
  address: addressFields<Company>(),
};

export const dealFields = {
  main: [
    text<Deal>('name', 'Name', { check: required('Name') }),
    { key: 'amount', label: 'Amount', input: 'number', read: (d: Deal) => d.amount ?? '', toApi: textOrNull, check: checkNumber(2) },
    { key: 'currency', label: 'Currency', input: 'currency', read: (d: Deal) => d.currency, toApi: (v: FormValue) => str(v) || undefined },
    { key: 'expectedCloseDate', label: 'Expected close', input: 'date', read: (d: Deal) => d.expectedCloseDate ?? '', toApi: textOrNull },
    {
      key: 'probability',
      label: 'Probability (%)',
      input: 'number',
      read: (d: Deal) => (d.probability === null ? '' : String(d.probability)),
      toApi: (v: FormValue) => (str(v).trim() === '' ? null : Number(str(v))),
      check: (v: FormValue) => {
        const s = str(v).trim();
        return s && !(/^\d+$/.test(s) && Number(s) <= 100) ? 'Use a whole number from 0 to 100.' : null;
      },
    },
    owner<Deal>(),
    { key: 'contactId', label: 'Contact', input: 'contact', read: (d: Deal) => d.contactId ?? '', toApi: textOrNull },
    { key: 'companyId', label: 'Company', input: 'company', read: (d: Deal) => d.companyId ?? '', toApi: textOrNull },
  ] as FieldDef<Deal>[],
  lostReason: { key: 'lostReason', label: 'Why it was lost', input: 'text', read: (d: Deal) => d.lostReason ?? '', toApi: textOrNull, check: required('The reason') } as FieldDef<Deal>,
};

/** Descriptors for an object's custom fields, in their order. */
export function customFieldDefs<R extends { custom: Record<string, unknown> }>(defs: CustomField[]): FieldDef<R>[] {
  return defs.map((def) => {
    const read = (r: R): FormValue => {
      const v = r.custom[def.key];
      if (def.type === 'checkbox') return v === true;
      if (def.type === 'multi_select') return Array.isArray(v) ? (v as string[]) : [];
      return v === null || v === undefined ? '' : String(v);
    };
    const base = { key: `custom.${def.key}`, label: def.label, required: def.required, read };
    const options = def.options.map((o) => ({ value: o, label: o }));
    const need = (check?: (v: FormValue) => string | null) => (def.required ? required(def.label, check) : check);
    switch (def.type) {
      case 'number':
      case 'currency': {
        const check = need(checkNumber(def.type === 'currency' ? 2 : undefined));
        return { ...base, input: 'number', check, toApi: (v) => (str(v).trim() === '' ? null : Number(str(v))) } satisfies FieldDef<R>;
      }
      case 'date':
        return { ...base, input: 'date', check: need(), toApi: textOrNull } satisfies FieldDef<R>;
      case 'select':
        return { ...base, input: 'select', options: [{ value: '', label: '—' }, ...options], check: need(), toApi: textOrNull } satisfies FieldDef<R>;
      case 'multi_select':
        return { ...base, input: 'multi', options, check: need(), toApi: (v) => (Array.isArray(v) && v.length ? v : null) } satisfies FieldDef<R>;
      case 'checkbox':
        return { ...base, input: 'checkbox', toApi: (v) => v === true } satisfies FieldDef<R>;
      case 'url':
        return { ...base, input: 'url', check: need(checkUrl), toApi: textOrNull, hint: 'A full address like https://example.com.' } satisfies FieldDef<R>;
      case 'email':
        return { ...base, input: 'email', check: need((v) => (str(v).trim() && !EMAIL.test(str(v).trim()) ? 'Enter an email address like name@example.com.' : null)), toApi: textOrNull } satisfies FieldDef<R>;
      case 'phone':
        return { ...base, input: 'tel', check: need(checkPhones), toApi: textOrNull } satisfies FieldDef<R>;
      case 'text':
        return { ...base, input: 'text', check: need(), toApi: textOrNull } satisfies FieldDef<R>;
    }
  });
}

const regionName = (code: string) => {
  try {
    return new Intl.DisplayNames(undefined, { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
};

/** How a value reads to a person, in the properties panel and the conflict panel. */
export function displayValue(def: FieldDef<never>, value: FormValue, labels: { owner?: (id: string) => string; record?: (id: string) => string } = {}): string {
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '—';
  if (value.trim() === '') return '—';
  if (def.input === 'owner') return labels.owner?.(value) ?? value;
  if (def.input === 'company' || def.input === 'contact') return labels.record?.(value) ?? value;
  if (def.input === 'date') return formatDay(value);
  if (def.input === 'country') return regionName(value);
  if (def.input === 'timezone') return value.replaceAll('_', ' ');
  if (def.input === 'lines') return splitLines(value).join(', ');
  return def.options?.find((o) => o.value === value)?.label ?? value;
}

export const sameValue = (a: FormValue, b: FormValue) =>
  Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((v, i) => v === b[i]) : typeof a === 'string' && typeof b === 'string' ? a.trim() === b.trim() : a === b;

/** Which field a server error names: `emails.2` → `emails`, `custom.budget` → `custom.budget`. */
export function fieldOfError(path: string, keys: readonly string[]): string | null {
  if (keys.includes(path)) return path;
  const custom = /^custom\.([^.]+)/.exec(path);
  if (custom && keys.includes(`custom.${custom[1]}`)) return `custom.${custom[1]}`;
  const head = path.split('.')[0]!;
  return keys.includes(head) ? head : null;
}
