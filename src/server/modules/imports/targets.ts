import type { CustomFieldType } from '../crm/crm.contract';
import type { ImportMapping, ImportObject, ImportTarget } from './imports.contract';

/**
 * CRM-7: where a column can go, and which column most likely goes where — by the header's
 * likeness to each field's name and its common synonyms ("E-mail", "Mobile", "Zip", "Company name").
 */

interface BuiltIn {
  key: string;
  label: string;
  synonyms: string[];
  multiple?: boolean;
}

const address: BuiltIn[] = [
  { key: 'addressLine1', label: 'Address line 1', synonyms: ['address', 'address 1', 'address line 1', 'street', 'street address', 'mailing address'] },
  { key: 'addressLine2', label: 'Address line 2', synonyms: ['address 2', 'address line 2', 'suite', 'apartment', 'apt', 'unit'] },
  { key: 'city', label: 'City', synonyms: ['city', 'town', 'locality', 'suburb'] },
  { key: 'state', label: 'State / region', synonyms: ['state', 'province', 'region', 'county', 'state province', 'state region'] },
  { key: 'postalCode', label: 'Zip / postal code', synonyms: ['zip', 'zip code', 'zipcode', 'postal code', 'postcode', 'post code', 'pin', 'pin code', 'pincode'] },
  { key: 'country', label: 'Country', synonyms: ['country', 'country code', 'nation'] },
];
const owner: BuiltIn = { key: 'owner', label: 'Owner (name or email of a team member)', synonyms: ['owner', 'owner email', 'assigned to', 'assignee', 'sales rep', 'account owner', 'contact owner', 'rep'] };
const tags: BuiltIn = { key: 'tags', label: 'Tags (comma-separated)', synonyms: ['tags', 'tag', 'labels', 'label', 'lists', 'list', 'groups', 'segments', 'segment'], multiple: true };

const builtIns: Record<ImportObject, BuiltIn[]> = {
  contacts: [
    { key: 'name', label: 'Full name (split into first and last)', synonyms: ['name', 'full name', 'contact name', 'contact', 'person', 'customer name', 'display name'] },
    { key: 'firstName', label: 'First name', synonyms: ['first name', 'firstname', 'given name', 'forename', 'first'] },
    { key: 'lastName', label: 'Last name', synonyms: ['last name', 'lastname', 'surname', 'family name', 'last'] },
    { key: 'email', label: 'Email', synonyms: ['email', 'e mail', 'email address', 'e mail address', 'mail', 'work email', 'personal email', 'emails'], multiple: true },
    { key: 'phone', label: 'Phone', synonyms: ['phone', 'phone number', 'telephone', 'tel', 'mobile', 'mobile phone', 'mobile number', 'cell', 'cell phone', 'work phone', 'home phone', 'phones'], multiple: true },
    { key: 'title', label: 'Job title', synonyms: ['title', 'job title', 'position', 'role', 'job', 'designation'] },
    { key: 'companyName', label: 'Company (by name; created if new)', synonyms: ['company', 'company name', 'organization', 'organisation', 'organization name', 'account', 'account name', 'employer', 'business', 'business name'] },
    ...address,
    { key: 'timeZone', label: 'Time zone', synonyms: ['time zone', 'timezone', 'tz'] },
    owner,
    { key: 'source', label: 'Source', synonyms: ['source', 'lead source', 'origin', 'channel', 'referral source'] },
    { key: 'lifecycle', label: 'Lifecycle stage', synonyms: ['lifecycle', 'lifecycle stage', 'stage', 'status', 'lead status', 'contact status'] },
    { key: 'consentState', label: 'Marketing consent', synonyms: ['consent', 'marketing consent', 'opt in', 'email consent', 'subscribed', 'email opt in', 'gdpr consent'] },
    { key: 'restricted', label: 'Restricted (kept from AI; yes or no)', synonyms: ['restricted', 'private', 'keep from ai'] },
    tags,
  ],
  companies: [
    { key: 'name', label: 'Company name', synonyms: ['name', 'company', 'company name', 'organization', 'organisation', 'organization name', 'account', 'account name', 'business', 'business name'] },
    { key: 'domain', label: 'Domain / website', synonyms: ['domain', 'website', 'web site', 'url', 'homepage', 'home page', 'site', 'web', 'company domain', 'company website'] },
    { key: 'industry', label: 'Industry', synonyms: ['industry', 'sector', 'vertical'] },
    { key: 'size', label: 'Size', synonyms: ['size', 'company size', 'employees', 'headcount', 'number of employees', 'employee count', 'staff'] },
    ...address,
    owner,
    tags,
  ],
  email_list: [{ key: 'email', label: 'Email', synonyms: ['email', 'e mail', 'email address', 'e mail address', 'mail', 'address', 'emails'] }],
};

export interface CustomFieldInfo {
  key: string;
  label: string;
  type: CustomFieldType;
  options: string[];
  required: boolean;
}

/** Built-in fields, then custom fields, then tags, for a mapping dropdown. */
export function targetsFor(object: ImportObject, customFields: CustomFieldInfo[]): ImportTarget[] {
  const list = builtIns[object];
  const fields = list.filter((t) => t.key !== 'tags').map((t) => ({ key: t.key, label: t.label, group: 'field' as const, multiple: !!t.multiple }));
  if (object === 'email_list') return fields;
  const custom = customFields.map((f) => ({ key: `custom:${f.key}`, label: f.label, group: 'custom' as const, multiple: false }));
  return [...fields, ...custom, { key: 'tags', label: tags.label, group: 'tags', multiple: true }];
}

/** "E-Mail Address " → "e mail address". */
export const normaliseHeader = (h: string) =>
  h
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

function bigrams(s: string): Map<string, number> {
  const t = s.replace(/ /g, '');
  const out = new Map<string, number>();
  for (let i = 0; i < t.length - 1; i++) out.set(t.slice(i, i + 2), (out.get(t.slice(i, i + 2)) ?? 0) + 1);
  return out;
}

/** Sørensen–Dice likeness of two normalised headers, 0..1. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.replace(/ /g, '') === b.replace(/ /g, '')) return 0.98;
  const x = bigrams(a);
  const y = bigrams(b);
  let overlap = 0;
  let total = 0;
  for (const [k, n] of x) {
    overlap += Math.min(n, y.get(k) ?? 0);
    total += n;
  }
  for (const n of y.values()) total += n;
  return total ? (2 * overlap) / total : 0;
}

const THRESHOLD = 0.75;

/**
 * The suggested target of each column: the best-scoring field whose name or a synonym is like
 * the header. A field that takes one column goes to the column that matches it best.
 */
export function suggestMapping(object: ImportObject, headers: string[], customFields: CustomFieldInfo[]): ImportMapping {
  const candidates: { key: string; names: string[]; multiple: boolean }[] = builtIns[object].map((t) => ({ key: t.key, names: [t.label, ...t.synonyms].map(normaliseHeader), multiple: !!t.multiple }));
  if (object !== 'email_list') {
    for (const f of customFields) candidates.push({ key: `custom:${f.key}`, names: [normaliseHeader(f.key), normaliseHeader(f.label)], multiple: false });
  }
  const scored = headers.map((header, column) => {
    const h = normaliseHeader(header);
    let best: { key: string; score: number; multiple: boolean } | null = null;
    for (const c of candidates) {
      const score = Math.max(...c.names.map((n) => similarity(h, n)));
      // Custom fields named exactly win over a built-in synonym of the same name.
      const bonus = c.key.startsWith('custom:') && score === 1 ? 0.01 : 0;
      if (score >= THRESHOLD && (!best || score + bonus > best.score)) best = { key: c.key, score: score + bonus, multiple: c.multiple };
    }
    return { column, best };
  });
  // One column per single-valued field: the best match keeps it.
  const taken = new Map<string, number>();
  for (const s of [...scored].sort((a, b) => (b.best?.score ?? 0) - (a.best?.score ?? 0))) {
    if (!s.best || s.best.multiple) continue;
    if (taken.has(s.best.key)) s.best = null;
    else taken.set(s.best.key, s.column);
  }
  // An email list with no recognisable header: the first column holding addresses.
  if (object === 'email_list' && !scored.some((s) => s.best)) scored[0] && (scored[0].best = { key: 'email', score: 1, multiple: false });
  return scored.map((s) => ({ column: s.column, target: s.best?.key ?? null }));
}
