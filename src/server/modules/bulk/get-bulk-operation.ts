import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import type { BulkOperation } from './bulk.contract';
import { bulkOperations } from './bulk.schema';

type Row = typeof bulkOperations.$inferSelect;

export const presentBulkOperation = (r: Row): BulkOperation => ({
  id: r.id,
  object: r.object,
  action: r.action,
  selectionKind: r.selection.kind,
  status: r.status,
  total: r.total,
  done: r.done,
  failed: r.failed,
  error: r.error,
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
});

/** CRM-9: a bulk operation's progress, for polling while its job runs. */
export async function getBulkOperation(db: Db, ctx: WorkspaceContext, id: string): Promise<BulkOperation> {
  return withTenant(db, ctx, async (tx) => {
    const [row] = await tx.select().from(bulkOperations).where(and(eq(bulkOperations.workspaceId, ctx.workspaceId), eq(bulkOperations.id, id)));
    if (!row) throw notFound('Bulk operation');
    return presentBulkOperation(row);
  });
}

/** CRM-9: the latest bulk operations, newest first. */
export async function listBulkOperations(db: Db, ctx: WorkspaceContext, limit: number): Promise<BulkOperation[]> {
  return withTenant(db, ctx, async (tx) => {
    const rows = await tx.select().from(bulkOperations).where(eq(bulkOperations.workspaceId, ctx.workspaceId)).orderBy(desc(bulkOperations.id)).limit(limit);
    return rows.map(presentBulkOperation);
  });
}
