import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { WorkspaceContext } from '../../platform/db/tenant';
import type { ImportMapping, ImportObject, ImportOptions } from './imports.contract';
import { importOptionsSchema } from './imports.contract';
import { runImport, type RunImportDeps, type RunImportResult } from './run-import';
import { startImport } from './start-import';
import { uploadImport } from './upload-import';

/**
 * CRM-7 in the foreground, for the CLI (`kestrel import`) and the benchmark: the same steps as
 * the web page — store the file, read its columns, take the suggested (or given) mapping, start
 * without queueing a job, and run the import here. Returns when it is done.
 */
export async function importLocalFile(
  deps: RunImportDeps,
  ctx: WorkspaceContext,
  input: { file: string; object?: ImportObject; mapping?: ImportMapping; options?: Partial<ImportOptions> },
): Promise<RunImportResult & { importId: string }> {
  const object = input.object ?? 'contacts';
  const size = (await stat(input.file)).size;
  const uploaded = await uploadImport(deps.database.db, ctx, { dataDir: deps.dataDir, maxBytes: Math.max(size, 1) }, { fileName: path.basename(input.file), object, body: createReadStream(input.file) });
  const options = importOptionsSchema.parse({ dedupeKey: object === 'companies' ? 'domain' : 'email', ...input.options });
  await startImport(deps.database.db, ctx, uploaded.id, { object, mapping: input.mapping ?? uploaded.mapping, options }, { queue: false });
  const result = await runImport(deps, ctx.workspaceId, uploaded.id);
  return { ...result, importId: uploaded.id };
}
