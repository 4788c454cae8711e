import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { conflict, notFound } from '../../../platform/http/errors';
import { recordAudit } from '../../audit';
import type { Pipeline } from '../crm.contract';
import type { updateStageBody } from '../crm-settings.contract';
import { pipelineStages } from '../crm.schema';
import { dealsInStage, lockPipeline, presentPipeline, stagesOf } from './pipeline-rows';

/**
 * CRM-3: renames a stage or changes its probability or kind. Deals keep their own probability
 * (they took the stage's when moved in). The kind decides whether a deal in the stage is open,
 * won or lost, so it may only change while the stage is empty: otherwise deals would be "won"
 * without anyone winning them, or "lost" without a reason.
 */
export async function updateStage(db: Db, ctx: WorkspaceContext, pipelineId: string, stageId: string, input: z.infer<typeof updateStageBody>): Promise<Pipeline> {
  return withTenant(db, ctx, async (tx) => {
    await lockPipeline(tx, ctx, pipelineId);
    const stage = (await stagesOf(tx, ctx, pipelineId)).find((s) => s.id === stageId);
    if (!stage) throw notFound('Stage');
    if (input.kind && input.kind !== stage.kind) {
      const n = await dealsInStage(tx, ctx, pipelineId, stageId);
      if (n > 0) {
        throw conflict('stage_in_use', `${n} deal${n === 1 ? ' is' : 's are'} in "${stage.name}". Move ${n === 1 ? 'it' : 'them'} to another stage before changing whether this stage is open, won or lost.`, {
          fields: { kind: 'Move the deals in this stage first.' },
          deals: n,
        });
      }
    }
    await tx
      .update(pipelineStages)
      .set({ ...input, updatedAt: new Date() })
      .where(and(eq(pipelineStages.workspaceId, ctx.workspaceId), eq(pipelineStages.id, stageId)));
    if (input.kind && input.kind !== stage.kind) {
      await recordAudit(tx, ctx, { action: 'pipeline.stage_changed', targetType: 'pipeline', targetId: pipelineId, details: { stageId, kind: input.kind } });
    }
    return presentPipeline(tx, ctx, pipelineId);
  });
}
