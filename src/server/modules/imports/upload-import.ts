import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { AppError } from '../../platform/http/errors';
import { loadWorkspaceFacts } from './import-context';
import type { Import, ImportObject } from './imports.contract';
import { imports } from './imports.schema';
import { presentImport } from './list-imports';
import { overview, sniffFile } from './read-file';
import { suggestMapping } from './targets';
import { capYoungGeneration } from './young-generation';

/** Where an uploaded file waits for its import job; deleted when the import ends or is discarded. */
export const storedFilePath = (dataDir: string, workspaceId: string, importId: string) => path.join(path.resolve(dataDir), 'imports', workspaceId, `${importId}.upload`);

const sizeText = (n: number) => (n >= 1024 * 1024 ? `${Math.floor(n / (1024 * 1024)).toLocaleString('en')} MB` : `${Math.floor(n / 1024).toLocaleString('en')} KB`);

export const fileTooLarge = (maxBytes: number) =>
  new AppError('file_too_large', 413, `The file is larger than the ${sizeText(maxBytes)} an import accepts. Split it into smaller files.`, { maxBytes });

export interface UploadInput {
  fileName: string;
  object: ImportObject;
  body: Readable;
  /** The Content-Length the client declared, when it did: refused early if too large. */
  declaredBytes?: number;
}

/**
 * Streams an uploaded body to `file` as it arrives (never whole in memory) and answers its size.
 * A declared size over the limit is refused before reading; past the limit the rest of the body is
 * read and dropped rather than the connection cut, so that the client gets its 413 answer (a body
 * without Content-Length is only known by reading). The file is removed when this throws.
 */
export async function receiveUpload(body: Readable, file: string, maxBytes: number, declaredBytes?: number): Promise<number> {
  if (declaredBytes !== undefined && declaredBytes > maxBytes) {
    body.resume();
    throw fileTooLarge(maxBytes);
  }
  await mkdir(path.dirname(file), { recursive: true });
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      done(null, bytes > maxBytes ? undefined : chunk);
    },
  });
  try {
    await pipeline(body, limit, createWriteStream(file, { mode: 0o600 }));
    if (bytes > maxBytes) throw fileTooLarge(maxBytes);
    return (await stat(file)).size;
  } catch (error) {
    await rm(file, { force: true }).catch(() => {});
    if ((error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE' || (error as { code?: string }).code === 'ECONNRESET') {
      throw new AppError('upload_interrupted', 400, 'The upload was interrupted. Try again.');
    }
    throw error;
  }
}

/**
 * CRM-7: stores an uploaded file on disk as it arrives (never whole in memory), checks that it
 * is a CSV or XLSX within the size limit, reads its columns and first rows, and records the import.
 */
export async function uploadImport(db: Db, ctx: WorkspaceContext, deps: { dataDir: string; maxBytes: number; youngGenerationMiB?: number }, input: UploadInput): Promise<Import> {
  const id = uuidv7();
  const file = storedFilePath(deps.dataDir, ctx.workspaceId, id);
  // Issue 14: a large upload is as much steady allocation as an import's reading (young-generation.ts).
  const young = capYoungGeneration(deps.youngGenerationMiB);
  const checks = setInterval(() => young.check(), 50);
  let size: number;
  try {
    size = await receiveUpload(input.body, file, deps.maxBytes, input.declaredBytes);
  } finally {
    clearInterval(checks);
    young.release();
  }
  try {
    const shape = await sniffFile(file, input.fileName);
    const view = await overview(file, shape, size);
    return await withTenant(db, ctx, async (tx) => {
      const facts = await loadWorkspaceFacts(tx, ctx.workspaceId, input.object);
      const columns = view.headers.map((header, index) => ({
        index,
        header,
        samples: view.samples.map((r) => (r[index] ?? '').trim()).filter(Boolean).slice(0, 3),
      }));
      const [row] = await tx
        .insert(imports)
        .values({
          workspaceId: ctx.workspaceId,
          id,
          object: input.object,
          status: 'mapping',
          fileName: input.fileName,
          fileSize: size,
          fileType: shape.fileType,
          encoding: shape.encoding,
          delimiter: shape.delimiter,
          hasHeader: view.hasHeader,
          columns,
          mapping: suggestMapping(input.object, view.headers, facts.customFields),
          rowsTotal: view.rowsTotal,
          createdBy: ctx.userId,
        })
        .returning();
      return presentImport(tx, ctx, row!);
    });
  } catch (error) {
    await rm(file, { force: true }).catch(() => {});
    throw error;
  }
}
