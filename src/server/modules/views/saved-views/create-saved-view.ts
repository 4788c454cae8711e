import type { z } from 'zod';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import type { createSavedViewBody, SavedView } from '../views.contract';
import { savedViews } from '../views.schema';
import { checkDefinition, duplicateName, presentSavedView } from './present';

/** CRM-6: saves a view, personal or shared with the team. */
export async function createSavedView(db: Db, ctx: WorkspaceContext, body: z.infer<typeof createSavedViewBody>): Promise<SavedView> {
  return withTenant(db, ctx, async (tx) => {
    await checkDefinition(tx, ctx, body.definition);
    const [row] = await tx
      .insert(savedViews)
      .values({ workspaceId: ctx.workspaceId, ownerUserId: ctx.userId, object: body.definition.object, name: body.name, shared: body.shared, definition: body.definition })
      .onConflictDoNothing()
      .returning();
    if (!row) duplicateName(body.name).throwIfAny();
    return presentSavedView(ctx, row!);
  });
}
