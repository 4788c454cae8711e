import { and, asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import type { CreateDealInput, Deal } from '../crm.contract';
import { deals, pipelines, pipelineStages } from '../crm.schema';
import { checkCustomValues } from '../custom-values';
import { FieldErrors } from '../../../platform/http/field-errors';
import { checkCompany, checkContact, checkOwner, workspaceDefaults } from '../records';
import { presentDeal } from './get-deal';
import { ensureDefaultPipeline } from './list-pipelines';

type StageRow = typeof pipelineStages.$inferSelect;

export async function findStage(tx: Tx, ctx: WorkspaceContext, stageId: string): Promise<StageRow | undefined> {
  const [stage] = await tx.select().from(pipelineStages).where(and(eq(pipelineStages.workspaceId, ctx.workspaceId), eq(pipelineStages.id, stageId)));
  return stage;
}

/** The stage a new deal starts in: the one named, else the first of the pipeline named, else of the first pipeline. */
async function startingStage(tx: Tx, ctx: WorkspaceContext, input: CreateDealInput, errors: FieldErrors): Promise<StageRow | undefined> {
  if (input.stageId) {
    const stage = await findStage(tx, ctx, input.stageId);
    if (!stage) errors.add('stageId', 'No such stage.');
    else if (input.pipelineId && stage.pipelineId !== input.pipelineId) errors.add('stageId', 'This stage belongs to another pipeline.');
    return stage;
  }
  let pipelineId = input.pipelineId;
  if (!pipelineId) {
    await ensureDefaultPipeline(tx, ctx);
    const [first] = await tx.select({ id: pipelines.id }).from(pipelines).where(eq(pipelines.workspaceId, ctx.workspaceId)).orderBy(asc(pipelines.position), asc(pipelines.id)).limit(1);
    pipelineId = first!.id;
  }
  const [stage] = await tx
    .select()
    .from(pipelineStages)
    .where(and(eq(pipelineStages.workspaceId, ctx.workspaceId), eq(pipelineStages.pipelineId, pipelineId)))
    .orderBy(asc(pipelineStages.position))
    .limit(1);
  if (!stage) errors.add('pipelineId', 'No such pipeline.');
  return stage;
}

/** What a deal's status, closing time and reason become in a stage (CRM-3). */
export function closingFields(stage: StageRow, lostReason: string | null | undefined, errors: FieldErrors, closedAt: Date | null = null) {
  if (stage.kind === 'lost' && !lostReason) errors.add('lostReason', 'Say why the deal was lost.');
  return {
    status: stage.kind,
    closedAt: stage.kind === 'open' ? null : (closedAt ?? new Date()),
    lostReason: stage.kind === 'lost' ? (lostReason ?? null) : null,
  };
}

/** CRM-3: a new deal in a pipeline stage, in the workspace's currency unless another is given. */
export async function createDeal(db: Db, ctx: WorkspaceContext, input: CreateDealInput): Promise<Deal> {
  return withTenant(db, ctx, async (tx) => {
    const errors = new FieldErrors();
    const { region, currency } = await workspaceDefaults(tx, ctx);
    const stage = await startingStage(tx, ctx, input, errors);
    const ownerUserId = input.ownerUserId === undefined ? ctx.userId : input.ownerUserId;
    await checkOwner(tx, ctx, ownerUserId, errors);
    await checkContact(tx, ctx, input.contactId, errors);
    await checkCompany(tx, ctx, input.companyId, errors);
    const custom = await checkCustomValues(tx, ctx, 'deals', input.custom, null, region, errors);
    const closing = stage ? closingFields(stage, input.lostReason, errors) : null;
    errors.throwIfAny();
    const [row] = await tx
      .insert(deals)
      .values({
        ...input,
        ...closing!,
        workspaceId: ctx.workspaceId,
        pipelineId: stage!.pipelineId,
        stageId: stage!.id,
        currency: input.currency ?? currency,
        probability: input.probability === undefined ? stage!.probability : input.probability,
        ownerUserId,
        custom,
      })
      .returning();
    return presentDeal(tx, ctx, row!);
  });
}
