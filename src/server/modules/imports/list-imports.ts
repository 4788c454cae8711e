import { and, count, desc, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import { userNames } from '../accounts';
import type { Import } from './imports.contract';
import { importRowErrors, imports } from './imports.schema';

type ImportRow = typeof imports.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Managers may undo any import; others only their own. */
export const mayUndo = (ctx: WorkspaceContext, row: Pick<ImportRow, 'createdBy'>) => ctx.role === 'owner' || ctx.role === 'admin' || (!!ctx.userId && row.createdBy === ctx.userId);

function present(ctx: WorkspaceContext, r: ImportRow, errorCount: number, createdByName: string | null): Import {
  return {
    id: r.id,
    object: r.object,
    status: r.status,
    fileName: r.fileName,
    fileSize: r.fileSize,
    fileType: r.fileType,
    encoding: r.encoding,
    hasHeader: r.hasHeader,
    columns: r.columns,
    mapping: r.mapping,
    options: r.options,
    rowsTotal: r.rowsTotal,
    rowsProcessed: r.rowsProcessed,
    phase: r.phase,
    created: r.created,
    updated: r.updated,
    skipped: r.skipped,
    failed: r.failed,
    errorCount,
    error: r.error,
    undoResult: r.undoResult,
    createdBy: r.createdBy,
    createdByName,
    createdAt: r.createdAt.toISOString(),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    undoneAt: iso(r.undoneAt),
    canUndo: r.status === 'completed' && mayUndo(ctx, r),
  };
}

async function decorate(tx: Tx, ctx: WorkspaceContext, rows: ImportRow[]): Promise<Import[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const counts = await tx
    .select({ id: importRowErrors.importId, n: count() })
    .from(importRowErrors)
    .where(and(eq(importRowErrors.workspaceId, ctx.workspaceId), inArray(importRowErrors.importId, ids)))
    .groupBy(importRowErrors.importId);
  const people = [...new Set(rows.map((r) => r.createdBy).filter((x): x is string => !!x))];
  const nameBy = await userNames(tx, people);
  const countBy = new Map(counts.map((c) => [c.id, c.n]));
  return rows.map((r) => present(ctx, r, countBy.get(r.id) ?? 0, r.createdBy ? (nameBy.get(r.createdBy) ?? null) : null));
}

export async function presentImport(tx: Tx, ctx: WorkspaceContext, row: ImportRow): Promise<Import> {
  return (await decorate(tx, ctx, [row]))[0]!;
}

export async function findImport(tx: Tx, ctx: WorkspaceContext, id: string, options: { lock?: boolean } = {}): Promise<ImportRow> {
  const query = tx.select().from(imports).where(and(eq(imports.workspaceId, ctx.workspaceId), eq(imports.id, id)));
  const [row] = options.lock ? await query.for('update') : await query;
  if (!row) throw notFound('Import');
  return row;
}

/** CRM-7: the workspace's imports, newest first (the last 50). */
export async function listImports(db: Db, ctx: WorkspaceContext): Promise<Import[]> {
  return withTenant(db, ctx, async (tx) => {
    const rows = await tx.select().from(imports).where(eq(imports.workspaceId, ctx.workspaceId)).orderBy(desc(imports.createdAt), desc(imports.id)).limit(50);
    return decorate(tx, ctx, rows);
  });
}

export async function getImport(db: Db, ctx: WorkspaceContext, id: string): Promise<Import> {
  return withTenant(db, ctx, async (tx) => presentImport(tx, ctx, await findImport(tx, ctx, id)));
}
