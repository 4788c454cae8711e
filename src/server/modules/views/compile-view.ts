import { and, asc, desc, eq, not, or, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import type { WorkspaceContext } from '../../platform/db/tenant';
import { activityLinks } from '../activities/activities.schema';
import type { RecordType } from '../crm/crm.contract';
import { recordTags } from '../crm/crm.schema';
import { escapeLike } from '../../platform/db/escape-like';
import { loadVisibility, visibleRecords, type Visibility } from '../crm';
import { loadFieldCatalog, recordTables, type FieldCatalog, type RecordTable, type ServerField, type SortCast } from './fields';
import { validateView } from './validate-view';
import { defaultSort, isGroup, type FilterCondition, type FilterGroup, type ViewDefinition } from './views.contract';

/**
 * CRM-6: a validated view definition as SQL. Every value travels as a bound parameter; only
 * identifiers from the field catalog and fixed keywords are written into the statement.
 * Used by the table, group counts, export (CRM-8) and bulk actions on a filtered view (CRM-9).
 */

export interface CompiledSort {
  field: ServerField;
  expr: SQL;
  cast: SortCast;
  direction: 'asc' | 'desc';
  nullable: boolean;
}

export interface CompiledView {
  object: RecordType;
  table: RecordTable;
  /** Workspace, filter and the member's visibility, together. */
  where: SQL;
  /** Sort key then id: a total order, so paging neither repeats nor skips a row. NULLs last. */
  orderBy: SQL[];
  sort: CompiledSort;
  catalog: FieldCatalog;
  /** The member's visibility the view was compiled with (part of `where`). */
  visibility?: Visibility;
}

export interface CompileEnv {
  catalog: FieldCatalog;
  ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>;
  /** From H5's `loadVisibility`; undefined compiles without a role restriction (system use). */
  visibility?: Visibility;
}

const castTo = (value: unknown, cast: SortCast) => sql`CAST(${value} AS ${sql.raw(cast)})`;
const list = (values: unknown[]) => sql.join(values.map((v) => sql`${v}`), sql`, `);
const textArray = (values: string[]) => sql`ARRAY[${list(values)}]::text[]`;
const jsonParam = (value: unknown) => sql`CAST(${JSON.stringify(value)} AS jsonb)`;
const days = (n: number) => sql`make_interval(days => ${n}::int)`;
const nextDay = (d: string) => sql`(CAST(${d} AS date) + 1)`;

function userValue(v: unknown, env: CompileEnv): string {
  // A context without a user ("me" from a system job) matches nobody rather than everybody.
  return v === 'me' ? (env.ctx.userId ?? '00000000-0000-0000-0000-000000000000') : (v as string);
}

/** The smallest string above every string that starts with `prefix`: its last character plus one. */
export function prefixUpperBound(prefix: string): string | null {
  const chars = [...prefix];
  const last = chars.pop();
  if (last === undefined) return null;
  const code = last.codePointAt(0)!;
  if (code >= 0xffff) return null;
  return chars.join('') + String.fromCodePoint(code + 1);
}

function textCondition(f: ServerField, op: string, v: unknown): SQL {
  const value = f.value!;
  const eqExpr = (s: string) => (f.caseInsensitive ? sql`${value} = ${s}` : sql`lower(${value}) = lower(${s})`);
  switch (op) {
    case 'eq':
      return eqExpr(v as string);
    case 'neq':
      return sql`(${value} IS NULL OR NOT (${eqExpr(v as string)}))`;
    case 'in':
      return or(...(v as string[]).map(eqExpr))!;
    case 'contains':
      return sql`${value} ILIKE ${`%${escapeLike(v as string)}%`}`;
    case 'not_contains':
      return sql`(${value} IS NULL OR ${value} NOT ILIKE ${`%${escapeLike(v as string)}%`})`;
    case 'starts_with': {
      const s = v as string;
      // Without letters (zip codes, phone prefixes) LIKE equals ILIKE and can use a btree range.
      const pattern = `${escapeLike(s)}%`;
      if (s.toLowerCase() !== s.toUpperCase()) return sql`${value} ILIKE ${pattern}`;
      // No letters (a zip or phone prefix): a range in the C collation instead, which is exactly
      // "starts with" (byte order is code point order) and whose comparisons are LEAKPROOF, so
      // under row-level security the column's btree index (C, as the embedded database is) can
      // serve it (decision 004). No LIKE beside it: the planner would count the same condition
      // twice and underestimate the rows tenfold, then pick the wrong plan.
      const upper = prefixUpperBound(s);
      return upper === null ? sql`${value} LIKE ${pattern}` : sql`(${value} COLLATE "C" >= ${s} AND ${value} COLLATE "C" < ${upper})`;
    }
    case 'is_empty':
      return sql`(${value} IS NULL OR ${value} = '')`;
    case 'is_not_empty':
      return sql`(${value} IS NOT NULL AND ${value} <> '')`;
  }
  throw new Error(`unhandled text op ${op}`);
}

/**
 * Custom values live in the `custom` jsonb; containment (`@>`) is served by its GIN index, also
 * under row-level security where the migrations could mark jsonb_contains LEAKPROOF (decision 004).
 */
function customCondition(f: ServerField, op: string, v: unknown, t: RecordTable): SQL {
  const key = f.custom!.key;
  const contains = (value: unknown) => sql`${t.custom} @> ${jsonParam({ [key]: value })}`;
  const has = sql`${t.custom} ? ${key}`;
  const text = sql`(${t.custom} ->> ${key})`;
  if (op === 'is_empty') return sql`NOT (${has})`;
  if (op === 'is_not_empty') return has;
  switch (f.kind) {
    case 'text':
      // Emails, urls and phones are stored normalised, so an exact match can use the index.
      if (op === 'eq' && f.custom!.type !== 'text') return contains(v);
      return textCondition({ ...f, value: text, caseInsensitive: false }, op, v);
    case 'enum':
      if (op === 'eq') return contains(v);
      if (op === 'neq') return sql`NOT (${contains(v)})`;
      // One containment per value, OR-ed: each is an index condition (a BitmapOr), unlike `->>`.
      if (op === 'in') return sql`(${sql.join((v as string[]).map((x) => contains(x)), sql` OR `)})`;
      if (op === 'not_in') return sql`(NOT (${has}) OR NOT (${text} = ANY(${textArray(v as string[])})))`;
      break;
    case 'multi':
      if (op === 'has_any') return sql`(${sql.join((v as string[]).map((x) => contains([x])), sql` OR `)})`;
      if (op === 'has_all') return contains(v);
      if (op === 'has_none') return sql`NOT coalesce((${t.custom} -> ${key}) ?| ${textArray(v as string[])}, false)`;
      break;
    case 'boolean':
      return op === 'is_true' ? contains(true) : sql`NOT (${contains(true)})`;
    case 'number':
      if (op === 'eq') return contains(v);
      return comparison(f.sortExpr!, op, v, 'numeric');
    case 'date':
      return dateCondition(text, op, v, true);
  }
  throw new Error(`unhandled custom op ${op}`);
}

function comparison(expr: SQL, op: string, v: unknown, cast: SortCast): SQL {
  const p = (x: unknown) => castTo(x, cast);
  switch (op) {
    case 'eq':
      return sql`${expr} = ${p(v)}`;
    case 'neq':
      return sql`${expr} IS DISTINCT FROM ${p(v)}`;
    case 'gt':
      return sql`${expr} > ${p(v)}`;
    case 'gte':
      return sql`${expr} >= ${p(v)}`;
    case 'lt':
      return sql`${expr} < ${p(v)}`;
    case 'lte':
      return sql`${expr} <= ${p(v)}`;
    case 'between': {
      const [a, b] = v as [unknown, unknown];
      return sql`${expr} BETWEEN ${p(a)} AND ${p(b)}`;
    }
    case 'is_empty':
      return sql`${expr} IS NULL`;
    case 'is_not_empty':
      return sql`${expr} IS NOT NULL`;
  }
  throw new Error(`unhandled comparison ${op}`);
}

/**
 * Dates: `asText` for custom dates stored as 'YYYY-MM-DD' strings, which compare correctly
 * as text; otherwise a date column. Days are counted from the database's current date.
 */
function dateCondition(expr: SQL, op: string, v: unknown, asText: boolean): SQL {
  const d = (x: unknown) => (asText ? sql`${x}::text` : sql`CAST(${x} AS date)`);
  const rel = (x: SQL) => (asText ? sql`to_char(${x}, 'YYYY-MM-DD')` : x);
  switch (op) {
    case 'eq':
      return sql`${expr} = ${d(v)}`;
    case 'before':
      return sql`${expr} < ${d(v)}`;
    case 'after':
      return sql`${expr} > ${d(v)}`;
    case 'between': {
      const [a, b] = v as [string, string];
      return sql`${expr} BETWEEN ${d(a)} AND ${d(b)}`;
    }
    case 'older_than_days':
      return sql`${expr} < ${rel(sql`current_date - ${v}::int`)}`;
    case 'within_last_days':
      return sql`${expr} BETWEEN ${rel(sql`current_date - ${v}::int`)} AND ${rel(sql`current_date`)}`;
    case 'within_next_days':
      return sql`${expr} BETWEEN ${rel(sql`current_date`)} AND ${rel(sql`current_date + ${v}::int`)}`;
    case 'is_empty':
      return sql`${expr} IS NULL`;
    case 'is_not_empty':
      return sql`${expr} IS NOT NULL`;
  }
  throw new Error(`unhandled date op ${op}`);
}

/** Timestamps filtered by whole days (a date "2026-03-01" means that whole day). */
function dateTimeCondition(col: SQL, op: string, v: unknown): SQL {
  switch (op) {
    case 'eq':
      return sql`(${col} >= CAST(${v} AS date) AND ${col} < ${nextDay(v as string)})`;
    case 'before':
      return sql`${col} < CAST(${v} AS date)`;
    case 'after':
      return sql`${col} >= ${nextDay(v as string)}`;
    case 'between': {
      const [a, b] = v as [string, string];
      return sql`(${col} >= CAST(${a} AS date) AND ${col} < ${nextDay(b)})`;
    }
    case 'older_than_days':
      return sql`${col} < now() - ${days(v as number)}`;
    case 'within_last_days':
      return sql`(${col} >= now() - ${days(v as number)} AND ${col} <= now())`;
    case 'within_next_days':
      return sql`(${col} >= now() AND ${col} <= now() + ${days(v as number)})`;
    case 'is_empty':
      return sql`${col} IS NULL`;
    case 'is_not_empty':
      return sql`${col} IS NOT NULL`;
  }
  throw new Error(`unhandled datetime op ${op}`);
}

/** Tags: a semi-join on record_tags, which the planner can run from either side. */
function tagCondition(object: RecordType, t: RecordTable, op: string, v: unknown, env: CompileEnv): SQL {
  const ids = [...new Set((v as string[] | undefined) ?? [])];
  const linked = (extra: SQL | undefined) =>
    sql`EXISTS (SELECT 1 FROM ${recordTags} WHERE ${recordTags.workspaceId} = ${t.workspaceId} AND ${recordTags.recordType} = ${object} AND ${recordTags.recordId} = ${t.id}${extra ? sql` AND ${extra}` : sql``})`;
  const inIds = sql`${recordTags.tagId} IN (${list(ids)})`;
  switch (op) {
    case 'has_any':
      return sql`${t.id} IN (SELECT ${recordTags.recordId} FROM ${recordTags} WHERE ${recordTags.workspaceId} = ${env.ctx.workspaceId} AND ${recordTags.recordType} = ${object} AND ${inIds})`;
    case 'has_all':
      return sql`${t.id} IN (SELECT ${recordTags.recordId} FROM ${recordTags} WHERE ${recordTags.workspaceId} = ${env.ctx.workspaceId} AND ${recordTags.recordType} = ${object} AND ${inIds} GROUP BY ${recordTags.recordId} HAVING count(*) = ${ids.length}::int)`;
    case 'has_none':
      return sql`NOT ${linked(inIds)}`;
    case 'is_empty':
      return sql`NOT ${linked(undefined)}`;
    case 'is_not_empty':
      return linked(undefined);
  }
  throw new Error(`unhandled tag op ${op}`);
}

/** "Not contacted for N days": no timeline activity between N days ago and now (or none ever). */
function activityCondition(object: RecordType, t: RecordTable, op: string, v: unknown): SQL {
  const any = (extra: SQL | undefined) =>
    sql`EXISTS (SELECT 1 FROM ${activityLinks} WHERE ${activityLinks.workspaceId} = ${t.workspaceId} AND ${activityLinks.recordType} = ${object} AND ${activityLinks.recordId} = ${t.id} AND ${activityLinks.occurredAt} <= now()${extra ? sql` AND ${extra}` : sql``})`;
  const recent = sql`${activityLinks.occurredAt} >= now() - ${days(v as number)}`;
  switch (op) {
    case 'older_than_days':
      return sql`NOT ${any(recent)}`;
    case 'within_last_days':
      return any(recent);
    case 'is_empty':
      return sql`NOT ${any(undefined)}`;
    case 'is_not_empty':
      return any(undefined);
  }
  throw new Error(`unhandled activity op ${op}`);
}

function conditionSql(c: FilterCondition, object: RecordType, env: CompileEnv): SQL {
  const f = env.catalog.get(c.field)!;
  const t = recordTables[object];
  if (f.custom) return customCondition(f, c.op, c.value, t);
  switch (f.kind) {
    case 'tags':
      return tagCondition(object, t, c.op, c.value, env);
    case 'activity':
      return activityCondition(object, t, c.op, c.value);
    case 'text':
      return textCondition(f, c.op, c.value);
    case 'boolean':
      return c.op === 'is_true' ? sql`${f.value} = true` : sql`${f.value} = false`;
    case 'number':
      return comparison(f.value!, c.op, c.value, 'numeric');
    case 'date':
      return dateCondition(sql`${f.column}`, c.op, c.value, false);
    case 'datetime':
      return dateTimeCondition(sql`${f.column}`, c.op, c.value);
    case 'enum':
    case 'user':
    case 'ref': {
      const col = sql`${f.column}`;
      const one = (x: unknown) => (f.kind === 'user' ? userValue(x, env) : x);
      const cast = f.kind === 'enum' ? sql`` : sql`::uuid`;
      switch (c.op) {
        case 'eq':
          return sql`${col} = ${one(c.value)}${cast}`;
        case 'neq':
          return sql`${col} IS DISTINCT FROM ${one(c.value)}${cast}`;
        case 'in':
          return sql`${col} IN (${list((c.value as unknown[]).map(one))})`;
        case 'not_in':
          return sql`(${col} IS NULL OR ${col} NOT IN (${list((c.value as unknown[]).map(one))}))`;
        case 'is_empty':
          return sql`${col} IS NULL`;
        case 'is_not_empty':
          return sql`${col} IS NOT NULL`;
      }
    }
  }
  throw new Error(`unhandled condition ${c.field} ${c.op}`);
}

function groupSql(g: FilterGroup, object: RecordType, env: CompileEnv): SQL | undefined {
  const parts = g.conditions.map((node) => (isGroup(node) ? groupSql(node, object, env) : conditionSql(node, object, env))).filter((p): p is SQL => !!p);
  if (!parts.length) return undefined;
  return g.match === 'all' ? and(...parts) : sql`(${or(...parts)})`;
}

/** The definition as SQL; the definition must have passed `validateView` against `env.catalog`. */
export function compileView(def: Pick<ViewDefinition, 'object' | 'filter' | 'sort'>, env: CompileEnv): CompiledView {
  const table = recordTables[def.object];
  const filter = def.filter ? groupSql(def.filter, def.object, env) : undefined;
  const visible = env.visibility ? visibleRecords(env.visibility, def.object) : undefined;
  const where = and(eq(table.workspaceId, env.ctx.workspaceId), filter, visible)!;
  const sortDef = def.sort ?? defaultSort;
  const field = env.catalog.get(sortDef.field)!;
  const sort: CompiledSort = { field, expr: field.sortExpr!, cast: field.sortCast!, direction: sortDef.direction, nullable: field.nullable };
  const dir = sort.direction === 'asc' ? asc : desc;
  const orderBy = [sort.nullable ? sql`${sort.expr} ${sql.raw(sort.direction)} NULLS LAST` : dir(sort.expr), dir(table.id)];
  return { object: def.object, table, where, orderBy, sort, catalog: env.catalog, ...(env.visibility ? { visibility: env.visibility } : {}) };
}

/**
 * Loads the workspace's fields and the member's visibility, validates and compiles: what the
 * routes, export and bulk actions call. `prefix` names where the definition sat in the request.
 */
export async function prepareView(tx: Tx, ctx: WorkspaceContext, def: ViewDefinition, prefix = 'view', known?: FieldCatalog): Promise<CompiledView> {
  const catalog = known ?? (await loadFieldCatalog(tx, ctx, def.object));
  validateView(def, catalog, prefix);
  const visibility = await loadVisibility(tx, ctx);
  return compileView(def, { catalog, ctx, visibility });
}

/** Exposed for tests and bulk actions: a condition that matches no row. */
export const nothing = not(sql`true`);
