import { eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Queryable } from '../../platform/db/database';
import { qualified } from '../../platform/db/qualified';
import { users } from './accounts.schema';

/** A person's name and sign-in address, as another module shows or replies to them (a mail's Reply-To, "sender.name"). */
export async function memberProfile(tx: Queryable, userId: string | null): Promise<{ name: string; email: string } | null> {
  if (!userId) return null;
  const [user] = await tx.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, userId));
  return user ?? null;
}

/**
 * A person's name inside another module's own statement (a list showing who added each row), so
 * the page stays one statement: null when the id is null or the person is gone.
 */
export const userNameOf = (userId: AnyPgColumn | SQL): SQL<string | null> => qualified(sql`(SELECT ${users.name} FROM ${users} WHERE ${users.id} = ${userId})`);

/** A person's sign-in address inside another module's own statement (a workspace's members with their addresses, in one statement). */
export const userEmailOf = (userId: AnyPgColumn | SQL): SQL<string> => qualified(sql`(SELECT ${users.email} FROM ${users} WHERE ${users.id} = ${userId})`);

/** People's names by id, in one statement (who made each import, who wrote each note); ids not found are absent. */
export async function userNames(tx: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, unique));
  return new Map(rows.map((r) => [r.id, r.name]));
}
