import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { notFound } from '../../../platform/http/errors';
import type { Deal, UpdateDealInput } from '../crm.contract';
import { deals } from '../crm.schema';
import { checkCustomValues } from '../custom-values';
import { FieldErrors } from '../../../platform/http/field-errors';
import { checkCompany, checkContact, checkOwner, versionConflict, workspaceDefaults } from '../records';
import { findDealRow, presentDeal } from './get-deal';
import { assertRecordAccess } from '../visibility';

/** CRM-3: changes the fields given, if nobody saved since `version`. Stage changes go through moveDeal. */
export async function updateDeal(db: Db, ctx: WorkspaceContext, id: string, input: UpdateDealInput): Promise<Deal> {
  return withTenant(db, ctx, async (tx) => {
    const before = await findDealRow(tx, ctx, id, { lock: true });
    if (!before) throw notFound('Deal');
    await assertRecordAccess(tx, ctx, 'deals', id, 'write');
    if (before.version !== input.version) throw versionConflict('deal', await presentDeal(tx, ctx, before));
    const { version, custom: customInput, ...fields } = input;
    const errors = new FieldErrors();
    const { region } = await workspaceDefaults(tx, ctx);
    if (fields.ownerUserId !== before.ownerUserId) await checkOwner(tx, ctx, fields.ownerUserId, errors);
    if (fields.contactId !== before.contactId) await checkContact(tx, ctx, fields.contactId, errors);
    if (fields.companyId !== before.companyId) await checkCompany(tx, ctx, fields.companyId, errors);
    if (fields.lostReason !== undefined) {
      if (before.status !== 'lost' && fields.lostReason) errors.add('lostReason', 'Only a lost deal has a reason; move it to a lost stage.');
      if (before.status === 'lost' && !fields.lostReason) errors.add('lostReason', 'Say why the deal was lost.');
    }
    const custom = customInput === undefined ? undefined : await checkCustomValues(tx, ctx, 'deals', customInput, before.custom, region, errors);
    errors.throwIfAny();
    const [row] = await tx
      .update(deals)
      .set({ ...fields, custom, version: version + 1, updatedAt: new Date() })
      .where(and(eq(deals.workspaceId, ctx.workspaceId), eq(deals.id, id)))
      .returning();
    return presentDeal(tx, ctx, row!);
  });
}
