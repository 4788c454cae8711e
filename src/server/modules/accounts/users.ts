import { eq } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/database';
import { users } from './accounts.schema';

export async function findUserByEmail(tx: Queryable, email: string) {
  const [user] = await tx.select().from(users).where(eq(users.email, email.toLowerCase()));
  return user ?? null;
}

export async function findUserById(tx: Queryable, id: string) {
  const [user] = await tx.select().from(users).where(eq(users.id, id));
  return user ?? null;
}

export type User = typeof users.$inferSelect;
