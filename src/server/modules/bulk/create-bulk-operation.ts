import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { forbidden } from '../../platform/http/errors';
import { enqueue } from '../../platform/jobs/jobs';
import { recordAudit } from '../audit';
import { pipelineStages, tags } from '../crm/crm.schema';
import { FieldErrors } from '../../platform/http/field-errors';
import { checkOwner } from '../crm/records';
import { loadVisibility } from '../crm';
import type { BulkOperation, CreateBulkOperationInput } from './bulk.contract';
import { bulkOperationJob } from './bulk.job';
import { bulkOperations } from './bulk.schema';
import { presentBulkOperation } from './get-bulk-operation';
import { recordTables, selectionWhere } from './selection';

/** The action makes sense for the object and names things that exist: else 400 naming the field. */
async function checkAction(tx: Tx, ctx: WorkspaceContext, input: CreateBulkOperationInput): Promise<void> {
  const { object, action } = input;
  const errors = new FieldErrors();
  if (action.kind === 'lifecycle' && object !== 'contacts') errors.add('action.kind', 'Only contacts have a lifecycle stage.');
  if (action.kind === 'stage' && object !== 'deals') errors.add('action.kind', 'Only deals have a stage.');
  if (action.kind === 'tag' || action.kind === 'untag') {
    const [tag] = await tx.select({ id: tags.id }).from(tags).where(and(eq(tags.workspaceId, ctx.workspaceId), eq(tags.id, action.tagId)));
    if (!tag) errors.add('action.tagId', 'No such tag.');
  }
  if (action.kind === 'assign') {
    const ownerErrors = new FieldErrors();
    await checkOwner(tx, ctx, action.ownerUserId, ownerErrors);
    if (ownerErrors.any) errors.add('action.ownerUserId', 'Not a team member of this workspace.');
  }
  if (action.kind === 'stage' && object === 'deals') {
    const [stage] = await tx.select().from(pipelineStages).where(and(eq(pipelineStages.workspaceId, ctx.workspaceId), eq(pipelineStages.id, action.stageId)));
    if (!stage) errors.add('action.stageId', 'No such stage.');
    else if (stage.kind === 'lost' && !action.lostReason) errors.add('action.lostReason', 'Say why the deals were lost.');
  }
  errors.throwIfAny();
}

/**
 * CRM-9, WS-4: records a bulk change and enqueues the job that carries it out, in one
 * transaction. Deletes are for owners and admins; clients change nothing. The selection is
 * narrowed to what the member may see. One audit entry says who asked for what, over how many.
 */
export async function createBulkOperation(db: Db, ctx: WorkspaceContext, input: CreateBulkOperationInput): Promise<BulkOperation> {
  return withTenant(db, ctx, async (tx) => {
    const v = await loadVisibility(tx, ctx);
    if (v.kind === 'shared') throw forbidden('Clients cannot change records.');
    if (input.action.kind === 'delete' && ctx.role !== 'owner' && ctx.role !== 'admin') throw forbidden('Only owners and admins can delete records in bulk.');
    await checkAction(tx, ctx, input);
    const where = await selectionWhere(tx, ctx, input.object, input.selection, null);
    const t = recordTables[input.object];
    // The highest id selected now bounds the job: records added later (higher UUIDv7 ids) are left alone.
    const [{ n, last }] = (await tx.execute(sql`SELECT count(*)::int AS n, (SELECT ${t.id} FROM ${t} WHERE ${where} ORDER BY ${t.id} DESC LIMIT 1) AS last FROM ${t} WHERE ${where}`)).rows as [{ n: number; last: string | null }];
    const total = Number(n);
    const upToId = last;
    const [row] = await tx
      .insert(bulkOperations)
      .values({
        workspaceId: ctx.workspaceId,
        object: input.object,
        kind: input.action.kind,
        action: input.action,
        selection: input.selection,
        total,
        upToId,
        createdBy: ctx.userId,
        ...(total === 0 ? { status: 'done' as const, finishedAt: new Date() } : {}),
      })
      .returning();
    await recordAudit(tx, ctx, {
      action: `bulk.${input.action.kind}`,
      targetType: 'bulk_operation',
      targetId: row!.id,
      details: {
        object: input.object,
        action: input.action,
        selection: input.selection.kind === 'ids' ? { kind: 'ids', count: input.selection.ids.length } : input.selection,
        total,
      },
    });
    if (total > 0) await enqueue(tx, bulkOperationJob, { workspaceId: ctx.workspaceId, operationId: row!.id }, { workspaceId: ctx.workspaceId });
    return presentBulkOperation(row!);
  });
}
