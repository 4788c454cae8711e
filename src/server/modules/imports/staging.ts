import type { RowValues } from './normalise-row';

/**
 * CRM-7: the temporary staging table that validated rows are COPYed into before the set-based
 * merge. Lists travel as one text joined by U+001F (a control character no cleaned cell holds).
 */

export const LIST_SEP = '\u001f';

export type StagedObject = 'contacts' | 'companies';

interface StageColumn {
  name: string;
  type: 'text' | 'uuid' | 'jsonb' | 'int';
  /** Where the value comes from in the normalised row. */
  from?: string;
}

const address: StageColumn[] = [
  { name: 'address_line1', type: 'text', from: 'addressLine1' },
  { name: 'address_line2', type: 'text', from: 'addressLine2' },
  { name: 'city', type: 'text', from: 'city' },
  { name: 'state', type: 'text', from: 'state' },
  { name: 'postal_code', type: 'text', from: 'postalCode' },
  { name: 'country', type: 'text', from: 'country' },
];

const head: StageColumn[] = [
  { name: 'row_no', type: 'int' },
  { name: 'key', type: 'text' },
  { name: 'new_id', type: 'uuid' },
];
const tail: StageColumn[] = [
  { name: 'owner_explicit', type: 'uuid', from: 'owner' },
  { name: 'owner_default', type: 'uuid', from: 'ownerDefault' },
  { name: 'custom', type: 'jsonb', from: 'custom' },
  { name: 'tags', type: 'text', from: 'tags' },
];

export const stageColumns: Record<StagedObject, StageColumn[]> = {
  contacts: [
    ...head,
    { name: 'first_name', type: 'text', from: 'firstName' },
    { name: 'last_name', type: 'text', from: 'lastName' },
    { name: 'emails', type: 'text', from: 'emails' },
    { name: 'phones', type: 'text', from: 'phones' },
    { name: 'title', type: 'text', from: 'title' },
    { name: 'company_name', type: 'text', from: 'companyName' },
    ...address,
    { name: 'time_zone', type: 'text', from: 'timeZone' },
    { name: 'source', type: 'text', from: 'source' },
    { name: 'lifecycle', type: 'text', from: 'lifecycle' },
    { name: 'consent_state', type: 'text', from: 'consentState' },
    { name: 'restricted', type: 'text', from: 'restricted' },
    ...tail,
  ],
  companies: [
    ...head,
    { name: 'name', type: 'text', from: 'name' },
    { name: 'domain', type: 'text', from: 'domain' },
    { name: 'industry', type: 'text', from: 'industry' },
    { name: 'size', type: 'text', from: 'size' },
    ...address,
    ...tail,
  ],
};

export const createStageSql = (object: StagedObject) =>
  `CREATE TEMP TABLE import_stage (${stageColumns[object].map((c) => `${c.name} ${c.type}`).join(', ')}, existing_id uuid) ON COMMIT DROP`;

export const copyStageSql = (object: StagedObject) => `COPY import_stage (${stageColumns[object].map((c) => c.name).join(', ')}) FROM STDIN`;

/** COPY text format: backslash escapes, \N for null. */
const escapeCopy = (s: string) => (/[\\\t\n\r]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s);

/** One staged row as a line of COPY text. */
export function stageLine(object: StagedObject, rowNo: number, key: string | null, newId: string, values: RowValues): string {
  const cols = stageColumns[object];
  let line = `${rowNo}\t${key === null ? '\\N' : escapeCopy(key)}\t${newId}`;
  for (let i = 3; i < cols.length; i++) {
    const v = (values as Record<string, unknown>)[cols[i]!.from!];
    if (v === undefined || v === null) line += '\t\\N';
    else if (Array.isArray(v)) line += `\t${escapeCopy(v.join(LIST_SEP))}`;
    else if (typeof v === 'object') line += `\t${escapeCopy(JSON.stringify(v))}`;
    else line += `\t${escapeCopy(String(v))}`;
  }
  return `${line}\n`;
}
