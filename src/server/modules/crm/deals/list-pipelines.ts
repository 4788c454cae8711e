import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import type { Pipeline } from '../crm.contract';
import { pipelines, pipelineStages } from '../crm.schema';
import { iso } from '../records';

/** The pipeline every workspace starts with (CRM-3). */
export const defaultPipeline = {
  name: 'Sales',
  stages: [
    { name: 'Lead-in', probability: 10, kind: 'open' },
    { name: 'Qualified', probability: 25, kind: 'open' },
    { name: 'Proposal', probability: 50, kind: 'open' },
    { name: 'Negotiation', probability: 75, kind: 'open' },
    { name: 'Won', probability: 100, kind: 'won' },
    { name: 'Lost', probability: 0, kind: 'lost' },
  ],
} as const;

/**
 * Creates the default pipeline when the workspace has none. Two first requests at once take
 * turns on a transaction-scoped advisory lock; the second finds the pipeline the first made.
 */
export async function ensureDefaultPipeline(tx: Tx, ctx: WorkspaceContext): Promise<void> {
  const hasAny = async () => (await tx.select({ id: pipelines.id }).from(pipelines).where(eq(pipelines.workspaceId, ctx.workspaceId)).limit(1)).length > 0;
  if (await hasAny()) return;
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`kestrel.crm.default-pipeline:${ctx.workspaceId}`}, 0))`);
  if (await hasAny()) return;
  const [pipeline] = await tx.insert(pipelines).values({ workspaceId: ctx.workspaceId, name: defaultPipeline.name, position: 0 }).returning();
  await tx.insert(pipelineStages).values(defaultPipeline.stages.map((s, position) => ({ ...s, workspaceId: ctx.workspaceId, pipelineId: pipeline!.id, position })));
}

export async function loadPipelines(tx: Tx, ctx: WorkspaceContext): Promise<Pipeline[]> {
  const rows = await tx.select().from(pipelines).where(eq(pipelines.workspaceId, ctx.workspaceId)).orderBy(asc(pipelines.position), asc(pipelines.id));
  const stages = await tx
    .select()
    .from(pipelineStages)
    .where(and(eq(pipelineStages.workspaceId, ctx.workspaceId)))
    .orderBy(asc(pipelineStages.position), asc(pipelineStages.id));
  return rows.map((p) => ({
    id: p.id,
    name: p.name,
    position: p.position,
    createdAt: iso(p.createdAt)!,
    stages: stages.filter((s) => s.pipelineId === p.id).map(({ id, pipelineId, name, position, probability, kind }) => ({ id, pipelineId, name, position, probability, kind })),
  }));
}

/** CRM-3: the workspace's pipelines with their stages in board order; the default one is made on first use. */
export async function listPipelines(db: Db, ctx: WorkspaceContext): Promise<Pipeline[]> {
  return withTenant(db, ctx, async (tx) => {
    await ensureDefaultPipeline(tx, ctx);
    return loadPipelines(tx, ctx);
  });
}
