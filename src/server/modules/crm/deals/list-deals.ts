import { and, desc, eq, ilike, lt, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import type { Deal, listDealsQuery } from '../crm.contract';
import { deals } from '../crm.schema';
import { escapeLike } from '../../../platform/db/escape-like';
import { hasTag, pageOf } from '../records';
import { loadVisibility, visibleRecords } from '../visibility';
import { presentDeals } from './get-deal';

/** CRM-3: deals newest first, by name prefix, pipeline, stage, status, owner, contact, company or tag. */
export async function listDeals(db: Db, ctx: WorkspaceContext, query: z.infer<typeof listDealsQuery>): Promise<{ items: Deal[]; nextCursor: string | null }> {
  const where: (SQL | undefined)[] = [eq(deals.workspaceId, ctx.workspaceId)];
  if (query.cursor) where.push(lt(deals.id, query.cursor));
  if (query.pipelineId) where.push(eq(deals.pipelineId, query.pipelineId));
  if (query.stageId) where.push(eq(deals.stageId, query.stageId));
  if (query.status) where.push(eq(deals.status, query.status));
  if (query.ownerUserId) where.push(eq(deals.ownerUserId, query.ownerUserId));
  if (query.contactId) where.push(eq(deals.contactId, query.contactId));
  if (query.companyId) where.push(eq(deals.companyId, query.companyId));
  if (query.tagId) where.push(hasTag('deals', query.tagId));
  if (query.q) where.push(ilike(deals.name, `${escapeLike(query.q)}%`));
  return withTenant(db, ctx, async (tx) => {
    where.push(visibleRecords(await loadVisibility(tx, ctx), 'deals'));
    const rows = await tx.select().from(deals).where(and(...where)).orderBy(desc(deals.id)).limit(query.limit + 1);
    const { page, nextCursor } = pageOf(rows, query.limit);
    return { items: await presentDeals(tx, ctx, page), nextCursor };
  });
}
