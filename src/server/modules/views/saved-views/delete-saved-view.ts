import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { savedViews } from '../views.schema';
import { findVisibleView } from './present';

/** CRM-6: deletes a saved view (the creator's, or a shared one by a manager). */
export async function deleteSavedView(db: Db, ctx: WorkspaceContext, id: string): Promise<void> {
  await withTenant(db, ctx, async (tx) => {
    await findVisibleView(tx, ctx, id, { forEdit: true });
    await tx.delete(savedViews).where(and(eq(savedViews.workspaceId, ctx.workspaceId), eq(savedViews.id, id)));
  });
}
