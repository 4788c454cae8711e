import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { deals } from '../crm.schema';
import { ensureDefaultPipeline, loadPipelines } from '../deals/list-pipelines';
import { loadVisibility, withVisibility } from '../visibility';

export interface PipelineValue {
  id: string;
  name: string;
  stages: { id: string; name: string; probability: number; count: number; totals: { currency: string; amount: string }[] }[];
}

/** At most this many pipelines on the home page; the board has the rest. */
const MAX_PIPELINES = 10;

/**
 * CRM-3: what is open in each pipeline, stage by stage: the deals the member can see, counted
 * and summed per currency (amounts in different currencies are never added together).
 */
export async function pipelineValue(db: Db, ctx: WorkspaceContext): Promise<PipelineValue[]> {
  return withTenant(db, ctx, async (tx) => {
    if (ctx.role !== 'client') await ensureDefaultPipeline(tx, ctx);
    const pipelines = (await loadPipelines(tx, ctx)).slice(0, MAX_PIPELINES);
    const rows = await tx
      .select({ stageId: deals.stageId, currency: deals.currency, count: sql<number>`count(*)::int`, amount: sql<string>`coalesce(sum(${deals.amount}), 0)::text` })
      .from(deals)
      .where(withVisibility(await loadVisibility(tx, ctx), 'deals', and(eq(deals.workspaceId, ctx.workspaceId), eq(deals.status, 'open'))))
      .groupBy(deals.stageId, deals.currency);
    return pipelines.map((p) => ({
      id: p.id,
      name: p.name,
      stages: p.stages
        .filter((s) => s.kind === 'open')
        .map((s) => {
          const mine = rows.filter((r) => r.stageId === s.id).sort((a, b) => a.currency.localeCompare(b.currency));
          return { id: s.id, name: s.name, probability: s.probability, count: mine.reduce((n, r) => n + r.count, 0), totals: mine.map(({ currency, amount }) => ({ currency, amount })) };
        }),
    }));
  });
}
