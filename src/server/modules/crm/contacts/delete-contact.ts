import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { notFound } from '../../../platform/http/errors';
import { recordAudit } from '../../audit';
import { contacts, deals } from '../crm.schema';
import { dropTagLinks } from '../records';
import { findContactRow } from './get-contact';
import { dropActivityLinks } from '../../activities';
import { assertRecordAccess, dropShares } from '../visibility';

/** CRM-1, WS-4: deletes a contact; its deals stay, without the contact. Audited (without personal data). */
export async function deleteContact(db: Db, ctx: WorkspaceContext, id: string): Promise<void> {
  await withTenant(db, ctx, async (tx) => {
    const row = await findContactRow(tx, ctx, id, { lock: true });
    if (!row) throw notFound('Contact');
    await assertRecordAccess(tx, ctx, 'contacts', id, 'write');
    await tx
      .update(deals)
      .set({ contactId: null, version: sql`${deals.version} + 1`, updatedAt: new Date() })
      .where(and(eq(deals.workspaceId, ctx.workspaceId), eq(deals.contactId, id)));
    await dropTagLinks(tx, ctx, 'contacts', id);
    await dropShares(tx, ctx.workspaceId, 'contacts', id);
    await dropActivityLinks(tx, ctx.workspaceId, 'contacts', id);
    await tx.delete(contacts).where(and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.id, id)));
    await recordAudit(tx, ctx, { action: 'contact.deleted', targetType: 'contact', targetId: id, details: {} });
  });
}
