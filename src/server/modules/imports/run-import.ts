import { rm } from 'node:fs/promises';
import v8 from 'node:v8';
import { and, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { uuidv7 } from 'uuidv7';
import { setScope, type Database, type Tx } from '../../platform/db/database';
import * as schema from '../../platform/db/schema';
import { withTenant } from '../../platform/db/tenant';
import { AppError } from '../../platform/http/errors';
import { enqueue } from '../../platform/jobs/jobs';
import { rescoreWorkspaceJob } from '../rules/rescore.job';
import { loadScoringRules, rescoreContacts } from '../rules/scoring';
import { loadTerritoryMatcher } from '../rules/territories';
import { loadWorkspaceFacts } from './import-context';
import { importRecords, imports } from './imports.schema';
import { mergeStaged } from './merge';
import { rowNormaliser, type RowProblem, type RowResult } from './normalise-row';
import { readRows, type Encoding, type FileRow, type FileType } from './read-file';
import { copyStageSql, createStageSql, stageLine, type StagedObject } from './staging';
import { capYoungGeneration } from './young-generation';
import { storedFilePath } from './upload-import';
import { admit } from '../billing';

/**
 * CRM-7: runs one queued import from its stored file to the end: stream-parse, check and
 * normalise each row in JS, COPY the good rows into a temporary staging table in batches, then
 * merge set-based. Everything the import writes commits in one transaction (so all-or-nothing is
 * real, and a crash leaves nothing half-done); progress is written beside it on another connection.
 */

export interface RunImportDeps {
  database: Pick<Database, 'db' | 'pool'>;
  dataDir: string;
  /** Issue 14: config.IMPORT_YOUNG_MIB (young-generation.ts); absent: its default. */
  youngGenerationMiB?: number;
  logger?: { warn: (o: object, m: string) => void; info?: (o: object, m: string) => void };
}

export interface RunImportResult {
  status: 'completed' | 'failed';
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  rows: number;
  error: string | null;
}

/** Report lines kept per import; past this only the count grows. */
const MAX_REPORT = 100_000;
/** Rows per COPY statement: between two, the report lines found so far are written. */
const COPY_BATCH = 100_000;
const PROGRESS_EVERY_MS = 500;
/** Characters of COPY text gathered before one write to the COPY stream. */
const STAGE_WRITE_CHARS = 16 * 1024;

export async function runImport(deps: RunImportDeps, workspaceId: string, importId: string): Promise<RunImportResult> {
  const { db, pool } = deps.database;
  const scope = { workspaceId, userId: null };
  const row = await withTenant(db, scope, async (tx) => {
    const [r] = await tx.select().from(imports).where(and(eq(imports.workspaceId, workspaceId), eq(imports.id, importId))).for('update');
    if (!r || r.status !== 'queued' || !r.options) return null;
    await tx.update(imports).set({ status: 'running', phase: 'reading', startedAt: new Date(), rowsProcessed: 0 }).where(and(eq(imports.workspaceId, workspaceId), eq(imports.id, importId)));
    return r;
  });
  if (!row) return { status: 'failed', created: 0, updated: 0, skipped: 0, failed: 0, rows: 0, error: 'This import is not waiting to run.' };
  const options = row.options!;
  const filePath = storedFilePath(deps.dataDir, workspaceId, importId);

  // Progress goes through the pool, outside the import's transaction, so the page sees it live.
  let progressChain = Promise.resolve();
  let lastProgress = 0;
  const progress = (values: Partial<typeof imports.$inferInsert>, force = false) => {
    const now = Date.now();
    if (!force && now - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = now;
    progressChain = progressChain
      .then(() => withTenant(db, scope, (tx) => tx.update(imports).set(values).where(and(eq(imports.workspaceId, workspaceId), eq(imports.id, importId)))))
      .then(() => undefined, () => undefined);
  };

  // A connection of its own: the staging table is temporary and session-local, and COPY needs the raw client.
  const client = new pg.Client({ ...(pool as unknown as { options: pg.ClientConfig }).options });
  client.on('error', () => {});
  await client.connect();
  // Where the time goes (issue 14): each statement's wall time, summed by its first words, logged at the end.
  const profile = new Map<string, { ms: number; n: number }>();
  // And where the memory goes (issue 14, < 300 MB): the process's RSS and V8 heap at each phase, in MiB.
  const memory: Record<string, MemoryNote> = { start: memoryNote() };
  const began = performance.now();
  const q = async (text: string, params?: unknown[]) => {
    const t0 = performance.now();
    try {
      return await client.query(text, params);
    } finally {
      const label = text.replace(/\s+/g, ' ').trim().slice(0, 90);
      const p = profile.get(label) ?? { ms: 0, n: 0 };
      p.ms += performance.now() - t0;
      p.n++;
      profile.set(label, p);
    }
  };
  let result: RunImportResult;
  try {
    // Room for a large staging table in memory on the database side.
    await q(`SET temp_buffers = '128MB'`).catch(() => {});
    result = await drizzle(client, { schema }).transaction(async (tx) => {
      await setScope(tx as unknown as Tx, scope);
      return importInTransaction(tx as unknown as Tx, q, client, { row, options, filePath, progress, profile, memory, youngGenerationMiB: deps.youngGenerationMiB });
    });
  } catch (error) {
    const message = error instanceof AppError ? error.message : 'The import stopped because of an unexpected error; nothing was imported. Try again, or contact support if it happens again.';
    if (!(error instanceof AppError)) deps.logger?.warn({ err: error, importId }, 'import failed');
    await progressChain;
    await withTenant(db, scope, (tx) =>
      tx.update(imports).set({ status: 'failed', phase: null, error: message, finishedAt: new Date(), created: 0, updated: 0, skipped: 0 }).where(and(eq(imports.workspaceId, workspaceId), eq(imports.id, importId))),
    );
    result = { status: 'failed', created: 0, updated: 0, skipped: 0, failed: 0, rows: 0, error: message };
  } finally {
    await client.end().catch(() => {});
    await rm(filePath, { force: true }).catch(() => {});
  }
  await progressChain;
  const steps = [...profile].filter(([, p]) => p.ms >= 1).sort((a, b) => b[1].ms - a[1].ms).slice(0, 20).map(([label, p]) => `${(p.ms / 1000).toFixed(2)} s ×${p.n} ${label}`);
  memory.end = memoryNote();
  deps.logger?.info?.({ importId, seconds: Math.round(performance.now() - began) / 1000, staging: stagingSeconds(profile), steps, memory }, 'import profile');
  return result;
}

/** The staging phase is everything before the merge's first statement; recorded by importInTransaction. */
const stagingSeconds = (profile: Map<string, { ms: number; n: number }>) => (profile.get(STAGING_LABEL)?.ms ?? 0) / 1000;
const STAGING_LABEL = 'staging: read, normalise and COPY the rows (wall time)';

interface MemoryNote { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number; newSpace: number }
const mib = (bytes: number) => Math.round(bytes / 1024 / 102.4) / 10;
function memoryNote(): MemoryNote {
  const m = process.memoryUsage();
  const newSpace = v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space')?.space_size ?? 0;
  return { rss: mib(m.rss), heapUsed: mib(m.heapUsed), heapTotal: mib(m.heapTotal), external: mib(m.external), arrayBuffers: mib(m.arrayBuffers), newSpace: mib(newSpace) };
}

interface RunState {
  row: typeof imports.$inferSelect;
  options: NonNullable<(typeof imports.$inferSelect)['options']>;
  filePath: string;
  progress: (values: Partial<typeof imports.$inferInsert>, force?: boolean) => void;
  profile?: Map<string, { ms: number; n: number }>;
  youngGenerationMiB?: number | undefined;
  /** Memory notes by phase; `staging peak` is the highest RSS sampled every 8,192 rows while reading. */
  memory?: Record<string, MemoryNote>;
}

async function importInTransaction(tx: Tx, q: (text: string, params?: unknown[]) => Promise<pg.QueryResult>, client: pg.Client, s: RunState): Promise<RunImportResult> {
  const { row, options } = s;
  const ws = row.workspaceId;
  const object: StagedObject = row.object === 'companies' ? 'companies' : 'contacts';
  const tagOnly = row.object === 'email_list';
  const facts = await loadWorkspaceFacts(tx, ws, row.object);
  const territory = row.object === 'email_list' ? null : await loadTerritoryMatcher(tx, ws);
  const dedupeKey = tagOnly ? 'email' : options.dedupeKey;
  const normalise = rowNormaliser({
    object: row.object,
    mapping: row.mapping,
    headers: row.columns.map((c) => c.header),
    customFields: facts.customFields,
    region: facts.region,
    members: facts.members,
    memberNames: facts.memberNames,
    dedupeKey,
    territoryOwner: territory,
    importerId: row.createdBy,
  });

  await q(createStageSql(object));

  // Report lines wait in memory until the COPY in progress ends (one statement at a time per connection).
  let report: { row: number; column: string | null; reason: string; value: string | null }[] = [];
  let reportSeq = 0;
  let failedRows = 0;
  const addProblems = (rowNo: number, problems: RowProblem[]) => {
    for (const p of problems) {
      if (reportSeq + report.length >= MAX_REPORT) return;
      report.push({ row: rowNo, column: p.column, reason: p.reason, value: p.value?.slice(0, 500) ?? null });
    }
  };
  const flushReport = async () => {
    if (!report.length) return;
    const batch = report;
    report = [];
    await q(
      `INSERT INTO import_row_errors (workspace_id, import_id, seq, row, "column", reason, value)
       SELECT $1, $2, $3::int + i, r, c, m, v FROM unnest($4::int[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS u(r, c, m, v, i)`,
      [ws, row.id, reportSeq, batch.map((b) => b.row), batch.map((b) => b.column), batch.map((b) => b.reason), batch.map((b) => b.value)],
    );
    reportSeq += batch.length;
  };

  const stagingBegan = performance.now();
  const { processed, staged } = await stageRows(
    client,
    object,
    readRows(
      { path: s.filePath, fileType: row.fileType as FileType, encoding: row.encoding as Encoding, delimiter: row.delimiter, hasHeader: row.hasHeader },
      { onBadRecord: (rowNo, reason) => { failedRows++; addProblems(rowNo, [{ column: null, reason }]); } },
    ),
    {
      normalise,
      newId: uuidv7,
      onProblems: (rowNo, problems) => {
        failedRows++;
        addProblems(rowNo, problems);
      },
      betweenBatches: flushReport,
      youngGenerationMiB: s.youngGenerationMiB,
      onHeapReduced: (ms) => s.profile?.set('young generation: memory-reducing GC before and after reading (event loop held)', { ms, n: 2 }),
      onRow: (n) => {
        if ((n & 1023) === 0) s.progress({ rowsProcessed: n, rowsTotal: row.rowsTotal === null ? null : Math.max(row.rowsTotal, n) });
        if (s.memory && (n & 8191) === 0) {
          const m = memoryNote();
          if (m.rss > (s.memory['staging peak']?.rss ?? 0)) s.memory['staging peak'] = m;
        }
      },
    },
  );
  await flushReport();
  s.profile?.set(STAGING_LABEL, { ms: performance.now() - stagingBegan, n: 1 });
  if (s.memory) s.memory.staged = memoryNote();
  s.progress({ rowsProcessed: processed, rowsTotal: processed, phase: 'merging' }, true);

  const finish = async (values: Partial<typeof imports.$inferInsert>) => {
    await tx
      .update(imports)
      .set({ rowsProcessed: processed, rowsTotal: processed, phase: null, finishedAt: new Date(), failed: failedRows, ...values })
      .where(and(eq(imports.workspaceId, ws), eq(imports.id, row.id)));
  };

  if (options.mode === 'all_or_nothing' && failedRows > 0) {
    const error = `${failedRows.toLocaleString('en')} ${failedRows === 1 ? 'row has' : 'rows have'} problems, so nothing was imported (all-or-nothing). Download the report, fix the rows and import the file again.`;
    await finish({ status: 'failed', error, created: 0, updated: 0, skipped: 0 });
    return { status: 'failed', created: 0, updated: 0, skipped: 0, failed: failedRows, rows: processed, error };
  }
  if (processed === 0) {
    const error = 'The file has no data rows.';
    await finish({ status: 'failed', error });
    return { status: 'failed', created: 0, updated: 0, skipped: 0, failed: 0, rows: 0, error };
  }

  // Two imports into one workspace at once would both miss each other's new records when matching.
  await q(`SELECT pg_advisory_xact_lock(hashtext('kestrel_import:' || $1::text))`, [ws]);
  const pg18 = Number((await q(`SELECT current_setting('server_version_num') AS v`)).rows[0].v) >= 180000;
  const keyColumn = row.mapping.find((m) => m.target === dedupeKey);
  const merged = await mergeStaged(q, ws, row.id, {
    object,
    tagOnly,
    dedupeKey,
    onMatch: options.onMatch,
    tagName: tagOnly ? (options.tagName ?? null) : options.tagName || null,
    keyLabel: keyColumn ? (row.columns[keyColumn.column]?.header ?? dedupeKey) : dedupeKey,
    reportSeq,
    idExpr: pg18 ? 'uuidv7()' : 'gen_random_uuid()',
    ...(object === 'contacts' ? { admitNew: (want: number) => admit(tx, ws, 'contacts', want) } : {}),
  });

  if (object === 'contacts' && (await loadScoringRules(tx, ws)).length) {
    const touched = merged.created + merged.updated;
    if (touched <= 50_000) {
      const ids = await tx.select({ id: importRecords.recordId }).from(importRecords).where(and(eq(importRecords.workspaceId, ws), eq(importRecords.importId, row.id), eq(importRecords.recordType, 'contacts')));
      await rescoreContacts(tx, ws, ids.map((i) => i.id));
    } else await enqueue(tx, rescoreWorkspaceJob, { workspaceId: ws, afterId: null }, { workspaceId: ws });
  }

  const skipped = Math.max(0, staged - merged.created - merged.updated);
  // BILL-1: stopped at the plan limit — what was imported stays, and the import says why.
  const error = merged.limitMessage ? `Stopped at the plan limit: ${merged.limitMessage}` : null;
  await finish({ status: 'completed', error, created: merged.created, updated: merged.updated, skipped });
  return { status: 'completed', created: merged.created, updated: merged.updated, skipped, failed: failedRows, rows: processed, error };
}

export interface StageHooks {
  normalise: (cells: string[]) => RowResult;
  newId: () => string;
  /** A row with problems (it is not staged). */
  onProblems: (rowNo: number, problems: RowProblem[]) => void;
  /** Between two COPY statements (the connection is free): the report lines found so far are written. */
  betweenBatches: () => Promise<void>;
  /** After each data row, with the count so far. */
  onRow?: (processed: number) => void;
  /** The cap on V8's new space while reading (young-generation.ts); 0: none. */
  youngGenerationMiB?: number | undefined;
  /** Told, at the end, how long the memory-reducing collections held the event loop. */
  onHeapReduced?: (ms: number) => void;
}

/**
 * CRM-7: the staging phase — each data row checked and normalised, the good ones COPYed into
 * `import_stage` in statements of COPY_BATCH rows. Memory (issue 14): rows go out in small writes
 * (STAGE_WRITE_CHARS) and the next row is not read until PostgreSQL's socket has taken the last
 * write, so nothing accumulates in Node whatever the file's size.
 */
export async function stageRows(client: pg.Client, object: StagedObject, rows: AsyncIterable<FileRow & { header?: boolean }>, hooks: StageHooks): Promise<{ processed: number; staged: number }> {
  let copy: ReturnType<typeof copyFrom> | null = null;
  let inBatch = 0;
  let buffer = '';
  let staged = 0;
  let processed = 0;
  const openCopy = () => {
    copy = client.query(copyFrom(copyStageSql(object)));
    inBatch = 0;
  };
  const write = async (chunk: string) => {
    if (!copy!.write(chunk)) await new Promise<void>((resolve, reject) => {
      copy!.once('drain', resolve);
      copy!.once('error', reject);
    });
  };
  const closeCopy = async () => {
    if (!copy) return;
    if (buffer) await write(buffer);
    buffer = '';
    const c = copy as ReturnType<typeof copyFrom>;
    copy = null;
    await new Promise<void>((resolve, reject) => {
      c.once('finish', resolve);
      c.once('error', reject);
      c.end();
    });
  };

  const young = capYoungGeneration(hooks.youngGenerationMiB);
  try {
    openCopy();
    for await (const fileRow of rows) {
      if (fileRow.header) continue;
      processed++;
      const r = hooks.normalise(fileRow.cells);
      if (!r.ok) {
        if (r.problems.length) hooks.onProblems(fileRow.row, r.problems);
      } else {
        buffer += stageLine(object, fileRow.row, r.key, hooks.newId(), r.values);
        staged++;
        inBatch++;
        if (buffer.length > STAGE_WRITE_CHARS) {
          await write(buffer);
          buffer = '';
        }
      }
      if (inBatch >= COPY_BATCH) {
        await closeCopy();
        await hooks.betweenBatches();
        openCopy();
      }
      if ((processed & 255) === 0) young.check();
      hooks.onRow?.(processed);
    }
    await closeCopy();
  } finally {
    young.release();
    hooks.onHeapReduced?.(young.gcMs);
  }
  return { processed, staged };
}
