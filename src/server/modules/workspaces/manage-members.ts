import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { conflict, forbidden, notFound } from '../../platform/http/errors';
import { users } from '../accounts/accounts.schema';
import { recordAudit } from '../audit';
import type { Member } from './workspaces.contract';
import { memberships, type Role } from './workspaces.schema';

export async function listMembers(db: Db, ctx: WorkspaceContext): Promise<Member[]> {
  const rows = await withTenant(db, ctx, (tx) =>
    tx
      .select({ userId: memberships.userId, role: memberships.role, joinedAt: memberships.createdAt, name: users.name, email: users.email, totp: users.totpEnabledAt })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.workspaceId, ctx.workspaceId))
      .orderBy(users.name),
  );
  return rows.map((r) => ({ userId: r.userId, role: r.role, name: r.name, email: r.email, joinedAt: r.joinedAt.toISOString(), twoFactorEnabled: Boolean(r.totp) }));
}

/** Locks the workspace's owners so two concurrent demotions cannot both pass the last-owner check. */
async function lockOwners(tx: Tx, workspaceId: string): Promise<string[]> {
  const rows = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, 'owner')))
    .for('update');
  return rows.map((r) => r.userId);
}

async function findMember(tx: Tx, workspaceId: string, userId: string) {
  const [m] = await tx.select().from(memberships).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId))).for('update');
  if (!m) throw notFound('Member');
  return m;
}

/** Only owners make or unmake owners; admins manage everyone else. */
function assertMayManage(ctx: WorkspaceContext, targetRole: Role, newRole?: Role): void {
  if (ctx.role === 'owner') return;
  if (ctx.role === 'admin' && targetRole !== 'owner' && newRole !== 'owner') return;
  throw forbidden('Only an owner can change or remove owners, or make someone an owner.');
}

const lastOwner = () => conflict('last_owner', 'A workspace needs at least one owner. Make someone else an owner first.');

/** WS-2: change a member's role. The last owner cannot be demoted. */
export async function changeMemberRole(db: Db, ctx: WorkspaceContext, userId: string, role: Role): Promise<void> {
  await withTenant(db, ctx, async (tx) => {
    const owners = await lockOwners(tx, ctx.workspaceId);
    const member = await findMember(tx, ctx.workspaceId, userId);
    assertMayManage(ctx, member.role, role);
    if (member.role === role) return;
    if (member.role === 'owner' && owners.length <= 1) throw lastOwner();
    await tx.update(memberships).set({ role, updatedAt: new Date() }).where(and(eq(memberships.workspaceId, ctx.workspaceId), eq(memberships.userId, userId)));
    await recordAudit(tx, ctx, { action: 'member.role_changed', targetType: 'user', targetId: userId, details: { from: member.role, to: role } });
  });
}

/** WS-2: remove a member (or leave, when it is yourself). The last owner cannot be removed. */
export async function removeMember(db: Db, ctx: WorkspaceContext, userId: string): Promise<void> {
  await withTenant(db, ctx, async (tx) => {
    const owners = await lockOwners(tx, ctx.workspaceId);
    const member = await findMember(tx, ctx.workspaceId, userId);
    const leaving = userId === ctx.userId;
    if (!leaving) {
      if (ctx.role !== 'owner' && ctx.role !== 'admin') throw forbidden();
      assertMayManage(ctx, member.role);
    }
    if (member.role === 'owner' && owners.length <= 1) throw lastOwner();
    await tx.delete(memberships).where(and(eq(memberships.workspaceId, ctx.workspaceId), eq(memberships.userId, userId)));
    await recordAudit(tx, ctx, { action: leaving ? 'member.left' : 'member.removed', targetType: 'user', targetId: userId, details: { role: member.role } });
  });
}
