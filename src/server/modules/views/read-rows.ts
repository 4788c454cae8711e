import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import type { WorkspaceContext } from '../../platform/db/tenant';
import { users } from '../accounts/accounts.schema';
import type { RecordType } from '../crm/crm.contract';
import { companies, contacts, pipelines, pipelineStages } from '../crm/crm.schema';
import { tagsByRecord, tagsJsonOf, type TagSummary } from '../crm/records';
import type { FieldCatalog, RecordTable, ServerField } from './fields';
import { defaultColumns, type ViewRow } from './views.contract';

/**
 * Reading the chosen columns of a page of rows: one SELECT for the stored values, then one
 * look-up per kind of reference (owners, companies, stages, tags) for the whole page.
 */

export type RawRow = Record<string, unknown> & { id: string };
export type Cell = ViewRow['cells'][string];

export function chosenColumns(catalog: FieldCatalog, object: RecordType, columns: string[] | undefined): ServerField[] {
  const keys = columns?.length ? columns : defaultColumns[object];
  return [...new Set(keys)].map((k) => catalog.get(k)).filter((f): f is ServerField => !!f);
}

/** The SELECT list: `id`, then each column as `c<i>` (tags are read separately). */
export function selectList(table: RecordTable, columns: ServerField[], extra: Record<string, SQL> = {}): Record<string, SQL.Aliased | RecordTable['id']> {
  // Aliased, so that the same list also reads right through a server-side cursor (export).
  const out: Record<string, SQL.Aliased | RecordTable['id']> = { id: table.id };
  for (const [key, expr] of Object.entries(extra)) out[key] = expr.as(key);
  columns.forEach((f, i) => {
    if (f.value) out[`c${i}`] = f.value.as(`c${i}`);
  });
  return out;
}

/*
 * Issue 14: a page of a view reads the labels of its references (owners, companies, contacts,
 * pipelines, stages) and its rows' tags in its own SELECT, as correlated subqueries the planner
 * evaluates for the page's rows only (after the sort and the LIMIT), instead of one look-up round
 * trip per kind of reference after it. Row-level security applies inside them as in the look-ups.
 */

/** How a contact is named where it is referred to. */
const contactLabel = sql`coalesce(nullif(concat_ws(' ', ${contacts.firstName}, ${contacts.lastName}), ''), ${contacts.email}::text, ${contacts.phone}, 'Unnamed contact')`;

/** The label of what a user/ref column points to, as one subquery per row. */
function labelOf(table: RecordTable, f: ServerField, value: SQL): SQL | null {
  if (f.kind === 'user') return sql`(SELECT ${users.name} FROM ${users} WHERE ${users.id} = ${value})`;
  if (f.kind !== 'ref' || !f.ref) return null;
  if (f.ref === 'companies') return sql`(SELECT ${companies.name} FROM ${companies} WHERE ${companies.workspaceId} = ${table.workspaceId} AND ${companies.id} = ${value})`;
  if (f.ref === 'contacts')
    return sql`(SELECT ${contactLabel} FROM ${contacts} WHERE ${contacts.workspaceId} = ${table.workspaceId} AND ${contacts.id} = ${value})`;
  const t = f.ref === 'pipelines' ? pipelines : pipelineStages;
  return sql`(SELECT ${t.name} FROM ${t} WHERE ${t.workspaceId} = ${table.workspaceId} AND ${t.id} = ${value})`;
}

/**
 * The SELECT list of a page with its labels: `selectList`'s, plus `l<i>` for the label of each
 * user/ref column and `tags` for the row's tags. presentRows reads them instead of looking up.
 */
export function labelledSelectList(object: RecordType, table: RecordTable, columns: ServerField[], extra: Record<string, SQL> = {}): Record<string, SQL.Aliased | RecordTable['id']> {
  const out = selectList(table, columns, extra);
  // Nested one level (sql`${…}`): drizzle writes the top-level columns of a one-table SELECT
  // list without their table's name, which inside a subquery would name the inner table's.
  let withTags = false;
  columns.forEach((f, i) => {
    const label = f.value ? labelOf(table, f, f.value) : null;
    if (label) out[`l${i}`] = sql`${label}`.as(`l${i}`);
    if (f.kind === 'tags') withTags = true;
  });
  if (withTags) out.tags = sql`${tagsJsonOf(object, table)}`.as('tags');
  return out;
}

type Labels = Map<string, string>;

/**
 * A row read with labelledSelectList as `{ id, cells }`: each cell straight from its own row (its
 * value `c<i>`, its label `l<i>`, the row's `tags`). Issue 14: the keys are worked out once per
 * page, not per cell, and no map of labels is built in between (a share of the page's Node CPU).
 */
function labelledRow(columns: ServerField[]): (row: RawRow) => ViewRow {
  const plan = columns.map((f, i) => ({ key: f.key, kind: f.kind, value: `c${i}`, label: `l${i}` }));
  return (row) => {
    const cells: Record<string, Cell> = {};
    for (const c of plan) {
      if (c.kind === 'tags') cells[c.key] = (row.tags as TagSummary[] | null) ?? [];
      else if (c.kind === 'user' || c.kind === 'ref') {
        const id = row[c.value];
        const label = row[c.label];
        cells[c.key] = typeof id === 'string' ? { id, label: typeof label === 'string' ? label : c.kind === 'user' ? 'Former member' : 'Unknown' } : null;
      } else cells[c.key] = plain(row[c.value]);
    }
    return { id: row.id, cells };
  };
}

async function userLabels(tx: Tx, ids: string[]): Promise<Labels> {
  if (!ids.length) return new Map();
  const rows = await tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

async function refLabels(tx: Tx, ctx: WorkspaceContext, ref: ServerField['ref'], ids: string[]): Promise<Labels> {
  if (!ids.length || !ref) return new Map();
  if (ref === 'companies') {
    const rows = await tx.select({ id: companies.id, name: companies.name }).from(companies).where(and(eq(companies.workspaceId, ctx.workspaceId), inArray(companies.id, ids)));
    return new Map(rows.map((r) => [r.id, r.name]));
  }
  if (ref === 'contacts') {
    const rows = await tx
      .select({ id: contacts.id, label: sql<string>`${contactLabel}` })
      .from(contacts)
      .where(and(eq(contacts.workspaceId, ctx.workspaceId), inArray(contacts.id, ids)));
    return new Map(rows.map((r) => [r.id, r.label]));
  }
  const table = ref === 'pipelines' ? pipelines : pipelineStages;
  const rows = await tx.select({ id: table.id, name: table.name }).from(table).where(and(eq(table.workspaceId, ctx.workspaceId), inArray(table.id, ids)));
  return new Map(rows.map((r) => [r.id, r.name]));
}

const idsOf = (rows: RawRow[], key: string) => [...new Set(rows.map((r) => r[key]).filter((v): v is string => typeof v === 'string'))];

function plain(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(String);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

/**
 * Raw rows to `{ id, cells }`, keyed by field key, with references resolved to labels. Rows read
 * with labelledSelectList (`labelled`) carry their labels and tags; others are looked up here, one
 * statement per kind of reference for the whole page.
 */
export async function presentRows(tx: Tx, ctx: WorkspaceContext, object: RecordType, columns: ServerField[], rows: RawRow[], labelled = false): Promise<ViewRow[]> {
  if (labelled) return rows.map(labelledRow(columns));
  const labels = new Map<number, Labels>();
  let tags: Map<string, TagSummary[]> | null = null;
  for (const [i, f] of columns.entries()) {
    if (f.kind === 'user') labels.set(i, await userLabels(tx, idsOf(rows, `c${i}`)));
    else if (f.kind === 'ref') labels.set(i, await refLabels(tx, ctx, f.ref, idsOf(rows, `c${i}`)));
    else if (f.kind === 'tags' && !tags) tags = await tagsByRecord(tx, ctx, object, rows.map((r) => r.id));
  }
  return rows.map((row) => {
    const cells: Record<string, Cell> = {};
    columns.forEach((f, i) => {
      if (f.kind === 'tags') cells[f.key] = tags?.get(row.id) ?? [];
      else if (f.kind === 'user' || f.kind === 'ref') {
        const id = row[`c${i}`];
        cells[f.key] = typeof id === 'string' ? { id, label: labels.get(i)?.get(id) ?? (f.kind === 'user' ? 'Former member' : 'Unknown') } : null;
      } else cells[f.key] = plain(row[`c${i}`]);
    });
    return { id: row.id, cells };
  });
}
