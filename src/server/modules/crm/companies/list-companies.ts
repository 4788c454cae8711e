import { and, desc, eq, ilike, lt, or, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import type { Company, listCompaniesQuery } from '../crm.contract';
import { companies } from '../crm.schema';
import { escapeLike } from '../../../platform/db/escape-like';
import { hasTag, pageOf } from '../records';
import { loadVisibility, visibleRecords } from '../visibility';
import { presentCompanies } from './get-company';

/** CRM-2: companies newest first, by name or domain prefix, owner or tag. */
export async function listCompanies(db: Db, ctx: WorkspaceContext, query: z.infer<typeof listCompaniesQuery>): Promise<{ items: Company[]; nextCursor: string | null }> {
  const where: (SQL | undefined)[] = [eq(companies.workspaceId, ctx.workspaceId)];
  if (query.cursor) where.push(lt(companies.id, query.cursor));
  if (query.ownerUserId) where.push(eq(companies.ownerUserId, query.ownerUserId));
  if (query.tagId) where.push(hasTag('companies', query.tagId));
  if (query.q) {
    const prefix = `${escapeLike(query.q)}%`;
    where.push(or(ilike(companies.name, prefix), ilike(companies.domain, prefix)));
  }
  return withTenant(db, ctx, async (tx) => {
    where.push(visibleRecords(await loadVisibility(tx, ctx), 'companies'));
    const rows = await tx.select().from(companies).where(and(...where)).orderBy(desc(companies.id)).limit(query.limit + 1);
    const { page, nextCursor } = pageOf(rows, query.limit);
    return { items: await presentCompanies(tx, ctx, page), nextCursor };
  });
}
