import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { conflict, notFound } from '../../../platform/http/errors';
import { recordAudit } from '../../audit';
import type { Pipeline } from '../crm.contract';
import { pipelineStages } from '../crm.schema';
import { dealsInStage, lockPipeline, presentPipeline, renumber, stagesOf } from './pipeline-rows';

/** CRM-3, WS-4: removes an empty stage. A stage with deals, or a pipeline's last stage, stays. Audited. */
export async function deleteStage(db: Db, ctx: WorkspaceContext, pipelineId: string, stageId: string): Promise<Pipeline> {
  return withTenant(db, ctx, async (tx) => {
    await lockPipeline(tx, ctx, pipelineId);
    const stages = await stagesOf(tx, ctx, pipelineId);
    const stage = stages.find((s) => s.id === stageId);
    if (!stage) throw notFound('Stage');
    if (stages.length === 1) throw conflict('last_stage', 'A pipeline needs at least one stage.');
    const n = await dealsInStage(tx, ctx, pipelineId, stageId);
    if (n > 0) throw conflict('stage_in_use', `${n} deal${n === 1 ? ' is' : 's are'} in "${stage.name}". Move ${n === 1 ? 'it' : 'them'} to another stage first.`, { deals: n });
    await tx.delete(pipelineStages).where(and(eq(pipelineStages.workspaceId, ctx.workspaceId), eq(pipelineStages.id, stageId)));
    await renumber(tx, ctx, stages.filter((s) => s.id !== stageId));
    await recordAudit(tx, ctx, { action: 'pipeline.stage_deleted', targetType: 'pipeline', targetId: pipelineId, details: { stageId, name: stage.name } });
    return presentPipeline(tx, ctx, pipelineId);
  });
}
