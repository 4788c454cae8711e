import { sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/database';
import type { Role } from './workspaces.schema';

/*
 * One statement through a function that sets the caller's scope for that statement (migration
 * 20261124093423_scoped_lookups): row-level security still decides what it sees, without a
 * transaction around it. A request's own role and workspaces come with its session
 * (kestrel_session_context, platform/auth/sessions.ts).
 */

/** WS-1: the workspaces a user belongs to, by name. */
export async function userWorkspaces(db: Queryable, userId: string): Promise<{ id: string; name: string; role: Role }[]> {
  const { rows } = await db.execute<{ id: string; name: string; role: Role }>(sql`SELECT id, name, role FROM kestrel_user_workspaces(${userId}::uuid)`);
  return rows;
}
