import { and, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import { recordAudit } from '../audit';
import { activities } from './activities.schema';
import { assertMayChange, findActivityRow } from './activity-rows';

/**
 * CRM-4, WS-4: deletes a timeline item (its links go with it; a pending reminder finds nothing
 * and sends nothing). Only its author or a manager may; the audit log keeps who and what kind,
 * not the content.
 */
export async function deleteActivity(db: Db, ctx: WorkspaceContext, id: string): Promise<void> {
  await withTenant(db, ctx, async (tx) => {
    const row = await findActivityRow(tx, ctx, id, { lock: true });
    if (!row) throw notFound('Activity');
    assertMayChange(ctx, row, 'delete');
    await tx.delete(activities).where(and(eq(activities.workspaceId, ctx.workspaceId), eq(activities.id, id)));
    await recordAudit(tx, ctx, { action: 'activity.deleted', targetType: 'activity', targetId: id, details: { kind: row.kind, authorUserId: row.authorUserId } });
  });
}
