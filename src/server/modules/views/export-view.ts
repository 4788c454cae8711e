import { PassThrough, type Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { badRequest } from '../../platform/http/errors';
import { recordAudit } from '../audit/record-audit';
import { recordTypes, type RecordType } from '../crm/crm.contract';
import { prepareView } from './compile-view';
import { cellText, csvLine, neutralise, quote } from './csv';
import { chosenColumns, presentRows, selectList, type RawRow } from './read-rows';
import { findVisibleView } from './saved-views/present';
import type { ServerField } from './fields';
import type { ViewDefinition } from './views.contract';

/**
 * CRM-8: a view, or everything, as CSV or JSON, streamed. The rows come through a server-side
 * cursor in batches of BATCH inside one transaction, and
 * each batch waits for the client to take the previous one: memory stays flat at any size.
 */
const BATCH = 1000;

export type ExportFormat = 'csv' | 'json';

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

/** Streams one object's rows into `out`; returns how many. `first` tells JSON whether a comma is needed. */
async function streamObject(tx: Tx, ctx: WorkspaceContext, def: ViewDefinition, format: ExportFormat, out: PassThrough, explicitColumns: boolean): Promise<number> {
  const view = await prepareView(tx, ctx, def);
  const columns = chosenColumns(view.catalog, view.object, explicitColumns ? def.columns : allColumns(view.catalog));
  const query = tx.select(selectList(view.table, columns)).from(view.table).where(view.where).orderBy(...view.orderBy);
  const cursor = `kestrel_export_${view.object}`;
  await tx.execute(sql`DECLARE ${sql.identifier(cursor)} NO SCROLL CURSOR FOR ${query}`);
  if (format === 'csv') await write(out, csvLine(['id', ...columns.map((c) => quote(neutralise(c.label)))]));
  let count = 0;
  for (;;) {
    const batch = await tx.execute<RawRow>(sql`FETCH ${sql.raw(String(BATCH))} FROM ${sql.identifier(cursor)}`);
    if (!batch.rows.length) break;
    const rows = await presentRows(tx, ctx, view.object, columns, batch.rows);
    let chunk = '';
    for (const row of rows) {
      if (format === 'csv') chunk += csvLine([row.id, ...columns.map((c) => cellText(row.cells[c.key] ?? null))]);
      else chunk += `${count > 0 ? ',' : ''}\n${JSON.stringify({ id: row.id, ...row.cells })}`;
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
