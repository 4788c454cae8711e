import { rm } from 'node:fs/promises';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { conflict } from '../../platform/http/errors';
import { imports } from './imports.schema';
import { findImport } from './list-imports';
import { storedFilePath } from './upload-import';

/** CRM-7: drops an upload that was never started, with its stored file. */
export async function discardImport(db: Db, ctx: WorkspaceContext, deps: { dataDir: string }, id: string): Promise<void> {
  await withTenant(db, ctx, async (tx) => {
    const row = await findImport(tx, ctx, id, { lock: true });
    if (row.status !== 'mapping' && row.status !== 'uploaded') throw conflict('import_started', 'This import has started; undo it instead.');
    await tx.delete(imports).where(and(eq(imports.workspaceId, ctx.workspaceId), eq(imports.id, id)));
  });
  await rm(storedFilePath(deps.dataDir, ctx.workspaceId, id), { force: true });
}
