import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import type { WorkspaceContext } from '../../../platform/db/tenant';
import { forbidden, notFound } from '../../../platform/http/errors';
import { FieldErrors } from '../../../platform/http/field-errors';
import type { SavedView, ViewDefinition } from '../views.contract';
import { savedViews } from '../views.schema';
import { loadFieldCatalog } from '../fields';
import { validateView } from '../validate-view';

export type SavedViewRow = typeof savedViews.$inferSelect;

/** Personal views: only their creator. Shared views: the creator and managers (owners, admins). */
export const canEdit = (ctx: WorkspaceContext, row: SavedViewRow) =>
  row.ownerUserId === ctx.userId || (row.shared && (ctx.role === 'owner' || ctx.role === 'admin'));

export const canSee = (ctx: WorkspaceContext, row: SavedViewRow) => row.shared || row.ownerUserId === ctx.userId;

export const presentSavedView = (ctx: WorkspaceContext, row: SavedViewRow): SavedView => ({
  id: row.id,
  object: row.object,
  name: row.name,
  shared: row.shared,
  ownerUserId: row.ownerUserId,
  canEdit: canEdit(ctx, row),
  definition: row.definition,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/** A view the caller can see (another member's personal view looks like it does not exist). */
export async function findVisibleView(tx: Tx, ctx: WorkspaceContext, id: string, opts: { forEdit?: boolean } = {}): Promise<SavedViewRow> {
  const query = tx.select().from(savedViews).where(and(eq(savedViews.workspaceId, ctx.workspaceId), eq(savedViews.id, id)));
  const [row] = opts.forEdit ? await query.for('update') : await query;
  if (!row || !canSee(ctx, row)) throw notFound('View');
  if (opts.forEdit && !canEdit(ctx, row)) throw forbidden('Only the person who made this shared view, or an owner or admin, can change it.');
  return row;
}

/** The definition against the workspace's current fields; errors are named under `definition.`. */
export async function checkDefinition(tx: Tx, ctx: WorkspaceContext, def: ViewDefinition): Promise<void> {
  validateView(def, await loadFieldCatalog(tx, ctx, def.object), 'definition');
}

/** Unique per creator and object, as a field error rather than a constraint failure. */
export const duplicateName = (name: string) => {
  const errors = new FieldErrors();
  errors.add('name', `You already have a view called "${name}" here. Choose another name.`);
  return errors;
};
