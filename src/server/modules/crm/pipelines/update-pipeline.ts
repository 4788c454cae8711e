import { and, eq, ne } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { conflict } from '../../../platform/http/errors';
import type { Pipeline } from '../crm.contract';
import type { updatePipelineBody } from '../crm-settings.contract';
import { pipelines } from '../crm.schema';
import { lockPipeline, presentPipeline } from './pipeline-rows';

/** CRM-3: renames a pipeline; names stay unique in the workspace. */
export async function updatePipeline(db: Db, ctx: WorkspaceContext, pipelineId: string, input: z.infer<typeof updatePipelineBody>): Promise<Pipeline> {
  return withTenant(db, ctx, async (tx) => {
    await lockPipeline(tx, ctx, pipelineId);
    const [taken] = await tx
      .select({ id: pipelines.id })
      .from(pipelines)
      .where(and(eq(pipelines.workspaceId, ctx.workspaceId), eq(pipelines.name, input.name), ne(pipelines.id, pipelineId)));
    if (taken) throw conflict('pipeline_name_taken', `There is already a pipeline named "${input.name}".`, { fields: { name: 'Already taken.' } });
    await tx
      .update(pipelines)
      .set({ name: input.name, updatedAt: new Date() })
      .where(and(eq(pipelines.workspaceId, ctx.workspaceId), eq(pipelines.id, pipelineId)));
    return presentPipeline(tx, ctx, pipelineId);
  });
}
