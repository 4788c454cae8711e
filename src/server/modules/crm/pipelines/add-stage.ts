import type { z } from 'zod';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { recordAudit } from '../../audit';
import type { Pipeline } from '../crm.contract';
import type { addStageBody } from '../crm-settings.contract';
import { pipelineStages } from '../crm.schema';
import { invalidFields } from '../../../platform/http/field-errors';
import { lockPipeline, presentPipeline, renumber, stagesOf } from './pipeline-rows';

const MAX_STAGES = 30;

/** CRM-3: a new stage in a pipeline, at the end or at the position given. */
export async function addStage(db: Db, ctx: WorkspaceContext, pipelineId: string, input: z.infer<typeof addStageBody>): Promise<Pipeline> {
  return withTenant(db, ctx, async (tx) => {
    await lockPipeline(tx, ctx, pipelineId);
    const stages = await stagesOf(tx, ctx, pipelineId);
    if (stages.length >= MAX_STAGES) throw invalidFields({ name: `A pipeline has at most ${MAX_STAGES} stages.` });
    const position = Math.min(input.position ?? stages.length, stages.length);
    const [created] = await tx
      .insert(pipelineStages)
      .values({ workspaceId: ctx.workspaceId, pipelineId, name: input.name, probability: input.probability, kind: input.kind, position: stages.length })
      .returning();
    const ordered = [...stages];
    ordered.splice(position, 0, created!);
    await renumber(tx, ctx, ordered);
    await recordAudit(tx, ctx, { action: 'pipeline.stage_added', targetType: 'pipeline', targetId: pipelineId, details: { stageId: created!.id, name: input.name, kind: input.kind } });
    return presentPipeline(tx, ctx, pipelineId);
  });
}
