import { sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/database';
import type { Role } from './workspaces.schema';

/*
 * The two lookups every signed-in request makes, each one statement through functions that set
 * the caller's scope for that statement (migration 20261124093423_scoped_lookups): row-level
 * security still decides what they see, without a four-round-trip transaction around them.
 */

/** The caller's role in a workspace, or null when they are not a member. */
export async function memberRole(db: Queryable, workspaceId: string, userId: string): Promise<Role | null> {
  const { rows } = await db.execute<{ role: Role | null }>(sql`SELECT kestrel_member_role(${workspaceId}::uuid, ${userId}::uuid) AS role`);
  return rows[0]?.role ?? null;
}

/** WS-1: the workspaces a user belongs to, by name. */
export async function userWorkspaces(db: Queryable, userId: string): Promise<{ id: string; name: string; role: Role }[]> {
  const { rows } = await db.execute<{ id: string; name: string; role: Role }>(sql`SELECT id, name, role FROM kestrel_user_workspaces(${userId}::uuid)`);
  return rows;
}
