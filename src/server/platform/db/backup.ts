import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { chmod, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { SecretBox } from '../crypto/secret-box';

/**
 * SEC-3: a backup is every row of the `public` schema, streamed with COPY inside one
 * repeatable-read snapshot into a gzipped file of our own format (docs/decisions/013):
 *
 *   {"format":"kestrel-backup",...header}            one JSON line
 *   {"table":"contacts","columns":[...]}             per table: a JSON line,
 *   <COPY text rows>                                 its rows (newlines inside values are escaped),
 *   \.                                               and the end marker COPY itself uses
 *   {"sequences":[...]}                              sequence positions
 *   {"end":true,"rows":{"contacts":12,...}}          row counts, so a cut-off file is noticed
 *
 * The secrets key is never in it. The header carries a canary sealed with the current key, so a
 * restore with other keys is refused before anything is written.
 */
export const BACKUP_FORMAT = 'kestrel-backup';
export const BACKUP_VERSION = 1;
const CANARY = 'kestrel backup canary';
const CANARY_AAD = 'backup:canary';

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  /** The migrations applied to the database backed up, oldest first (drizzle's hashes). */
  migrations: string[];
  canary: string;
}

export interface BackupResult {
  file: string;
  bytes: number;
  rows: Record<string, number>;
}

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** `kestrel-20261202T031500Z.kbackup`: sortable, and the date that pruning reads. */
export function backupFileName(at: Date): string {
  return `kestrel-${at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.kbackup`;
}
const namePattern = /^kestrel-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.kbackup$/;

export function backupDate(name: string): Date | null {
  const m = namePattern.exec(name);
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : null;
}

/**
 * SEC-3: the rolling window. Backups (named by `backupFileName`) older than `days` are deleted, so
 * a person erased from the database is gone from every backup within that window. Other files in
 * the folder are left alone. Answers the names deleted.
 */
export async function pruneBackups(dir: string, now: Date, days: number): Promise<string[]> {
  const cutoff = now.getTime() - days * 86_400_000;
  const deleted: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const at = backupDate(name);
    if (at && at.getTime() < cutoff) {
      await rm(path.join(dir, name));
      deleted.push(name);
    }
  }
  return deleted;
}

async function publicTables(client: pg.ClientBase): Promise<{ name: string; columns: string[] }[]> {
  const { rows } = await client.query<{ name: string; columns: string[] }>(`
    SELECT c.relname AS name,
           array_agg(a.attname::text ORDER BY a.attnum) AS columns
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
     GROUP BY c.relname
     ORDER BY c.relname`);
  return rows;
}

async function appliedMigrations(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ hash: string }>('SELECT hash FROM drizzle.__drizzle_migrations ORDER BY created_at, id');
  return rows.map((r) => r.hash);
}

const q = (client: pg.ClientBase, name: string) => client.escapeIdentifier(name);

/** Writes a backup of the database at `ownerUrl` to `file` (mode 0600; an existing file is never overwritten). */
export async function backupDatabase(ownerUrl: string, box: SecretBox, file: string): Promise<BackupResult> {
  if (existsSync(file)) throw new BackupError(`${file} already exists: a backup never overwrites a file.`);
  const partial = `${file}.partial`;
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  const rowsPerTable: Record<string, number> = {};
  try {
    // One snapshot for every table: the backup is consistent even while the app writes.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const header: BackupHeader = { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: new Date().toISOString(), migrations: await appliedMigrations(client), canary: box.seal(CANARY, CANARY_AAD) };
    const tables = await publicTables(client);
    const { rows: sequences } = await client.query<{ name: string }>("SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY 1");
    const seqValues: { name: string; value: string; called: boolean }[] = [];
    for (const s of sequences) {
      const { rows } = await client.query<{ last_value: string; is_called: boolean }>(`SELECT last_value::text, is_called FROM ${q(client, s.name)}`);
      seqValues.push({ name: s.name, value: rows[0]!.last_value, called: rows[0]!.is_called });
    }

    const gzip = createGzip({ level: 6 });
    const out = createWriteStream(partial, { flags: 'wx', mode: 0o600 });
    const done = pipeline(gzip, out);
    const write = (chunk: string | Buffer) => (gzip.write(chunk) ? Promise.resolve() : new Promise<void>((resolve) => gzip.once('drain', () => resolve())));
    await write(`${JSON.stringify(header)}\n`);
    for (const table of tables) {
      await write(`${JSON.stringify({ table: table.name, columns: table.columns })}\n`);
      let count = 0;
      const stream = client.query(copyTo(`COPY ${q(client, table.name)} (${table.columns.map((c) => q(client, c)).join(', ')}) TO STDOUT`));
      await pipeline(
        stream,
        new Writable({
          write(chunk: Buffer, _encoding, callback) {
            for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count++;
            write(chunk).then(() => callback(), callback);
          },
        }),
      );
      rowsPerTable[table.name] = count;
      await write('\\.\n');
    }
    await write(`${JSON.stringify({ sequences: seqValues })}\n`);
    await write(`${JSON.stringify({ end: true, rows: rowsPerTable })}\n`);
    gzip.end();
    await done;
    await client.query('COMMIT');
    await chmod(partial, 0o600);
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
  const { size } = await stat(file);
  return { file, bytes: size, rows: rowsPerTable };
}

/** Reads the header alone: which version made the backup and whether our keys open it. */
async function readHeader(file: string): Promise<BackupHeader> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  try {
    for await (const line of lines) return parseHeader(line);
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`${file} is not a Kestrel backup (${error instanceof Error ? error.message : String(error)}).`);
  } finally {
    lines.close();
  }
  throw new BackupError(`${file} is empty.`);
}

function parseHeader(line: string): BackupHeader {
  let header: Partial<BackupHeader>;
  try {
    header = JSON.parse(line);
  } catch {
    throw new BackupError('This file is not a Kestrel backup.');
  }
  if (header.format !== BACKUP_FORMAT) throw new BackupError('This file is not a Kestrel backup.');
  if (header.version !== BACKUP_VERSION) throw new BackupError(`This backup has format version ${header.version}; this Kestrel reads version ${BACKUP_VERSION}.`);
  return header as BackupHeader;
}

/**
 * Restores `file` into the (migrated) database at `ownerUrl`. Refused, with nothing written, when
 * the database holds any row, when our secrets keys do not open the backup's canary, or when the
 * backup was made by a Kestrel with other migrations. All rows go in one transaction: a failure
 * half-way leaves the database as empty as it was.
 */
export interface RestoreOptions {
  /**
   * Drop the secondary indexes (those that back no constraint) inside the restore's transaction and
   * build them again once every row is in, with `maintenance_work_mem` raised for this session:
   * one sort per index instead of an index insert per row. Default on; off keeps every index
   * while the rows arrive (measured against in bench/privacy.bench.ts).
   */
  indexesAfterData?: boolean;
  /** `maintenance_work_mem` for the index builds (default 256MB). */
  maintenanceWorkMem?: string;
}

/** The indexes on `public` tables that back no constraint (primary keys, unique and exclusion constraints keep theirs). */
async function secondaryIndexes(client: pg.ClientBase): Promise<{ name: string; definition: string }[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(`
    SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
      FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'public' AND t.relkind = 'r'
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
     ORDER BY t.relname, i.relname`);
  return rows;
}

export async function restoreDatabase(ownerUrl: string, box: SecretBox, file: string, options: RestoreOptions = {}): Promise<{ rows: Record<string, number> }> {
  if (!existsSync(file)) throw new BackupError(`${file} does not exist.`);
  const header = await readHeader(file);
  try {
    if (box.open(header.canary, CANARY_AAD) !== CANARY) throw new Error('canary differs');
  } catch {
    const theirs = box.keyIdOf(header.canary) ?? '?';
    throw new BackupError(
      `The secrets keys do not match this backup (${theirs === box.currentKeyId ? `it was sealed with another key, also named "${theirs}"` : `it was sealed with key "${theirs}", which is not among the keys here`}). ` +
        'Restore with the KESTREL_SECRET_KEYS (or DATA_DIR/dev-secrets.json) of the installation that made it. Nothing was restored.',
    );
  }

  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const migrations = await appliedMigrations(client);
    if (migrations.join() !== header.migrations.join()) {
      throw new BackupError(
        `This backup was made by a Kestrel with ${header.migrations.length} database migrations; this one has ${migrations.length}. ` +
          'Restore it with the Kestrel version that made it (then upgrade). Nothing was restored.',
      );
    }
    const tables = await publicTables(client);
    const filled: string[] = [];
    for (const t of tables) {
      const { rows } = await client.query(`SELECT 1 FROM ${q(client, t.name)} LIMIT 1`);
      if (rows.length) filled.push(t.name);
    }
    if (filled.length) {
      throw new BackupError(`The database is not empty (${filled.slice(0, 5).join(', ')}${filled.length > 5 ? ', …' : ''} hold rows): restore only into a new, empty database. Nothing was restored.`);
    }
    const known = new Set(tables.map((t) => t.name));

    await client.query('BEGIN');
    // Rows go in as they were: foreign keys and triggers (search terms, notifications) stay quiet.
    // That needs a superuser (the embedded database's owner is one); otherwise user triggers are
    // switched off per table and foreign keys are checked as the rows arrive in file order.
    await client.query('SAVEPOINT replica');
    let replica = true;
    try {
      await client.query('SET LOCAL session_replication_role = replica');
    } catch {
      replica = false;
      await client.query('ROLLBACK TO SAVEPOINT replica');
      await client.query('SET CONSTRAINTS ALL DEFERRED');
    }

    // Indexes after data (what pg_restore does): dropped here, in the transaction, and built again
    // before COMMIT, so a failure leaves them as they were.
    const dropped = options.indexesAfterData === false ? [] : await secondaryIndexes(client);
    if (dropped.length) {
      await client.query(`SET LOCAL maintenance_work_mem = '${(options.maintenanceWorkMem ?? '256MB').replace(/[^0-9A-Za-z]/g, '')}'`);
      for (const index of dropped) await client.query(`DROP INDEX ${q(client, index.name)}`);
    }

    const rows: Record<string, number> = {};
    const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
    let copy: Writable | null = null;
    let copyDone: Promise<void> | null = null;
    let current = '';
    let count = 0;
    let ended: { rows: Record<string, number> } | null = null;
    let first = true;
    // Rows are handed to COPY in batches: one write per row cost more than the COPY itself.
    let batch: string[] = [];
    let batchChars = 0;
    const flush = async () => {
      if (!batch.length) return;
      const chunk = `${batch.join('\n')}\n`;
      batch = [];
      batchChars = 0;
      if (!copy!.write(chunk)) await Promise.race([new Promise<void>((resolve) => copy!.once('drain', () => resolve())), copyDone]);
    };
    for await (const line of lines) {
      if (first) {
        first = false;
        continue;
      }
      if (copy) {
        if (line === '\\.') {
          await flush();
          copy.end();
          await copyDone;
          rows[current] = count;
          copy = null;
          continue;
        }
        count++;
        batch.push(line);
        batchChars += line.length;
        if (batchChars >= 65_536) await flush();
        continue;
      }
      const entry = JSON.parse(line) as { table?: string; columns?: string[]; sequences?: { name: string; value: string; called: boolean }[]; end?: boolean; rows?: Record<string, number> };
      if (entry.table && entry.columns) {
        if (!known.has(entry.table)) throw new BackupError(`The backup holds a table "${entry.table}" this database does not have. Nothing was restored.`);
        current = entry.table;
        count = 0;
        if (!replica) await client.query(`ALTER TABLE ${q(client, current)} DISABLE TRIGGER USER`);
        const stream = client.query(copyFrom(`COPY ${q(client, current)} (${entry.columns.map((c) => q(client, c)).join(', ')}) FROM STDIN`));
        copy = stream;
        copyDone = new Promise<void>((resolve, reject) => {
          stream.on('finish', () => resolve());
          stream.on('error', reject);
        });
        copyDone.catch(() => {}); // awaited at the end marker; a failure there is thrown then
      } else if (entry.sequences) {
        for (const s of entry.sequences) await client.query('SELECT setval($1::regclass, $2::bigint, $3)', [q(client, s.name), s.value, s.called]);
      } else if (entry.end) {
        ended = { rows: entry.rows ?? {} };
      }
    }
    if (!ended || copy) throw new BackupError(`${file} is cut off (it has no end): restore a complete backup. Nothing was restored.`);
    for (const [table, expected] of Object.entries(ended.rows)) {
      if (rows[table] !== expected) throw new BackupError(`${file} is damaged: table ${table} should have ${expected} rows, found ${rows[table] ?? 0}. Nothing was restored.`);
    }
    if (!replica) for (const table of Object.keys(rows)) await client.query(`ALTER TABLE ${q(client, table)} ENABLE TRIGGER USER`);
    for (const index of dropped) await client.query(index.definition);
    await client.query('COMMIT');
    return { rows };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
}
