import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { randomToken, sha256 } from '../../platform/crypto/tokens';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { badRequest, conflict, forbidden, notFound } from '../../platform/http/errors';
import { queueMail } from '../../platform/mail/outbox';
import type { Services } from '../../platform/services';
import { users } from '../accounts/accounts.schema';
import type { RequestMeta } from '../accounts';
import { issueSignInCode, findUserByEmail } from '../accounts';
import { recordAudit } from '../audit';
import { consume } from '../billing';
import type { Invitation } from './workspaces.contract';
import { invitations, memberships, workspaces, type Role } from './workspaces.schema';

export const INVITATION_DAYS = 7;

type Row = typeof invitations.$inferSelect;
const statusOf = (r: Row): Invitation['status'] =>
  r.acceptedAt ? 'accepted' : r.revokedAt ? 'revoked' : r.expiresAt < new Date() ? 'expired' : 'pending';

export async function listInvitations(db: Db, ctx: WorkspaceContext): Promise<Invitation[]> {
  const rows = await withTenant(db, ctx, (tx) =>
    tx
      .select({ invitation: invitations, invitedByName: users.name })
      .from(invitations)
      .leftJoin(users, eq(users.id, invitations.invitedBy))
      .where(eq(invitations.workspaceId, ctx.workspaceId))
      .orderBy(desc(invitations.createdAt))
      .limit(200),
  );
  return rows.map(({ invitation: r, invitedByName }) => ({
    id: r.id,
    email: r.email,
    role: r.role,
    status: statusOf(r),
    expiresAt: r.expiresAt.toISOString(),
    createdAt: r.createdAt.toISOString(),
    invitedByName,
  }));
}

/** WS-2: invites by email. Inviting the same address again replaces the pending invitation. */
export async function createInvitation(services: Services, ctx: WorkspaceContext, email: string, role: Role): Promise<Invitation> {
  if (role === 'owner' && ctx.role !== 'owner') throw forbidden('Only an owner can invite another owner.');
  await services.rateLimit.hit({ key: `invite:workspace:${ctx.workspaceId}`, max: 100, windowSeconds: 3600 });
  const token = randomToken();
  const result = await withTenant(services.database.db, ctx, async (tx) => {
    const [already] = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, ctx.workspaceId), eq(users.email, email)));
    if (already) throw conflict('already_member', `${email} is already a member of this workspace.`);
    await tx
      .update(invitations)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(invitations.workspaceId, ctx.workspaceId), eq(invitations.email, email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
    // BILL-1: an invitation to the team holds a seat of the plan (clients take none).
    if (role !== 'client') await consume(tx, ctx.workspaceId, 'seats', 1);
    const [row] = await tx
      .insert(invitations)
      .values({ workspaceId: ctx.workspaceId, email, role, tokenHash: sha256(token), invitedBy: ctx.userId, expiresAt: new Date(Date.now() + INVITATION_DAYS * 86_400_000) })
      .returning();
    const [ws] = await tx.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, ctx.workspaceId));
    const [inviter] = ctx.userId ? await tx.select({ name: users.name }).from(users).where(eq(users.id, ctx.userId)) : [];
    await queueMail(tx, services.mail.from, email, 'invitation', {
      inviterName: inviter?.name ?? 'A teammate',
      workspaceName: ws!.name,
      role,
      url: `${services.config.publicUrl}/invite/${encodeURIComponent(token)}`,
      days: INVITATION_DAYS,
    });
    await recordAudit(tx, ctx, { action: 'invitation.created', targetType: 'invitation', targetId: row!.id, details: { email, role } });
    return { row: row!, inviterName: inviter?.name ?? null };
  });
  return { ...(await listInvitations(services.database.db, ctx)).find((i) => i.id === result.row.id)! };
}

export async function revokeInvitation(db: Db, ctx: WorkspaceContext, invitationId: string): Promise<void> {
  await withTenant(db, ctx, async (tx) => {
    const [row] = await tx
      .update(invitations)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(invitations.workspaceId, ctx.workspaceId), eq(invitations.id, invitationId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .returning();
    if (!row) throw notFound('Pending invitation');
    await recordAudit(tx, ctx, { action: 'invitation.revoked', targetType: 'invitation', targetId: invitationId, details: { email: row.email } });
  });
}

/**
 * An invitation is found by its token before anyone belongs to the workspace, so this one
 * lookup runs as the owner role (see Database.system); everything after is tenant-scoped.
 */
async function findUsableInvitation(services: Services, token: string) {
  const [found] = await services.database.system
    .select({ invitation: invitations, workspaceName: workspaces.name, inviterName: users.name })
    .from(invitations)
    .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId))
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(eq(invitations.tokenHash, sha256(token)));
  if (!found) throw badRequest('invitation_invalid', 'This invitation link is not valid. Ask for a new one.');
  const r = found.invitation;
  if (r.acceptedAt) throw badRequest('invitation_used', 'This invitation was already accepted. Sign in to open the workspace.');
  if (r.revokedAt) throw badRequest('invitation_revoked', 'This invitation was withdrawn. Ask the person who invited you for a new one.');
  if (r.expiresAt < new Date()) throw badRequest('invitation_expired', 'This invitation has expired. Ask the person who invited you for a new one.');
  return found;
}

export async function previewInvitation(services: Services, token: string) {
  const { invitation, workspaceName, inviterName } = await findUsableInvitation(services, token);
  const account = await findUserByEmail(services.database.db, invitation.email);
  return { workspaceName, inviterName, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt.toISOString(), accountExists: Boolean(account) };
}

/**
 * A newcomer who holds an invitation proves their address with an emailed code. The account
 * is created first if there is none (AUTH-8 confirmation required then).
 */
export async function sendInvitationCode(services: Services, token: string, input: { name?: string; ageConfirmed?: true }, meta: RequestMeta): Promise<void> {
  await services.rateLimit.hit({ key: `code-request:ip:${meta.ip}`, max: 10, windowSeconds: 900 });
  const { invitation } = await findUsableInvitation(services, token);
  await services.rateLimit.hit({ key: `code-request:account:${invitation.email}`, max: 5, windowSeconds: 900 });
  await services.database.db.transaction(async (tx) => {
    let user = await findUserByEmail(tx, invitation.email);
    if (!user) {
      const fields: Record<string, string> = {};
      if (!input.name) fields.name = 'Enter your name.';
      if (!input.ageConfirmed) fields.ageConfirmed = 'Kestrel is for people 18 and over; please confirm.';
      if (Object.keys(fields).length) throw badRequest('validation_failed', 'Some fields are not valid.', { fields });
      user = (await tx.insert(users).values({ email: invitation.email, name: input.name!, ageConfirmedAt: sql`now()` }).returning())[0]!;
    }
    await issueSignInCode(tx, services, user!);
  });
}

/** WS-2: the invited person, signed in with the invited address, joins with the invited role. */
export async function acceptInvitation(services: Services, token: string, user: { userId: string; email: string }, meta: RequestMeta): Promise<{ workspaceId: string }> {
  const { invitation } = await findUsableInvitation(services, token);
  if (invitation.email.toLowerCase() !== user.email.toLowerCase()) {
    throw forbidden(`This invitation is for ${invitation.email}. Sign in with that address to accept it.`, 'invitation_email_mismatch');
  }
  const ctx: WorkspaceContext = { workspaceId: invitation.workspaceId, userId: user.userId, role: invitation.role, actorLabel: user.email, ...meta };
  await withTenant(services.database.db, ctx, async (tx) => {
    const [claimed] = await tx
      .update(invitations)
      .set({ acceptedAt: sql`now()`, acceptedBy: user.userId })
      .where(and(eq(invitations.workspaceId, invitation.workspaceId), eq(invitations.id, invitation.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .returning();
    if (!claimed) throw badRequest('invitation_used', 'This invitation was already accepted.');
    await tx.insert(memberships).values({ workspaceId: invitation.workspaceId, userId: user.userId, role: invitation.role }).onConflictDoNothing();
    await recordAudit(tx, ctx, { action: 'member.joined', targetType: 'user', targetId: user.userId, details: { role: invitation.role, invitationId: invitation.id } });
  });
  return { workspaceId: invitation.workspaceId };
}
