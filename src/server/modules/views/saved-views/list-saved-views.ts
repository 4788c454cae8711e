import { and, asc, eq, or } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import type { RecordType } from '../../crm/crm.contract';
import type { SavedView } from '../views.contract';
import { savedViews } from '../views.schema';
import { presentSavedView } from './present';

/** CRM-6: the caller's personal views and the workspace's shared ones, by name. */
export async function listSavedViews(db: Db, ctx: WorkspaceContext, object?: RecordType): Promise<SavedView[]> {
  const rows = await withTenant(db, ctx, (tx) =>
    tx
      .select()
      .from(savedViews)
      .where(
        and(
          eq(savedViews.workspaceId, ctx.workspaceId),
          object ? eq(savedViews.object, object) : undefined,
          ctx.userId ? or(eq(savedViews.shared, true), eq(savedViews.ownerUserId, ctx.userId)) : eq(savedViews.shared, true),
        ),
      )
      .orderBy(asc(savedViews.name), asc(savedViews.id)),
  );
  return rows.map((r) => presentSavedView(ctx, r));
}
