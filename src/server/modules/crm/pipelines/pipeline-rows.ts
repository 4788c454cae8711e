import { and, asc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import type { WorkspaceContext } from '../../../platform/db/tenant';
import { notFound } from '../../../platform/http/errors';
import type { Pipeline } from '../crm.contract';
import { deals, pipelines, pipelineStages } from '../crm.schema';
import { loadPipelines } from '../deals/list-pipelines';

/** What the pipeline settings use cases share: the locked pipeline, its stages, and how many deals a stage holds. */

/** The pipeline, or 404. Writers lock it, so that two people editing its stages at once take turns. */
export async function requirePipeline(tx: Tx, ctx: WorkspaceContext, pipelineId: string, opts: { lock?: boolean } = {}) {
  const query = tx.select().from(pipelines).where(and(eq(pipelines.workspaceId, ctx.workspaceId), eq(pipelines.id, pipelineId)));
  const [row] = opts.lock ? await query.for('update') : await query;
  if (!row) throw notFound('Pipeline');
  return row;
}

export const lockPipeline = (tx: Tx, ctx: WorkspaceContext, pipelineId: string) => requirePipeline(tx, ctx, pipelineId, { lock: true });

export async function stagesOf(tx: Tx, ctx: WorkspaceContext, pipelineId: string) {
  return tx
    .select()
    .from(pipelineStages)
    .where(and(eq(pipelineStages.workspaceId, ctx.workspaceId), eq(pipelineStages.pipelineId, pipelineId)))
    .orderBy(asc(pipelineStages.position), asc(pipelineStages.id));
}

export async function dealsInStage(tx: Tx, ctx: WorkspaceContext, pipelineId: string, stageId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(deals)
    .where(and(eq(deals.workspaceId, ctx.workspaceId), eq(deals.pipelineId, pipelineId), eq(deals.stageId, stageId)));
  return row?.n ?? 0;
}

/** Positions 0..n-1 in the given order; only rows whose position changes are written. */
export async function renumber(tx: Tx, ctx: WorkspaceContext, ordered: { id: string; position: number }[]): Promise<void> {
  for (const [position, stage] of ordered.entries()) {
    if (stage.position === position) continue;
    await tx
      .update(pipelineStages)
      .set({ position, updatedAt: new Date() })
      .where(and(eq(pipelineStages.workspaceId, ctx.workspaceId), eq(pipelineStages.id, stage.id)));
  }
}

export async function presentPipeline(tx: Tx, ctx: WorkspaceContext, pipelineId: string): Promise<Pipeline> {
  return (await loadPipelines(tx, ctx)).find((p) => p.id === pipelineId)!;
}
