import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import type { BoardTotals } from '../crm-settings.contract';
import { deals } from '../crm.schema';
import { loadVisibility, withVisibility } from '../visibility';
import { requirePipeline, stagesOf } from './pipeline-rows';

/** CRM-3: per stage of a pipeline, how many deals (that the member can see) it holds and their amounts summed per currency (the board's column totals). */
export async function boardTotals(db: Db, ctx: WorkspaceContext, pipelineId: string): Promise<BoardTotals> {
  return withTenant(db, ctx, async (tx) => {
    await requirePipeline(tx, ctx, pipelineId);
    const stages = await stagesOf(tx, ctx, pipelineId);
    const rows = await tx
      .select({ stageId: deals.stageId, currency: deals.currency, count: sql<number>`count(*)::int`, amount: sql<string>`coalesce(sum(${deals.amount}), 0)::text` })
      .from(deals)
      .where(withVisibility(await loadVisibility(tx, ctx), 'deals', and(eq(deals.workspaceId, ctx.workspaceId), eq(deals.pipelineId, pipelineId))))
      .groupBy(deals.stageId, deals.currency);
    return {
      stages: stages.map((s) => {
        const mine = rows.filter((r) => r.stageId === s.id);
        return {
          stageId: s.id,
          count: mine.reduce((n, r) => n + r.count, 0),
          totals: mine.map((r) => ({ currency: r.currency, amount: r.amount })).sort((a, b) => a.currency.localeCompare(b.currency)),
        };
      }),
    };
  });
}
