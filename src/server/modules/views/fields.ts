import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Tx } from '../../platform/db/database';
import type { FirstRead, WorkspaceContext } from '../../platform/db/tenant';
import { activityLinks } from '../activities/activities.schema';
import type { CustomFieldType, RecordType } from '../crm/crm.contract';
import { companies, contacts, customFieldDefinitions, deals } from '../crm/crm.schema';
import { builtinFields, opsByKind, type FieldInfo, type FieldKind, type ViewField } from './views.contract';

/**
 * The server side of each field a view can use: the SQL that reads it, sorts it and filters it.
 * Expressions used for sorting match the indexes of the views migration exactly, so that a
 * page of 50 is an index range scan rather than a sort of a million rows.
 */

export const recordTables = { contacts, companies, deals } as const;
export type RecordTable = (typeof recordTables)[RecordType];

/** The type a sort value is cast back to when it comes in a cursor. */
export type SortCast = 'text' | 'citext' | 'numeric' | 'date' | 'timestamptz' | 'boolean';

export interface ServerField extends FieldInfo {
  /** The value as stored: filters and display start from it. Absent for tags. */
  value?: SQL;
  /** What ORDER BY uses, and its type. */
  sortExpr?: SQL;
  sortCast?: SortCast;
  /** Whether the value can be NULL (sorting puts NULLs last in both directions). */
  nullable: boolean;
  /** Case-insensitive already (citext): equality needs no lower(). */
  caseInsensitive?: boolean;
  custom?: { key: string; type: CustomFieldType };
  /** The column a user/ref field stores its id in. */
  column?: PgColumn;
}

export type FieldCatalog = Map<string, ServerField>;

const lowerOf = (col: PgColumn) => sql`lower(${col})`;
const isoOf = (col: PgColumn) => sql`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The newest timeline activity of the row's record, up to now (CRM-4 links). */
export function lastActivityOf(object: RecordType): SQL {
  const t = recordTables[object];
  return sql`(SELECT max(${activityLinks.occurredAt}) FROM ${activityLinks} WHERE ${activityLinks.workspaceId} = ${t.workspaceId} AND ${activityLinks.recordType} = ${object} AND ${activityLinks.recordId} = ${t.id} AND ${activityLinks.occurredAt} <= now())`;
}

/** Columns behind each built-in field. Text fields sort by lower(): the name indexes are on lower(). */
function builtinColumns(object: RecordType): Record<string, { col?: PgColumn; value?: SQL; sortExpr?: SQL; cast?: SortCast; nullable?: boolean; ci?: boolean }> {
  const address = (t: typeof contacts | typeof companies) => ({
    addressLine1: { col: t.addressLine1 },
    addressLine2: { col: t.addressLine2 },
    city: { col: t.city },
    state: { col: t.state },
    // Zip prefixes ("94…") are a btree range in the C collation, so no lower() here.
    postalCode: { col: t.postalCode, sortExpr: sql`${t.postalCode}`, cast: 'text' as const },
    country: { col: t.country },
  });
  const common = (t: RecordTable) => ({
    owner: { col: t.ownerUserId },
    createdAt: { col: t.createdAt, value: isoOf(t.createdAt), sortExpr: sql`${t.createdAt}`, cast: 'timestamptz' as const, nullable: false },
    updatedAt: { col: t.updatedAt, value: isoOf(t.updatedAt), sortExpr: sql`${t.updatedAt}`, cast: 'timestamptz' as const, nullable: false },
  });
  if (object === 'contacts') {
    const t = contacts;
    return {
      name: { value: sql`nullif(concat_ws(' ', ${t.firstName}, ${t.lastName}), '')`, sortExpr: lowerOf(t.firstName), cast: 'text' },
      firstName: { col: t.firstName },
      lastName: { col: t.lastName },
      email: { col: t.email, sortExpr: sql`${t.email}`, cast: 'citext', ci: true },
      phone: { col: t.phone, sortExpr: sql`${t.phone}`, cast: 'text' },
      title: { col: t.title },
      company: { col: t.companyId },
      ...address(t),
      timeZone: { col: t.timeZone },
      source: { col: t.source },
      lifecycle: { col: t.lifecycle, sortExpr: sql`${t.lifecycle}`, cast: 'text', nullable: false },
      consentState: { col: t.consentState, sortExpr: sql`${t.consentState}`, cast: 'text', nullable: false },
      restricted: { col: t.restricted, sortExpr: sql`${t.restricted}`, cast: 'boolean', nullable: false },
      score: { col: t.score, sortExpr: sql`${t.score}`, cast: 'numeric', nullable: false },
      ...common(t),
    };
  }
  if (object === 'companies') {
    const t = companies;
    return {
      name: { col: t.name, nullable: false },
      domain: { col: t.domain, sortExpr: sql`${t.domain}`, cast: 'citext', ci: true },
      industry: { col: t.industry },
      size: { col: t.size },
      ...address(t),
      ...common(t),
    };
  }
  const t = deals;
  return {
    name: { col: t.name, nullable: false },
    pipeline: { col: t.pipelineId, nullable: false },
    stage: { col: t.stageId, nullable: false },
    status: { col: t.status, sortExpr: sql`${t.status}`, cast: 'text', nullable: false },
    amount: { col: t.amount, sortExpr: sql`${t.amount}`, cast: 'numeric' },
    currency: { col: t.currency, sortExpr: sql`${t.currency}`, cast: 'text', nullable: false },
    expectedCloseDate: { col: t.expectedCloseDate, value: sql`${t.expectedCloseDate}::text`, sortExpr: sql`${t.expectedCloseDate}`, cast: 'date' },
    probability: { col: t.probability, sortExpr: sql`${t.probability}`, cast: 'numeric' },
    contact: { col: t.contactId },
    company: { col: t.companyId },
    lostReason: { col: t.lostReason },
    closedAt: { col: t.closedAt, value: isoOf(t.closedAt), sortExpr: sql`${t.closedAt}`, cast: 'timestamptz' },
    ...common(t),
  };
}

const customKinds: Record<CustomFieldType, FieldKind> = {
  text: 'text',
  url: 'text',
  email: 'text',
  phone: 'text',
  number: 'number',
  currency: 'number',
  date: 'date',
  select: 'enum',
  multi_select: 'multi',
  checkbox: 'boolean',
};

/** A custom value: the JSON value for display; text or a guarded number for filters and sorting. */
function customField(object: RecordType, def: { key: string; label: string; type: CustomFieldType; options: string[] }): ServerField {
  const t = recordTables[object];
  const kind = customKinds[def.type];
  const text = sql`(${t.custom} ->> ${def.key})`;
  // Values are checked on write, but a guard keeps one odd value from failing a whole query.
  const number = sql`(CASE WHEN jsonb_typeof(${t.custom} -> ${def.key}) = 'number' THEN (${t.custom} ->> ${def.key})::numeric END)`;
  return {
    key: `custom.${def.key}`,
    label: def.label,
    kind,
    ...(def.options.length ? { options: def.options } : {}),
    sortable: kind !== 'multi',
    groupable: kind === 'enum' || kind === 'boolean',
    value: sql`(${t.custom} -> ${def.key})`,
    sortExpr: kind === 'number' ? number : text,
    sortCast: kind === 'number' ? 'numeric' : 'text',
    nullable: true,
    custom: { key: def.key, type: def.type },
  };
}

type DefinitionRow = { key: string; label: string; type: CustomFieldType; options: string[] };

/** Every field of `object` in this workspace: built-in ones, then custom fields in form order. */
export async function loadFieldCatalog(tx: Tx, ctx: WorkspaceContext, object: RecordType): Promise<FieldCatalog> {
  return buildCatalog(object, await readDefinitions(tx, ctx, object));
}

/**
 * The custom field definitions loadFieldCatalog reads, as the first read of a transaction
 * (withTenantReading: in the round trip of BEGIN, issue 14). `object` is one of the three record
 * tables' names, checked here, so the text holds nothing but checked values.
 */
export function catalogRead(ctx: WorkspaceContext, object: RecordType): FirstRead<DefinitionRow> {
  if (!Object.hasOwn(recordTables, object)) throw new Error(`Not a record type: ${String(object)}`);
  return {
    text: (workspaceId) => `SELECT key, label, type, options FROM custom_field_definitions WHERE workspace_id = '${workspaceId}' AND object = '${object}' ORDER BY position, key`,
    // Planned once per connection (issue 14, decision 030); `object` is checked above.
    prepared: { name: 'kestrel_field_definitions', statement: 'SELECT key, label, type, options FROM custom_field_definitions WHERE workspace_id = $1::uuid AND object = $2::text ORDER BY position, key', args: (workspaceId) => `'${workspaceId}', '${object}'` },
    fallback: (tx) => readDefinitions(tx, ctx, object),
  };
}

async function readDefinitions(tx: Tx, ctx: WorkspaceContext, object: RecordType): Promise<DefinitionRow[]> {
  return tx
    .select({ key: customFieldDefinitions.key, label: customFieldDefinitions.label, type: customFieldDefinitions.type, options: customFieldDefinitions.options })
    .from(customFieldDefinitions)
    .where(and(eq(customFieldDefinitions.workspaceId, ctx.workspaceId), eq(customFieldDefinitions.object, object)))
    .orderBy(asc(customFieldDefinitions.position), asc(customFieldDefinitions.key));
}

/*
 * Issue 14: a catalog is built from the workspace's custom field definitions, read in the request's
 * own transaction (so it is never stale); building it (some forty fields with their SQL) was a
 * share of a contacts page's CPU. The same definitions give the same catalog, so it is built once
 * per distinct set of definitions and shared; nothing changes a catalog after it is built.
 */
const MAX_CATALOGS = 1_000;
const catalogs = new Map<string, FieldCatalog>();

export function buildCatalog(object: RecordType, defs: { key: string; label: string; type: CustomFieldType; options: string[] }[]): FieldCatalog {
  const key = `${object}\u0000${JSON.stringify(defs.map((d) => [d.key, d.label, d.type, d.options]))}`;
  const known = catalogs.get(key);
  if (known) return known;
  const catalog = freshCatalog(object, defs);
  if (catalogs.size >= MAX_CATALOGS) catalogs.clear();
  catalogs.set(key, catalog);
  return catalog;
}

function freshCatalog(object: RecordType, defs: { key: string; label: string; type: CustomFieldType; options: string[] }[]): FieldCatalog {
  const catalog: FieldCatalog = new Map();
  const cols = builtinColumns(object);
  const infos = [...builtinFields[object]];
  if (object === 'contacts') infos.splice(infos.findIndex((i) => i.key === 'lastActivityAt'), 0, { key: 'score', label: 'Score', kind: 'number', sortable: true, groupable: false });
  for (const info of infos) {
    if (info.kind === 'tags') {
      catalog.set(info.key, { ...info, nullable: true });
      continue;
    }
    if (info.kind === 'activity') {
      catalog.set(info.key, { ...info, value: sql`to_char(${lastActivityOf(object)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`, nullable: true });
      continue;
    }
    const c = cols[info.key];
    if (!c) continue;
    const value = c.value ?? sql`${c.col}`;
    const sortable = info.sortable && info.kind !== 'user' && info.kind !== 'ref';
    const sortExpr = c.sortExpr ?? (info.kind === 'text' && c.col ? lowerOf(c.col) : undefined);
    catalog.set(info.key, {
      ...info,
      sortable: sortable && !!sortExpr,
      value,
      ...(sortExpr ? { sortExpr, sortCast: c.cast ?? 'text' } : {}),
      nullable: c.nullable ?? true,
      ...(c.ci ? { caseInsensitive: true } : {}),
      ...(c.col ? { column: c.col } : {}),
    });
  }
  for (const def of defs) catalog.set(`custom.${def.key}`, customField(object, def));
  return catalog;
}

/** The catalog as the web app's column chooser and filter builder see it. */
export function describeFields(catalog: FieldCatalog): ViewField[] {
  return [...catalog.values()].map((f) => ({
    key: f.key,
    label: f.label,
    kind: f.kind,
    ...(f.options ? { options: [...f.options] } : {}),
    ...(f.ref ? { ref: f.ref } : {}),
    sortable: f.sortable,
    groupable: f.groupable,
    custom: !!f.custom,
    ops: [...opsByKind[f.kind]],
  }));
}
