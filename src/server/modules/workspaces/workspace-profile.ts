import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Queryable } from '../../platform/db/database';
import { qualified } from '../../platform/db/qualified';
import { userEmailOf, userNameOf } from '../accounts';
import { memberships, workspaces, type Role } from './workspaces.schema';

const profile = { name: workspaces.name, mailingAddress: workspaces.mailingAddress, timeZone: workspaces.timeZone, currency: workspaces.currency, country: workspaces.country };
export interface WorkspaceProfile {
  name: string;
  mailingAddress: string | null;
  timeZone: string;
  currency: string;
  country: string | null;
}

/** What a workspace shows itself as and works in: its name, its postal address (CAN-SPAM), its time zone, currency and country. */
export async function workspaceProfile(tx: Queryable, workspaceId: string): Promise<WorkspaceProfile | null> {
  const [ws] = await tx.select(profile).from(workspaces).where(eq(workspaces.id, workspaceId));
  return ws ?? null;
}

/** A workspace's name inside another module's own statement (a public page read by a token), so it stays one statement. */
export const workspaceNameOf = (workspaceId: AnyPgColumn | SQL): SQL<string> => qualified(sql`(SELECT ${workspaces.name} FROM ${workspaces} WHERE ${workspaces.id} = ${workspaceId})`);

/** A person's role in a workspace, null when they are not (or no longer) a member. */
export async function memberRole(tx: Queryable, workspaceId: string, userId: string | null): Promise<Role | null> {
  if (!userId) return null;
  const [member] = await tx.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  return member?.role ?? null;
}

export interface WorkspaceMember {
  userId: string;
  role: Role;
  name: string;
  email: string;
}

/** The workspace's members (those with one of `roles`, or among `userIds`, when given) with their names and addresses, by user id, in one statement. */
export async function workspaceMembers(tx: Queryable, workspaceId: string, filter: { roles?: readonly Role[]; userIds?: readonly string[] } = {}): Promise<WorkspaceMember[]> {
  if (filter.userIds && !filter.userIds.length) return [];
  const rows = await tx
    .select({ userId: memberships.userId, role: memberships.role, name: userNameOf(memberships.userId), email: userEmailOf(memberships.userId) })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), filter.roles ? inArray(memberships.role, [...filter.roles]) : undefined, filter.userIds ? inArray(memberships.userId, [...filter.userIds]) : undefined))
    .orderBy(asc(memberships.userId));
  return rows.map((r) => ({ ...r, name: r.name ?? '' }));
}
