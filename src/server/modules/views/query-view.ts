import { and, asc, desc, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db, Tx } from '../../platform/db/database';
import { withTenantReading, type WorkspaceContext } from '../../platform/db/tenant';
import { badRequest } from '../../platform/http/errors';
import { planSelect, runSelect, type SelectPlan } from '../../platform/db/rows';
import { prepareView, type CompiledView } from './compile-view';
import { buildCatalog, catalogRead, type FieldCatalog, type ServerField } from './fields';
import { chosenColumns, labelledSelectList, presentRows, type RawRow } from './read-rows';
import type { queryViewBody, ViewDefinition, ViewPage } from './views.contract';

/**
 * CRM-6: a page of a view with keyset pagination on (sort key, id). A page is two index range
 * scans at most: the rows with a sort value, then — for a nullable sort field — the rows
 * without one, which always come last. No OFFSET: page 2,000 costs what page 1 costs.
 */

interface Cursor {
  /** The last row's sort value as PostgreSQL printed it (exact, unlike a JS Date), or null. */
  v: string | null;
  id: string;
}

const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decode(raw: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    if ((typeof c.v === 'string' || c.v === null) && typeof c.id === 'string' && /^[0-9a-f-]{36}$/i.test(c.id)) return c;
  } catch {
    // falls through
  }
  throw badRequest('validation_failed', 'The cursor is not one this server gave out. Start again from the first page.', { fields: { cursor: 'Not a cursor from a previous page.' }, in: 'body' });
}

type Segment = 'values' | 'nulls';

/*
 * Issue 14: the SELECT of a page is built once per shape and kept: building it (drizzle walking the
 * SQL of a dozen labelled columns) was ~9 % of a contacts page's Node CPU. A shape is everything the
 * statement's text and fixed parameters are made from: the workspace, the member and their
 * visibility, the view's object, columns, filter (values included) and sort, the segment and whether
 * a cursor is in it, and the field catalog itself (the WeakMap's key: a catalog is built from the
 * definitions read in the request's own transaction, so a changed definition is a new catalog and a
 * new plan). The limit and the cursor's values are placeholders, filled per page. Nothing else goes
 * in; row-level security applies to every run as it did.
 */
const MAX_PLANS_PER_CATALOG = 500;
const pagePlans = new WeakMap<FieldCatalog, Map<string, SelectPlan | null>>();

function planKey(ctx: WorkspaceContext, def: ViewDefinition, view: CompiledView, segment: Segment, after: Cursor | null): string {
  return JSON.stringify([ctx.workspaceId, ctx.userId ?? null, view.visibility?.kind ?? null, view.visibility?.userId ?? null, def.object, def.columns ?? null, def.filter ?? null, def.sort ?? null, segment, after === null ? 0 : after.v === null ? 1 : 2]);
}

function buildSegment(tx: Tx, view: CompiledView, columns: ServerField[], segment: Segment, after: Cursor | null) {
  const { table, sort } = view;
  const select = labelledSelectList(view.object, table, columns, { sortKey: sql`(${sort.expr})::text` });
  const dir = sort.direction === 'asc' ? asc : desc;
  const cmp = sql.raw(sort.direction === 'asc' ? '>' : '<');
  const conditions: (SQL | undefined)[] = [view.where];
  let order: SQL[];
  if (segment === 'values') {
    if (sort.nullable) conditions.push(sql`${sort.expr} IS NOT NULL`);
    if (after && after.v !== null) conditions.push(sql`(${sort.expr}, ${table.id}) ${cmp} (CAST(${sql.placeholder('cursorValue')} AS ${sql.raw(sort.cast)}), CAST(${sql.placeholder('cursorId')} AS uuid))`);
    order = [dir(sort.expr), dir(table.id)];
  } else {
    conditions.push(sql`${sort.expr} IS NULL`);
    if (after) conditions.push(sql`${table.id} ${cmp} CAST(${sql.placeholder('cursorId')} AS uuid)`);
    order = [dir(table.id)];
  }
  return tx.select(select).from(table).where(and(...conditions)).orderBy(...order).limit(sql.placeholder('limit'));
}

async function readSegment(tx: Tx, ctx: WorkspaceContext, def: ViewDefinition, view: CompiledView, columns: ServerField[], segment: Segment, after: Cursor | null, limit: number): Promise<RawRow[]> {
  const values = { limit, cursorValue: after?.v ?? null, cursorId: after?.id ?? null };
  let plans = pagePlans.get(view.catalog);
  if (!plans) pagePlans.set(view.catalog, (plans = new Map()));
  const key = planKey(ctx, def, view, segment, after);
  let plan = plans.get(key);
  if (plan === undefined) {
    // selectRows' mapping (no per-row field checks); a nested selection would take drizzle's own path.
    plan = planSelect(buildSegment(tx, view, columns, segment, after) as never);
    if (plans.size >= MAX_PLANS_PER_CATALOG) plans.clear();
    plans.set(key, plan);
  }
  if (plan === null) return (await buildSegment(tx, view, columns, segment, after).execute(values)) as RawRow[];
  return runSelect<RawRow>(tx, plan, values);
}

/** The planner's row estimate for the view, or an exact count when that is cheap (small). */
async function totalOf(tx: Tx, view: CompiledView): Promise<{ count: number; exact: boolean }> {
  const query = tx.select({ one: sql`1` }).from(view.table).where(view.where);
  const plan = await tx.execute<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(sql`EXPLAIN (FORMAT JSON) ${query}`);
  const estimate = Math.round(plan.rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0);
  if (estimate > 20_000) return { count: estimate, exact: false };
  const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(view.table).where(view.where);
  return { count: row?.n ?? 0, exact: true };
}

export async function queryView(db: Db, ctx: WorkspaceContext, body: z.infer<typeof queryViewBody>): Promise<ViewPage> {
  const after = body.cursor ? decode(body.cursor) : null;
  // The field catalog's definitions come with BEGIN, in one round trip (issue 14).
  return withTenantReading(db, ctx, catalogRead(ctx, body.view.object), async (tx, definitions) => {
    const view = await prepareView(tx, ctx, body.view, 'view', buildCatalog(body.view.object, definitions));
    const columns = chosenColumns(view.catalog, view.object, body.view.columns);
    const want = body.limit + 1;
    let rows: RawRow[] = [];
    const inNulls = after !== null && after.v === null && view.sort.nullable;
    if (!inNulls) rows = await readSegment(tx, ctx, body.view, view, columns, 'values', after, want);
    if (view.sort.nullable && rows.length < want) rows = rows.concat(await readSegment(tx, ctx, body.view, view, columns, 'nulls', inNulls ? after : null, want - rows.length));
    const page = rows.slice(0, body.limit);
    const last = page[page.length - 1];
    const nextCursor = rows.length > body.limit && last ? encode({ v: (last.sortKey as string | null) ?? null, id: last.id }) : null;
    return {
      columns: columns.map((f) => ({ key: f.key, label: f.label, kind: f.kind, sortable: f.sortable, ...(f.custom?.type === 'currency' || (view.object === 'deals' && f.key === 'amount') ? { money: true } : {}) })),
      rows: await presentRows(tx, ctx, view.object, columns, page, true),
      nextCursor,
      // A first page with no next page holds the whole view: its length is the exact count, with
      // no estimate or count to ask PostgreSQL for (issue 14: the table opens with a total).
      total: body.withTotal ? (after === null && nextCursor === null ? { count: page.length, exact: true } : await totalOf(tx, view)) : null,
    };
  });
}
