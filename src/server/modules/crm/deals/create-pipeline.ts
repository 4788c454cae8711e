import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { conflict } from '../../../platform/http/errors';
import { recordAudit } from '../../audit';
import type { createPipelineBody, Pipeline } from '../crm.contract';
import { pipelines, pipelineStages } from '../crm.schema';
import { ensureDefaultPipeline, loadPipelines } from './list-pipelines';

/** CRM-3: another pipeline with its stages in the order given. */
export async function createPipeline(db: Db, ctx: WorkspaceContext, input: z.infer<typeof createPipelineBody>): Promise<Pipeline> {
  return withTenant(db, ctx, async (tx) => {
    // The default comes first, so that a workspace's first own pipeline does not stand in for it.
    await ensureDefaultPipeline(tx, ctx);
    const [{ next }] = (await tx
      .select({ next: sql<number>`coalesce(max(${pipelines.position}) + 1, 0)::int` })
      .from(pipelines)
      .where(eq(pipelines.workspaceId, ctx.workspaceId))) as [{ next: number }];
    const [pipeline] = await tx.insert(pipelines).values({ workspaceId: ctx.workspaceId, name: input.name, position: next }).onConflictDoNothing().returning();
    if (!pipeline) throw conflict('pipeline_name_taken', `There is already a pipeline named "${input.name}".`, { fields: { name: 'Already taken.' } });
    await tx.insert(pipelineStages).values(input.stages.map((s, position) => ({ ...s, workspaceId: ctx.workspaceId, pipelineId: pipeline.id, position })));
    await recordAudit(tx, ctx, { action: 'pipeline.created', targetType: 'pipeline', targetId: pipeline.id, details: { name: input.name, stages: input.stages.length } });
    return (await loadPipelines(tx, ctx)).find((p) => p.id === pipeline.id)!;
  });
}
