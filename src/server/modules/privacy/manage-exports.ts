import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { and, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import type { Download } from '../../platform/http/download';
import { AppError, notFound } from '../../platform/http/errors';
import { enqueue } from '../../platform/jobs/jobs';
import type { Logger } from 'pino';
import { recordAudit } from '../audit';
import { sweepAccountExports } from './account-export';
import { writeWorkspaceArchive } from './build-archive';
import { privacyExportJob } from './export.job';
import { EXPORT_LINK_HOURS, hashExportToken, newExportToken, presentExport, sendArchiveOnce } from './export-link';
import { privacyExports } from './privacy.schema';

export const exportDir = (dataDir: string, workspaceId: string) => path.join(path.resolve(dataDir), 'exports', workspaceId);
const exportFile = (dataDir: string, workspaceId: string, id: string) => path.join(exportDir(dataDir, workspaceId), `${id}.zip`);

/** PRIV-2: asks for an export of the whole workspace; a job builds it. The link (with its one-time token) is given only now. */
export async function requestExport(db: Db, ctx: WorkspaceContext) {
  const token = newExportToken();
  const row = await withTenant(db, ctx, async (tx) => {
    const [created] = await tx
      .insert(privacyExports)
      .values({ workspaceId: ctx.workspaceId, requestedBy: ctx.userId, tokenHash: hashExportToken(token), expiresAt: new Date(Date.now() + EXPORT_LINK_HOURS * 3600_000) })
      .returning();
    await enqueue(tx, privacyExportJob, { workspaceId: ctx.workspaceId, exportId: created!.id }, { workspaceId: ctx.workspaceId });
    await recordAudit(tx, ctx, { action: 'privacy.export_requested', targetType: 'export', targetId: created!.id });
    return created!;
  });
  return { ...presentExport(row), downloadUrl: `/api/workspaces/${ctx.workspaceId}/privacy/exports/${row.id}/download?token=${token}` };
}

export async function getExport(db: Db, ctx: WorkspaceContext, id: string) {
  const [row] = await withTenant(db, ctx, (tx) => tx.select().from(privacyExports).where(and(eq(privacyExports.workspaceId, ctx.workspaceId), eq(privacyExports.id, id))));
  if (!row) throw notFound('Export');
  return presentExport(row);
}

/** The job: builds the archive under DATA_DIR (0600), reporting rows done as it goes. */
export async function buildExport(deps: { db: Db; dataDir: string; logger: Logger }, workspaceId: string, id: string): Promise<void> {
  const ctx = { workspaceId, userId: null };
  const where = and(eq(privacyExports.workspaceId, workspaceId), eq(privacyExports.id, id));
  const [claimed] = await withTenant(deps.db, ctx, (tx) => tx.update(privacyExports).set({ status: 'running' }).where(and(where, eq(privacyExports.status, 'queued'))).returning());
  if (!claimed) return;
  const dir = exportDir(deps.dataDir, workspaceId);
  const file = exportFile(deps.dataDir, workspaceId, id);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    let reported = 0;
    await writeWorkspaceArchive(deps.db, workspaceId, createWriteStream(`${file}.part`, { mode: 0o600 }), dir, async (done, total) => {
      // Progress is written from its own transaction so that the person sees it while the export runs.
      if (done !== 0 && done - reported < 5000 && done !== total) return;
      reported = done;
      await withTenant(deps.db, ctx, (tx) => tx.update(privacyExports).set({ rowsDone: done, rowsTotal: total }).where(where));
    });
    await rename(`${file}.part`, file);
    const { size } = await stat(file);
    await withTenant(deps.db, ctx, (tx) =>
      tx.update(privacyExports).set({ status: 'ready', rowsDone: sql`${privacyExports.rowsTotal}`, bytes: size, finishedAt: new Date(), expiresAt: new Date(Date.now() + EXPORT_LINK_HOURS * 3600_000) }).where(where),
    );
  } catch (error) {
    deps.logger.error({ err: error, exportId: id }, 'export failed');
    await rm(`${file}.part`, { force: true });
    await withTenant(deps.db, ctx, (tx) => tx.update(privacyExports).set({ status: 'failed', error: 'The export could not be built; ask for a new one.', finishedAt: new Date() }).where(where));
  }
}

/**
 * PRIV-2: the archive, once: the token must match and the link must not have expired; the
 * first download marks it taken and the file is deleted as soon as it has been sent.
 */
export async function downloadExport(db: Db, ctx: WorkspaceContext, dataDir: string, id: string, token: string): Promise<Download> {
  const [row] = await withTenant(db, ctx, async (tx) => {
    const taken = await tx
      .update(privacyExports)
      .set({ status: 'downloaded' })
      .where(and(eq(privacyExports.workspaceId, ctx.workspaceId), eq(privacyExports.id, id), eq(privacyExports.tokenHash, hashExportToken(token)), eq(privacyExports.status, 'ready'), gt(privacyExports.expiresAt, new Date())))
      .returning();
    if (taken.length) await recordAudit(tx, ctx, { action: 'privacy.export_downloaded', targetType: 'export', targetId: id });
    return taken;
  });
  if (!row) throw new AppError('export_unavailable', 410, 'This download link has been used, has expired or is not valid. Ask for a new export.');
  const file = exportFile(dataDir, ctx.workspaceId, id);
  return sendArchiveOnce(file, 'kestrel-export');
}

/** Hourly: archives not downloaded in time are deleted, their exports marked expired. */
export async function sweepExports(system: Db, dataDir: string): Promise<number> {
  const { rows } = await system.execute<{ workspace_id: string; id: string }>(
    sql`UPDATE privacy_exports SET status = 'expired' WHERE status IN ('ready', 'queued', 'running') AND expires_at <= now() RETURNING workspace_id, id`,
  );
  for (const r of rows) await rm(exportFile(dataDir, r.workspace_id, r.id), { force: true });
  return rows.length + (await sweepAccountExports(system, dataDir));
}
