import { and, eq, ne } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { badRequest } from '../../../platform/http/errors';
import type { SavedView, updateSavedViewBody } from '../views.contract';
import { savedViews } from '../views.schema';
import { checkDefinition, duplicateName, findVisibleView, presentSavedView } from './present';

/** CRM-6: renames a view, shares or unshares it, or changes what it shows. */
export async function updateSavedView(db: Db, ctx: WorkspaceContext, id: string, body: z.infer<typeof updateSavedViewBody>): Promise<SavedView> {
  return withTenant(db, ctx, async (tx) => {
    const row = await findVisibleView(tx, ctx, id, { forEdit: true });
    if (body.definition) {
      if (body.definition.object !== row.object) throw badRequest('validation_failed', 'A view stays on its object.', { fields: { 'definition.object': `This view is of ${row.object}.` }, in: 'body' });
      await checkDefinition(tx, ctx, body.definition);
    }
    if (body.name !== undefined && body.name !== row.name) {
      const [clash] = await tx
        .select({ id: savedViews.id })
        .from(savedViews)
        .where(and(eq(savedViews.workspaceId, ctx.workspaceId), eq(savedViews.object, row.object), eq(savedViews.name, body.name), row.ownerUserId ? eq(savedViews.ownerUserId, row.ownerUserId) : undefined, ne(savedViews.id, id)));
      if (clash) duplicateName(body.name).throwIfAny();
    }
    const [updated] = await tx
      .update(savedViews)
      .set({
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.shared !== undefined ? { shared: body.shared } : {}),
        ...(body.definition ? { definition: body.definition } : {}),
        updatedAt: new Date(),
      })
      .where(and(eq(savedViews.workspaceId, ctx.workspaceId), eq(savedViews.id, id)))
      .returning();
    return presentSavedView(ctx, updated!);
  });
}
