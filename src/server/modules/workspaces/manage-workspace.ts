import { eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { setScope, type Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import { recordAudit } from '../audit';
import type { z } from 'zod';
import type { createWorkspaceBody, updateWorkspaceBody, Workspace } from './workspaces.contract';
import { memberships, workspaces, type Role } from './workspaces.schema';

type Row = typeof workspaces.$inferSelect;
export const toWorkspace = (row: Row, role: Role): Workspace => ({
  ...row,
  territory: { zipCodes: row.territory.zipCodes ?? [], cities: row.territory.cities ?? [], states: row.territory.states ?? [] },
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
  role,
});

/** WS-1: a user creates a workspace and becomes its owner. */
export async function createWorkspace(
  db: Db,
  actor: { userId: string; email: string; ip?: string | null; userAgent?: string | null },
  input: z.infer<typeof createWorkspaceBody>,
): Promise<Workspace> {
  const id = uuidv7();
  return db.transaction(async (tx) => {
    await setScope(tx, { workspaceId: id, userId: actor.userId });
    const [row] = await tx.insert(workspaces).values({ ...input, id }).returning();
    await tx.insert(memberships).values({ workspaceId: id, userId: actor.userId, role: 'owner' });
    const ctx: WorkspaceContext = { workspaceId: id, userId: actor.userId, role: 'owner', actorLabel: actor.email, ip: actor.ip ?? null, userAgent: actor.userAgent ?? null };
    await recordAudit(tx, ctx, { action: 'workspace.created', targetType: 'workspace', targetId: id, details: { name: input.name } });
    return toWorkspace(row!, 'owner');
  });
}

export async function getWorkspace(db: Db, ctx: WorkspaceContext): Promise<Workspace> {
  const [row] = await withTenant(db, ctx, (tx) => tx.select().from(workspaces).where(eq(workspaces.id, ctx.workspaceId)));
  if (!row) throw notFound('Workspace');
  return toWorkspace(row, ctx.role);
}

/** WS-1: business profile and territory. The audit entry names the fields that changed. */
export async function updateWorkspace(db: Db, ctx: WorkspaceContext, patch: z.infer<typeof updateWorkspaceBody>): Promise<Workspace> {
  return withTenant(db, ctx, async (tx) => {
    const [before] = await tx.select().from(workspaces).where(eq(workspaces.id, ctx.workspaceId)).for('update');
    if (!before) throw notFound('Workspace');
    const changed = Object.keys(patch).filter((k) => JSON.stringify(before[k as keyof Row]) !== JSON.stringify(patch[k as keyof typeof patch]));
    if (!changed.length) return toWorkspace(before, ctx.role);
    const [row] = await tx.update(workspaces).set({ ...patch, updatedAt: new Date() }).where(eq(workspaces.id, ctx.workspaceId)).returning();
    await recordAudit(tx, ctx, { action: 'workspace.settings_updated', targetType: 'workspace', targetId: ctx.workspaceId, details: { fields: changed } });
    return toWorkspace(row!, ctx.role);
  });
}
