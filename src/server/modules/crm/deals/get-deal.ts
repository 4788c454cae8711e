import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { notFound } from '../../../platform/http/errors';
import type { Deal } from '../crm.contract';
import { contacts, deals, pipelineStages } from '../crm.schema';
import { companiesById, iso, tagsByRecord } from '../records';
import { assertRecordAccess } from '../visibility';

export type DealRow = typeof deals.$inferSelect;

/** Rows as the API shows them: with stage, contact and company summaries and tags. */
export async function presentDeals(tx: Tx, ctx: WorkspaceContext, rows: DealRow[]): Promise<Deal[]> {
  if (!rows.length) return [];
  const ids = (key: 'stageId' | 'contactId') => [...new Set(rows.map((r) => r[key]).filter((id): id is string => !!id))];
  const stageRows = await tx
    .select({ id: pipelineStages.id, name: pipelineStages.name, kind: pipelineStages.kind })
    .from(pipelineStages)
    .where(and(eq(pipelineStages.workspaceId, ctx.workspaceId), inArray(pipelineStages.id, ids('stageId'))));
  const contactIds = ids('contactId');
  const contactRows = contactIds.length
    ? await tx
        .select({ id: contacts.id, firstName: contacts.firstName, lastName: contacts.lastName, email: contacts.email })
        .from(contacts)
        .where(and(eq(contacts.workspaceId, ctx.workspaceId), inArray(contacts.id, contactIds)))
    : [];
  const stageMap = new Map(stageRows.map((s) => [s.id, s]));
  const contactMap = new Map(contactRows.map((c) => [c.id, c]));
  const companyMap = await companiesById(tx, ctx, rows.map((r) => r.companyId));
  const tagMap = await tagsByRecord(tx, ctx, 'deals', rows.map((r) => r.id));
  return rows.map(({ workspaceId: _, ...r }) => ({
    ...r,
    stage: stageMap.get(r.stageId)!,
    contact: (r.contactId && contactMap.get(r.contactId)) || null,
    company: (r.companyId && companyMap.get(r.companyId)) || null,
    tags: tagMap.get(r.id) ?? [],
    closedAt: iso(r.closedAt),
    createdAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt)!,
  }));
}

export async function presentDeal(tx: Tx, ctx: WorkspaceContext, row: DealRow): Promise<Deal> {
  return (await presentDeals(tx, ctx, [row]))[0]!;
}

export async function findDealRow(tx: Tx, ctx: WorkspaceContext, id: string, opts: { lock?: boolean } = {}): Promise<DealRow | undefined> {
  const query = tx.select().from(deals).where(and(eq(deals.workspaceId, ctx.workspaceId), eq(deals.id, id)));
  const [row] = opts.lock ? await query.for('update') : await query;
  return row;
}

/** CRM-3: one deal with its stage, contact, company and tags. */
export async function getDeal(db: Db, ctx: WorkspaceContext, id: string): Promise<Deal> {
  return withTenant(db, ctx, async (tx) => {
    const row = await findDealRow(tx, ctx, id);
    if (!row) throw notFound('Deal');
    await assertRecordAccess(tx, ctx, 'deals', id, 'read');
    return presentDeal(tx, ctx, row);
  });
}
