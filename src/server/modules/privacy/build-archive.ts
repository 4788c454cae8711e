import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { ZipArchive, type Archiver } from 'archiver';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { dataEntries } from '../../platform/data/all';
import type { DataEntry } from '../../platform/data/registry';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant } from '../../platform/db/tenant';
import { columnCatalogue } from './person-match';

/** PRIV-2: the tables a workspace export holds — every registry table whose rows are exported. */
export const exportedTables = (): DataEntry[] => dataEntries().filter((e) => e.scope === 'workspace' && e.export.kind === 'rows');

export const omitted = (e: DataEntry) => (e.export.kind === 'rows' ? (e.export.omit ?? []) : []);
const ownRows = (e: DataEntry, workspaceId: string) => (e.table === 'workspaces' ? sql`id = ${workspaceId}` : sql`workspace_id = ${workspaceId}`);

export interface ArchiveProgress {
  (done: number, total: number): Promise<void>;
}

/** One table of an archive: which rows (a condition on the table, aliased `t`) and under which name. */
export interface ArchivePart {
  entry: DataEntry;
  where: SQL;
  /** The file name inside the archive, without extension (default: the table's name). */
  name?: string;
}

/** Waits for a stream to take more when it asks to (backpressure), or fails when it is gone. */
async function write(out: Writable, chunk: string | Buffer): Promise<void> {
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

/** The pg client under a drizzle transaction (ours and drizzle's both keep it on the session). */
const clientOf = (tx: Tx) => (tx as unknown as { session: { client: pg.ClientBase } }).session.client;

/**
 * PRIV-2, OPS-3: writes everything a workspace holds, as a zip with `json/<table>.json` (an array
 * of rows) and `csv/<table>.csv` (a header and one line a row, formula cells neutralised) for every
 * exported table, into `out`. One consistent snapshot (one transaction).
 */
export async function writeWorkspaceArchive(db: Db, workspaceId: string, out: Writable, scratchDir: string, onProgress?: ArchiveProgress): Promise<{ rows: number; tables: number }> {
  return withTenant(db, { workspaceId, userId: null }, async (tx) => {
    const columns = await columnCatalogue(tx);
    const parts = exportedTables()
      .filter((e) => columns.has(e.table))
      .map((entry) => ({ entry, where: ownRows(entry, workspaceId) }));
    return writeArchive(tx, parts, { workspaceId, exportedAt: new Date().toISOString() }, out, scratchDir, onProgress);
  });
}

/**
 * Writes `parts` into a zip on `out`, inside the caller's transaction (its snapshot and its
 * row-level security). Each table leaves PostgreSQL by `COPY … TO STDOUT (FORMAT binary)`: the
 * server renders each row's JSON and CSV line, Node only frames them, and the COPY stream is
 * paused whenever the archive (and through it `out`) is not taking more — memory stays flat at
 * any size. JSON goes straight into the zip; the CSV files wait on disk in `scratchDir` (0600)
 * and are added after, so each table is read once.
 */
export async function writeArchive(tx: Tx, parts: ArchivePart[], manifest: Record<string, unknown>, out: Writable, scratchDir: string, onProgress?: ArchiveProgress): Promise<{ rows: number; tables: number }> {
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const done = finished(out);
  archive.pipe(out);
  const archiveFailed = new Promise<never>((_, reject) => archive.on('error', reject));
  archiveFailed.catch(() => {});
  const scratch = await mkdtemp(path.join(scratchDir, 'export-'));
  try {
    const columns = await columnCatalogue(tx);
    const present = parts.filter((p) => columns.has(p.entry.table));
    let total = 0;
    for (const p of present) total += (await tx.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${sql.identifier(p.entry.table)} t WHERE ${p.where}`)).rows[0]!.n;
    await onProgress?.(0, total);
    let rows = 0;
    const csvFiles: { file: string; name: string }[] = [];
    for (const part of present) {
      const cols = [...columns.get(part.entry.table)!.keys()].filter((c) => !omitted(part.entry).includes(c));
      rows += await writeTable(tx, part, cols, archive, scratch, csvFiles, async (n) => {
        await onProgress?.(rows + n, total);
      });
    }
    for (const f of csvFiles) archive.file(f.file, { name: f.name, mode: 0o600 });
    archive.append(
      JSON.stringify({ ...manifest, tables: present.map((p) => ({ table: p.entry.table, file: p.name ?? p.entry.table, module: p.entry.module, description: p.entry.description, omitted: omitted(p.entry) })) }, null, 2),
      { name: 'manifest.json' },
    );
    await Promise.race([archive.finalize(), archiveFailed]);
    await done;
    return { rows, tables: present.length };
  } catch (error) {
    archive.abort();
    throw error;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function writeTable(tx: Tx, part: ArchivePart, columns: string[], archive: Archiver, scratch: string, csvFiles: { file: string; name: string }[], progress: (n: number) => Promise<void>): Promise<number> {
  const { entry } = part;
  const name = part.name ?? entry.table;
  const json = new PassThrough();
  archive.append(json, { name: `json/${name}.json` });
  const csvPath = path.join(scratch, `${csvFiles.length}.csv`);
  const csv = createWriteStream(csvPath, { mode: 0o600 });
  const csvDone = finished(csv);
  csvFiles.push({ file: csvPath, name: `csv/${name}.csv` });
  const cells = sql.join(columns.map((c) => sql`kestrel_csv_text(${sql.identifier(c)}::text)`), sql`, `);
  // The statement is rendered by drizzle (identifiers quoted, values inlined as literals: COPY takes no parameters).
  const query = dialect.sqlToQuery(
    sql`SELECT (to_jsonb(t) - ${sql.raw(textArrayLiteral(omitted(entry)))}::text[])::text AS j, concat_ws(',', ${cells}) AS c FROM ${sql.identifier(entry.table)} t WHERE ${part.where}`.inlineParams(),
  );
  await write(csv, `${columns.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',')}\r\n`);
  await write(json, '[');
  let n = 0;
  const stream = clientOf(tx).query(copyTo(`COPY (${query.sql}) TO STDOUT (FORMAT binary)`));
  for await (const batch of binaryRows(stream)) {
    const jsonParts: Buffer[] = [];
    const csvParts: Buffer[] = [];
    for (const [j, c] of batch) {
      jsonParts.push(n++ ? COMMA_LINE : LINE, j!);
      csvParts.push(c!, CRLF);
    }
    await write(json, Buffer.concat(jsonParts));
    await write(csv, Buffer.concat(csvParts));
    await progress(n);
  }
  json.end('\n]\n');
  csv.end();
  await csvDone;
  return n;
}

const dialect = new PgDialect();
const LINE = Buffer.from('\n');
const COMMA_LINE = Buffer.from(',\n');
const CRLF = Buffer.from('\r\n');
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** `ARRAY['a','b']` as a literal (the omitted columns are names from our own registry). */
const textArrayLiteral = (values: string[]) => `ARRAY[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(',')}]`;

/**
 * Splits PostgreSQL's binary COPY stream into rows of fields (text fields arrive as their UTF-8
 * bytes, untouched), a chunk's worth at a time. The stream is read only as fast as the caller
 * consumes what is yielded, so a slow archive holds the COPY back.
 */
export async function* binaryRows(stream: Readable): AsyncGenerator<(Buffer | null)[][]> {
  let buf: Buffer = Buffer.alloc(0);
  let headerDone = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    let at = 0;
    if (!headerDone) {
      if (buf.length < 19) continue;
      if (!buf.subarray(0, 11).equals(SIGNATURE)) throw new Error('Not a binary COPY stream');
      const extension = buf.readUInt32BE(15);
      if (buf.length < 19 + extension) continue;
      at = 19 + extension;
      headerDone = true;
    }
    const rows: (Buffer | null)[][] = [];
    for (;;) {
      if (buf.length - at < 2) break;
      const fields = buf.readInt16BE(at);
      if (fields === -1) {
        at += 2;
        break;
      }
      let p = at + 2;
      const row: (Buffer | null)[] = [];
      for (let f = 0; f < fields; f++) {
        if (buf.length - p < 4) break;
        const len = buf.readInt32BE(p);
        p += 4;
        if (len === -1) row.push(null);
        else {
          if (buf.length - p < len) break;
          row.push(buf.subarray(p, p + len));
          p += len;
        }
      }
      if (row.length < fields) break;
      rows.push(row);
      at = p;
    }
    // What is left is the start of a row that the next chunk completes; copied so that the chunk's
    // memory is not kept alive by a small slice of it.
    buf = at < buf.length ? Buffer.from(buf.subarray(at)) : Buffer.alloc(0);
    if (rows.length) yield rows;
  }
}
