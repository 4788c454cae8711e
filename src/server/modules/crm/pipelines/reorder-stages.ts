import type { z } from 'zod';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import type { Pipeline } from '../crm.contract';
import type { reorderStagesBody } from '../crm-settings.contract';
import { invalidFields } from '../../../platform/http/field-errors';
import { lockPipeline, presentPipeline, renumber, stagesOf } from './pipeline-rows';

/** CRM-3: puts a pipeline's stages in a new board order. The list must name every stage once. */
export async function reorderStages(db: Db, ctx: WorkspaceContext, pipelineId: string, input: z.infer<typeof reorderStagesBody>): Promise<Pipeline> {
  return withTenant(db, ctx, async (tx) => {
    await lockPipeline(tx, ctx, pipelineId);
    const stages = await stagesOf(tx, ctx, pipelineId);
    const byId = new Map(stages.map((s) => [s.id, s]));
    const sameSet = input.stageIds.length === stages.length && new Set(input.stageIds).size === stages.length && input.stageIds.every((id) => byId.has(id));
    // Someone may have added or removed a stage since the list was read.
    if (!sameSet) throw invalidFields({ stageIds: 'List every stage of this pipeline once. Reload to see its current stages.' });
    await renumber(tx, ctx, input.stageIds.map((id) => byId.get(id)!));
    return presentPipeline(tx, ctx, pipelineId);
  });
}
