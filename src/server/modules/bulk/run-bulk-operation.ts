import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { memberRole } from '../workspaces';
import { applyBulkAction } from './apply-bulk-action';
import { bulkOperations } from './bulk.schema';
import { recordTables, selectionWhere } from './selection';

type Operation = typeof bulkOperations.$inferSelect;

export const BULK_BATCH_SIZE = 500;

const message = (e: unknown) => (e instanceof Error ? e.message : 'Unknown error').slice(0, 500);

async function update(tx: Tx, op: Operation, set: Partial<typeof bulkOperations.$inferInsert>): Promise<void> {
  await tx
    .update(bulkOperations)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(bulkOperations.workspaceId, op.workspaceId), eq(bulkOperations.id, op.id)));
}

/** The next batch of the selection after `cursor`, in id order (locked when changing). */
async function nextIds(tx: Tx, ctx: WorkspaceContext, op: Operation, cursor: string | null, lock: boolean): Promise<string[]> {
  const t = recordTables[op.object];
  const where = await selectionWhere(tx, ctx, op.object, op.selection, op.upToId);
  const after = cursor ? sql`AND ${t.id} > ${cursor}` : sql``;
  const result = await tx.execute(sql`SELECT ${t.id} AS id FROM ${t} WHERE ${where} ${after} ORDER BY ${t.id} LIMIT ${BULK_BATCH_SIZE} ${lock ? sql`FOR UPDATE OF ${t}` : sql``}`);
  return (result.rows as { id: string }[]).map((r) => r.id);
}

/**
 * CRM-9: works through a bulk operation a batch per transaction, persisting progress (done,
 * failed, cursor) with each batch so a poll sees it move and a retried job resumes where it
 * stopped. It acts as the member who asked, with their role and visibility as they are now.
 * A batch that fails is retried record by record so one bad record fails alone.
 */
export async function runBulkOperation(db: Db, workspaceId: string, operationId: string): Promise<void> {
  const system = { workspaceId, userId: null };
  const loaded = await withTenant(db, system, async (tx) => {
    const [op] = await tx.select().from(bulkOperations).where(and(eq(bulkOperations.workspaceId, workspaceId), eq(bulkOperations.id, operationId)));
    if (!op || op.status === 'done' || op.status === 'failed') return null;
    const role = await memberRole(tx, workspaceId, op.createdBy);
    const allowed = role && role !== 'client' && (op.kind !== 'delete' || role === 'owner' || role === 'admin');
    if (!allowed) {
      await update(tx, op, { status: 'failed', error: 'The person who started this may no longer make this change.', finishedAt: new Date() });
      return null;
    }
    await update(tx, op, { status: 'running' });
    return { op, ctx: { workspaceId, userId: op.createdBy, role } as WorkspaceContext };
  });
  if (!loaded) return;
  const { op, ctx } = loaded;
  let cursor = op.cursor;
  for (;;) {
    try {
      const finished = await withTenant(db, ctx, async (tx) => {
        const ids = await nextIds(tx, ctx, op, cursor, true);
        if (!ids.length) {
          await update(tx, op, { status: 'done', finishedAt: new Date() });
          return true;
        }
        await applyBulkAction(tx, ctx, op.object, op.action, ids);
        const last = ids[ids.length - 1]!;
        await update(tx, op, { done: sql`${bulkOperations.done} + ${ids.length}` as unknown as number, cursor: last });
        cursor = last;
        return false;
      });
      if (finished) return;
    } catch {
      // One record at a time: the failing ones are counted, the rest still change.
      let ids: string[];
      try {
        ids = await withTenant(db, ctx, (tx) => nextIds(tx, ctx, op, cursor, false));
      } catch (error) {
        await withTenant(db, system, (tx) => update(tx, op, { status: 'failed', error: message(error), finishedAt: new Date() }));
        return;
      }
      let done = 0;
      let failed = 0;
      let lastError: string | null = null;
      for (const id of ids) {
        try {
          await withTenant(db, ctx, (tx) => applyBulkAction(tx, ctx, op.object, op.action, [id]));
          done++;
        } catch (error) {
          failed++;
          lastError = message(error);
        }
      }
      const last = ids[ids.length - 1] ?? cursor;
      await withTenant(db, system, (tx) =>
        update(tx, op, {
          done: sql`${bulkOperations.done} + ${done}` as unknown as number,
          failed: sql`${bulkOperations.failed} + ${failed}` as unknown as number,
          cursor: last,
          ...(lastError ? { error: lastError } : {}),
        }),
      );
      if (!ids.length) {
        await withTenant(db, system, (tx) => update(tx, op, { status: 'done', finishedAt: new Date() }));
        return;
      }
      cursor = last;
    }
  }
}
