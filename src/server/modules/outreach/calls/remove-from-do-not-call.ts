import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { badRequest, notFound } from '../../../platform/http/errors';
import { normalisePhone } from '../../crm';
import { recordAudit } from '../../audit';
import { doNotCall } from './calls.schema';

/**
 * CALL-2: takes a number off the list (entered by mistake, the number changed hands). Owners and
 * admins only, with a reason, and the audit log keeps what the entry was — its source, reason and
 * when it was added — so the list's history can be shown to a regulator.
 */
export async function removeFromDoNotCall(db: Db, ctx: WorkspaceContext, input: { number: string; reason: string }): Promise<void> {
  await withTenant(db, ctx, async (tx) => {
    const number = await normalisePhone(tx, ctx, input.number);
    if (!number) throw badRequest('validation_failed', 'Not a valid phone number; include the country code, like +1 512 555 0100.', { fields: { number: 'Not a valid phone number.' }, in: 'body' });
    const [removed] = await tx.delete(doNotCall).where(and(eq(doNotCall.workspaceId, ctx.workspaceId), eq(doNotCall.number, number))).returning();
    if (!removed) throw notFound('Do-not-call number');
    await recordAudit(tx, ctx, {
      action: 'do_not_call.removed',
      targetType: 'do_not_call',
      targetId: null,
      details: { number, reason: input.reason, entry: { source: removed.source, reason: removed.reason, contactId: removed.contactId, importId: removed.importId, addedAt: removed.createdAt.toISOString() } },
    });
  });
}
