import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { notFound } from '../../../platform/http/errors';
import { recordAudit } from '../../audit';
import { deals } from '../crm.schema';
import { dropTagLinks } from '../records';
import { findDealRow } from './get-deal';
import { dropActivityLinks } from '../../activities';
import { assertRecordAccess, dropShares } from '../visibility';

/** CRM-3, WS-4: deletes a deal. Audited. */
export async function deleteDeal(db: Db, ctx: WorkspaceContext, id: string): Promise<void> {
  await withTenant(db, ctx, async (tx) => {
    const row = await findDealRow(tx, ctx, id, { lock: true });
    if (!row) throw notFound('Deal');
    await assertRecordAccess(tx, ctx, 'deals', id, 'write');
    await dropTagLinks(tx, ctx, 'deals', id);
    await dropShares(tx, ctx.workspaceId, 'deals', id);
    await dropActivityLinks(tx, ctx.workspaceId, 'deals', id);
    await tx.delete(deals).where(and(eq(deals.workspaceId, ctx.workspaceId), eq(deals.id, id)));
    await recordAudit(tx, ctx, { action: 'deal.deleted', targetType: 'deal', targetId: id, details: { name: row.name, amount: row.amount, currency: row.currency, status: row.status } });
  });
}
