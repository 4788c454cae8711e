import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { and, desc, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Database, Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { AppError, notFound } from '../../../platform/http/errors';
import { enqueue } from '../../../platform/jobs/jobs';
import { receiveUpload } from '../../imports';
import type { DncImport, dncImportKinds } from './calls.contract';
import { dncImports, doNotCall } from './calls.schema';
import { dncImportJob } from './dnc-import.job';
import { registryChangeToE164, registryLineToE164 } from './dnc-numbers';

type DncImportKind = (typeof dncImportKinds)[number];

/** Numbers per INSERT: a million-line file is two hundred statements. */
const BATCH = 5000;

const filePath = (dataDir: string, workspaceId: string, importId: string) => path.join(path.resolve(dataDir), 'dnc-imports', workspaceId, `${importId}.txt`);

type Row = typeof dncImports.$inferSelect;
const present = (r: Row): DncImport => ({
  id: r.id,
  status: r.status,
  kind: r.kind,
  fileName: r.fileName,
  fileSize: r.fileSize,
  bytesRead: r.bytesRead,
  linesRead: r.linesRead,
  added: r.added,
  removed: r.removed,
  invalid: r.invalid,
  error: r.error,
  createdAt: r.createdAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
});

/**
 * CALL-2: a national registry file (the FTC's full-list flat file: one area code and number per
 * line, or one of its change-list files of additions or deletions) is streamed to disk as it
 * arrives — never whole in memory — and queued as a job in the transaction that records it.
 */
export async function uploadDncImport(db: Db, ctx: WorkspaceContext, deps: { dataDir: string; maxBytes: number }, input: { fileName: string; kind?: DncImportKind; body: Readable; declaredBytes?: number }): Promise<DncImport> {
  const id = uuidv7();
  const file = filePath(deps.dataDir, ctx.workspaceId, id);
  const size = await receiveUpload(input.body, file, deps.maxBytes, input.declaredBytes);
  try {
    if (size === 0) throw new AppError('empty_file', 400, 'The file is empty.');
    return await withTenant(db, ctx, async (tx) => {
      const [row] = await tx.insert(dncImports).values({ workspaceId: ctx.workspaceId, id, kind: input.kind ?? 'full', fileName: input.fileName, fileSize: size, createdBy: ctx.userId }).returning();
      await enqueue(tx, dncImportJob, { workspaceId: ctx.workspaceId, importId: id }, { workspaceId: ctx.workspaceId });
      return present(row!);
    });
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
}

export async function getDncImport(db: Db, ctx: WorkspaceContext, importId: string): Promise<DncImport> {
  const [row] = await withTenant(db, ctx, (tx) => tx.select().from(dncImports).where(and(eq(dncImports.workspaceId, ctx.workspaceId), eq(dncImports.id, importId))));
  if (!row) throw notFound('Import');
  return present(row);
}

export async function listDncImports(db: Db, ctx: WorkspaceContext): Promise<DncImport[]> {
  const rows = await withTenant(db, ctx, (tx) => tx.select().from(dncImports).where(eq(dncImports.workspaceId, ctx.workspaceId)).orderBy(desc(dncImports.createdAt)).limit(20));
  return rows.map(present);
}

/**
 * The job: reads the stored file line by line, inserts numbers in batches (a number already on the
 * list keeps its entry), and writes progress after each batch so the page shows it live. Batches
 * commit one by one; a rerun after a crash adds only what is missing. A deletions change-list
 * takes registry entries off the list (an entry the workspace made itself — a contact's request,
 * by hand — stays); a change-list record carrying its own add/delete flag goes by the flag.
 */
export async function runDncImport(deps: { database: Pick<Database, 'db'>; dataDir: string }, workspaceId: string, importId: string): Promise<void> {
  const { db } = deps.database;
  const scope = { workspaceId, userId: null };
  const where = and(eq(dncImports.workspaceId, workspaceId), eq(dncImports.id, importId));
  const row = await withTenant(db, scope, async (tx) => {
    const [r] = await tx.select().from(dncImports).where(where).for('update');
    if (!r || r.status === 'completed' || r.status === 'failed') return null;
    await tx.update(dncImports).set({ status: 'running', linesRead: 0, added: 0, removed: 0, invalid: 0, bytesRead: 0 }).where(where);
    return r;
  });
  if (!row) return;
  const file = filePath(deps.dataDir, workspaceId, importId);
  let lines = 0;
  let added = 0;
  let removed = 0;
  let invalid = 0;
  let batch: string[] = [];
  let deletions: string[] = [];
  const input = createReadStream(file);
  const flush = async () => {
    const numbers = batch;
    const gone = deletions;
    batch = [];
    deletions = [];
    await withTenant(db, scope, async (tx) => {
      if (numbers.length) {
        const result = await tx.execute(sql`
          INSERT INTO ${doNotCall} (workspace_id, number, source, import_id)
          SELECT ${workspaceId}::uuid, n, 'registry', ${importId}::uuid FROM unnest(${sql.param(numbers)}::text[]) AS n
          ON CONFLICT DO NOTHING`);
        added += result.rowCount ?? 0;
      }
      if (gone.length) {
        const result = await tx.execute(sql`
          DELETE FROM ${doNotCall} WHERE workspace_id = ${workspaceId} AND source = 'registry' AND number = ANY(${sql.param(gone)}::text[])`);
        removed += result.rowCount ?? 0;
      }
      await tx.update(dncImports).set({ linesRead: lines, added, removed, invalid, bytesRead: input.bytesRead }).where(where);
    });
  };
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      if (!line.trim()) continue;
      lines++;
      if (row.kind === 'full') {
        const number = registryLineToE164(line);
        if (number) batch.push(number);
        else invalid++;
      } else {
        const record = registryChangeToE164(line);
        if (!record) invalid++;
        else if ((record.change ?? (row.kind === 'additions' ? 'add' : 'delete')) === 'add') batch.push(record.number);
        else deletions.push(record.number);
      }
      if (batch.length + deletions.length >= BATCH) await flush();
    }
    await flush();
    await withTenant(db, scope, (tx) => tx.update(dncImports).set({ status: 'completed', bytesRead: row.fileSize, finishedAt: new Date() }).where(where));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await withTenant(db, scope, (tx) => tx.update(dncImports).set({ status: 'failed', error: `The import stopped: ${message.slice(0, 300)}`, finishedAt: new Date() }).where(where));
  } finally {
    input.destroy();
    await rm(file, { force: true });
  }
}
