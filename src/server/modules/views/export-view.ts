import { PassThrough, type Readable } from 'node:stream';
import { sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { badRequest } from '../../platform/http/errors';
import { recordAudit } from '../audit';
import { recordTypes, type RecordType } from '../crm/crm.contract';
import { prepareView } from './compile-view';
import { csvLine, neutralise, quote } from './csv';
import { exportLine, exportQuery, type ExportFormat } from './export-lines';
import type { RecordTable } from './fields';
import { chosenColumns } from './read-rows';
import { findVisibleView } from './saved-views/present';
import type { ServerField } from './fields';
import type { ViewDefinition } from './views.contract';

/**
 * CRM-8: a view, or everything, as CSV or JSON, streamed. The rows come through a server-side
 * cursor in batches of BATCH inside one transaction, and
 * each batch waits for the client to take the previous one: memory stays flat at any size.
 */
const BATCH = 1000;

export type { ExportFormat };

export interface ExportRequest {
  format: ExportFormat;
  /** A definition sent by the client, or… */
  view?: ViewDefinition;
  /** …a saved view, or… */
  viewId?: string;
  /** …every record of an object with every column. */
  object?: RecordType;
}

export interface ExportStream {
  stream: Readable;
  filename: string;
  contentType: string;
}

/** Above this many rows (the planner's estimate) an export reads labels by joins, not per row. */
const BULK_ROWS = 20_000;

async function estimatedRows(tx: Tx, view: { table: RecordTable; where: SQL | undefined }): Promise<number> {
  const plan = await tx.execute<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(sql`EXPLAIN (FORMAT JSON) ${tx.select({ one: sql`1` }).from(view.table).where(view.where)}`);
  return plan.rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0;
}

/** Every column of the object (activity dates are left to the timeline export). */
const allColumns = (catalog: Map<string, ServerField>) => [...catalog.values()].filter((f) => f.kind !== 'activity').map((f) => f.key);

async function write(out: PassThrough, chunk: string): Promise<void> {
  if (out.destroyed) throw new Error('export client went away');
  if (!out.write(chunk)) {
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        out.off('drain', done);
        out.off('close', gone);
        resolve();
      };
      const gone = () => {
        out.off('drain', done);
        reject(new Error('export client went away'));
      };
      out.once('drain', done);
      out.once('close', gone);
    });
  }
}

/** Streams one object's rows into `out`; returns how many. JSON objects after the first get a comma. */
async function streamObject(tx: Tx, ctx: WorkspaceContext, def: ViewDefinition, format: ExportFormat, out: PassThrough, explicitColumns: boolean): Promise<number> {
  const view = await prepareView(tx, ctx, def);
  const columns = chosenColumns(view.catalog, view.object, explicitColumns ? def.columns : allColumns(view.catalog));
  const bulk = (await estimatedRows(tx, view)) > BULK_ROWS;
  if (bulk) {
    // The whole result will be read: plan for all of it, not the first tenth (the cursor
    // default), and without parallel workers that would each build the same hash tables.
    await tx.execute(sql`SET LOCAL cursor_tuple_fraction = 1`);
    await tx.execute(sql`SET LOCAL max_parallel_workers_per_gather = 0`);
  }
  const cursor = `kestrel_export_${view.object}`;
  const inner = exportQuery(view, ctx.workspaceId, columns, format, bulk);
  await tx.execute(sql`DECLARE ${sql.identifier(cursor)} NO SCROLL CURSOR FOR SELECT ${exportLine(columns, format)} AS line FROM (${inner}) s`);
  if (format === 'csv') await write(out, csvLine(['id', ...columns.map((c) => quote(neutralise(c.label)))]));
  let count = 0;
  for (;;) {
    const batch = await tx.execute<{ line: string }>(sql`FETCH ${sql.raw(String(BATCH))} FROM ${sql.identifier(cursor)}`);
    if (!batch.rows.length) break;
    let chunk = '';
    for (const { line } of batch.rows) {
      chunk += format === 'csv' ? line : `${count > 0 ? ',' : ''}\n${line}`;
      count++;
    }
    await write(out, chunk);
    if (batch.rows.length < BATCH) break;
  }
  await tx.execute(sql`CLOSE ${sql.identifier(cursor)}`);
  return count;
}

/** Resolves what to export (a 400 or 404 comes before any byte is sent), audits it, and starts the stream. */
export async function exportView(db: Db, ctx: WorkspaceContext, req: ExportRequest): Promise<ExportStream> {
  const target = await withTenant(db, ctx, async (tx) => {
    let def: ViewDefinition;
    let explicit = true;
    let name: string;
    if (req.view) {
      def = req.view;
      name = def.object;
    } else if (req.viewId) {
      const saved = await findVisibleView(tx, ctx, req.viewId);
      def = saved.definition;
      name = saved.name;
    } else if (req.object) {
      def = { object: req.object };
      explicit = false;
      name = req.object;
    } else {
      throw badRequest('validation_failed', 'Choose what to export: an object or a saved view.', { fields: { object: 'Choose contacts, companies or deals, or a view.' }, in: 'querystring' });
    }
    // Validates before the first byte; the stream's own transaction checks again.
    await prepareView(tx, ctx, def, req.view ? 'view' : 'definition');
    await recordAudit(tx, ctx, {
      action: 'crm.export',
      targetType: def.object,
      targetId: req.viewId ?? null,
      details: { format: req.format, filtered: !!def.filter?.conditions.length, columns: explicit ? (def.columns ?? null) : 'all' },
    });
    return { def, explicit, name };
  });

  const out = new PassThrough();
  void withTenant(db, ctx, async (tx) => {
    if (req.format === 'json') await write(out, '[');
    await streamObject(tx, ctx, target.def, req.format, out, target.explicit);
    if (req.format === 'json') await write(out, '\n]\n');
  }).then(
    () => out.end(),
    (err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))),
  );
  const stamp = new Date().toISOString().slice(0, 10);
  const safe = target.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || target.def.object;
  return {
    stream: out,
    filename: `${safe}-${stamp}.${req.format}`,
    contentType: req.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
  };
}

/** CRM-8 "everything": one JSON document, `{ "contacts": [...], "companies": [...], "deals": [...] }`, streamed. */
export async function exportEverything(db: Db, ctx: WorkspaceContext): Promise<ExportStream> {
  await withTenant(db, ctx, (tx) => recordAudit(tx, ctx, { action: 'crm.export', targetType: 'workspace', details: { format: 'json', everything: true } }));
  const out = new PassThrough();
  void withTenant(db, ctx, async (tx) => {
    await write(out, '{');
    for (const [i, object] of recordTypes.entries()) {
      await write(out, `${i ? ',' : ''}\n${JSON.stringify(object)}: [`);
      await streamObject(tx, ctx, { object }, 'json', out, false);
      await write(out, '\n]');
    }
    await write(out, '\n}\n');
  }).then(
    () => out.end(),
    (err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))),
  );
  return { stream: out, filename: `kestrel-crm-${new Date().toISOString().slice(0, 10)}.json`, contentType: 'application/json; charset=utf-8' };
}
