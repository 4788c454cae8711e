import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { notFound } from '../../../platform/http/errors';
import { recordAudit } from '../../audit';
import { companies, contacts, deals } from '../crm.schema';
import { dropTagLinks } from '../records';
import { findCompanyRow } from './get-company';
import { dropActivityLinks } from '../../activities';
import { assertRecordAccess, dropShares } from '../visibility';

/** CRM-2, WS-4: deletes a company; its contacts and deals stay, without the company. Audited. */
export async function deleteCompany(db: Db, ctx: WorkspaceContext, id: string): Promise<void> {
  await withTenant(db, ctx, async (tx) => {
    const row = await findCompanyRow(tx, ctx, id, { lock: true });
    if (!row) throw notFound('Company');
    await assertRecordAccess(tx, ctx, 'companies', id, 'write');
    const detached = { companyId: null, updatedAt: new Date() };
    const people = await tx
      .update(contacts)
      .set({ ...detached, version: sql`${contacts.version} + 1` })
      .where(and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.companyId, id)))
      .returning({ id: contacts.id });
    const opportunities = await tx
      .update(deals)
      .set({ ...detached, version: sql`${deals.version} + 1` })
      .where(and(eq(deals.workspaceId, ctx.workspaceId), eq(deals.companyId, id)))
      .returning({ id: deals.id });
    await dropTagLinks(tx, ctx, 'companies', id);
    await dropShares(tx, ctx.workspaceId, 'companies', id);
    await dropActivityLinks(tx, ctx.workspaceId, 'companies', id);
    await tx.delete(companies).where(and(eq(companies.workspaceId, ctx.workspaceId), eq(companies.id, id)));
    await recordAudit(tx, ctx, {
      action: 'company.deleted',
      targetType: 'company',
      targetId: id,
      details: { name: row.name, domain: row.domain, contactsDetached: people.length, dealsDetached: opportunities.length },
    });
  });
}
