import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db, Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { notFound } from '../../../platform/http/errors';
import type { Deal, moveDealBody } from '../crm.contract';
import { deals } from '../crm.schema';
import { FieldErrors } from '../../../platform/http/field-errors';
import { versionConflict } from '../records';
import { closingFields, findStage } from './create-deal';
import { findDealRow, presentDeal } from './get-deal';
import { assertRecordAccess } from '../visibility';

/**
 * CRM-3: moves a deal to a stage (of its pipeline or another). A won or lost stage closes the
 * deal; a lost one needs the reason; moving back to an open stage reopens it. The deal takes
 * the stage's probability.
 */
export async function moveDeal(db: Db, ctx: WorkspaceContext, id: string, input: z.infer<typeof moveDealBody>): Promise<Deal> {
  return withTenant(db, ctx, (tx) => moveDealIn(tx, ctx, id, input));
}

/** `moveDeal` inside the caller's transaction (an approved agent proposal moves a deal this way). */
export async function moveDealIn(tx: Tx, ctx: WorkspaceContext, id: string, input: z.infer<typeof moveDealBody>): Promise<Deal> {
  const before = await findDealRow(tx, ctx, id, { lock: true });
  if (!before) throw notFound('Deal');
  await assertRecordAccess(tx, ctx, 'deals', id, 'write');
  if (before.version !== input.version) throw versionConflict('deal', await presentDeal(tx, ctx, before));
  const errors = new FieldErrors();
  const stage = await findStage(tx, ctx, input.stageId);
  if (!stage) errors.add('stageId', 'No such stage.');
  // Staying closed the same way keeps the original closing time.
  const closing = stage ? closingFields(stage, input.lostReason, errors, before.status === stage.kind ? before.closedAt : null) : null;
  errors.throwIfAny();
  const [row] = await tx
    .update(deals)
    .set({ ...closing!, pipelineId: stage!.pipelineId, stageId: stage!.id, probability: stage!.probability, version: before.version + 1, updatedAt: new Date() })
    .where(and(eq(deals.workspaceId, ctx.workspaceId), eq(deals.id, id)))
    .returning();
  return presentDeal(tx, ctx, row!);
}
