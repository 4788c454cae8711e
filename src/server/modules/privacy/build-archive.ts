import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { ZipArchive, type Archiver } from 'archiver';
import { sql } from 'drizzle-orm';
import { dataEntries } from '../../platform/data/all';
import type { DataEntry } from '../../platform/data/registry';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant } from '../../platform/db/tenant';
import { columnCatalogue } from './person-match';

const BATCH = 1000;

/** PRIV-2: the tables a workspace export holds — every registry table whose rows are exported. */
export const exportedTables = (): DataEntry[] => dataEntries().filter((e) => e.scope === 'workspace' && e.export.kind === 'rows');

const omitted = (e: DataEntry) => (e.export.kind === 'rows' ? (e.export.omit ?? []) : []);
const ownRows = (e: DataEntry, workspaceId: string) => (e.table === 'workspaces' ? sql`id = ${workspaceId}` : sql`workspace_id = ${workspaceId}`);

export interface ArchiveProgress {
  (done: number, total: number): Promise<void>;
}

/** Waits for a stream to take more when it asks to (backpressure), or fails when it is gone. */
async function write(out: Writable, chunk: string): Promise<void> {
  if (out.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      out.off('error', fail);
      resolve();
    };
    const fail = (e: Error) => {
      out.off('drain', done);
      reject(e);
    };
    out.once('drain', done);
    out.once('error', fail);
  });
}

const finished = (s: Writable) =>
  new Promise<void>((resolve, reject) => {
    s.once('finish', resolve);
    s.once('close', resolve);
    s.once('error', reject);
  });

/**
 * PRIV-2, OPS-3: writes everything a workspace holds, as a zip with `json/<table>.json` (an array
 * of rows) and `csv/<table>.csv` (a header and one line a row, formula cells neutralised) for every
 * exported table, into `out`. One consistent snapshot (one transaction); rows come through a
 * server-side cursor a batch at a time and each batch waits for the archive to take it, while the
 * CSV files wait on disk in `scratchDir` (0600): memory stays flat at any size.
 */
export async function writeWorkspaceArchive(db: Db, workspaceId: string, out: Writable, scratchDir: string, onProgress?: ArchiveProgress): Promise<{ rows: number; tables: number }> {
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const done = finished(out);
  archive.pipe(out);
  const archiveFailed = new Promise<never>((_, reject) => archive.on('error', reject));
  archiveFailed.catch(() => {});
  const scratch = await mkdtemp(path.join(scratchDir, 'export-'));
  try {
    const result = await withTenant(db, { workspaceId, userId: null }, async (tx) => {
      await tx.execute(sql`SET LOCAL cursor_tuple_fraction = 1`);
      const columns = await columnCatalogue(tx);
      const tables = exportedTables().filter((e) => columns.has(e.table));
      let total = 0;
      for (const e of tables) total += (await tx.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${sql.identifier(e.table)} WHERE ${ownRows(e, workspaceId)}`)).rows[0]!.n;
      await onProgress?.(0, total);
      let rows = 0;
      const csvFiles: { file: string; name: string }[] = [];
      for (const entry of tables) {
        rows += await writeTable(tx, entry, [...columns.get(entry.table)!.keys()].filter((c) => !omitted(entry).includes(c)), workspaceId, archive, scratch, csvFiles, async (n) => {
          await onProgress?.(rows + n, total);
        });
      }
      for (const f of csvFiles) archive.file(f.file, { name: f.name, mode: 0o600 });
      archive.append(
        JSON.stringify({ workspaceId, exportedAt: new Date().toISOString(), tables: tables.map((t) => ({ table: t.table, module: t.module, description: t.description, omitted: omitted(t) })) }, null, 2),
        { name: 'manifest.json' },
      );
      return { rows, tables: tables.length };
    });
    await Promise.race([archive.finalize(), archiveFailed]);
    await done;
    return result;
  } catch (error) {
    archive.abort();
    throw error;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function writeTable(tx: Tx, entry: DataEntry, columns: string[], workspaceId: string, archive: Archiver, scratch: string, csvFiles: { file: string; name: string }[], progress: (n: number) => Promise<void>): Promise<number> {
  const json = new PassThrough();
  archive.append(json, { name: `json/${entry.table}.json` });
  const csvPath = path.join(scratch, `${entry.table}.csv`);
  const csv = createWriteStream(csvPath, { mode: 0o600 });
  const csvDone = finished(csv);
  csvFiles.push({ file: csvPath, name: `csv/${entry.table}.csv` });
  const cells = sql.join(columns.map((c) => sql`kestrel_csv_text(${sql.identifier(c)}::text)`), sql`, `);
  const cursor = `export_${entry.table}`;
  await tx.execute(sql`DECLARE ${sql.identifier(cursor)} NO SCROLL CURSOR FOR
    SELECT (to_jsonb(t) - ${sql.param(omitted(entry))}::text[])::text AS j, concat_ws(',', ${cells}) AS c
    FROM ${sql.identifier(entry.table)} t WHERE ${ownRows(entry, workspaceId)}`);
  await write(csv, `${columns.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',')}\r\n`);
  await write(json, '[');
  let n = 0;
  for (;;) {
    const batch = await tx.execute<{ j: string; c: string }>(sql`FETCH ${sql.raw(String(BATCH))} FROM ${sql.identifier(cursor)}`);
    if (!batch.rows.length) break;
    await write(json, (n ? ',\n' : '\n') + batch.rows.map((r) => r.j).join(',\n'));
    await write(csv, batch.rows.map((r) => `${r.c}\r\n`).join(''));
    n += batch.rows.length;
    await progress(n);
    if (batch.rows.length < BATCH) break;
  }
  await tx.execute(sql`CLOSE ${sql.identifier(cursor)}`);
  json.end('\n]\n');
  csv.end();
  await csvDone;
  return n;
}
