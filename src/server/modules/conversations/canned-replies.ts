import { and, asc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { conflict, notFound } from '../../platform/http/errors';
import type { cannedBody, cannedPatch } from './conversations.contract';
import { cannedReplies } from './conversations.schema';

const present = (r: typeof cannedReplies.$inferSelect) => ({ id: r.id, shortcut: r.shortcut, body: r.body });
const taken = () => conflict('shortcut_taken', 'Another saved reply has this shortcut.', { fields: { shortcut: 'Already used.' } });
const isUnique = (e: unknown) => (e as { code?: string; cause?: { code?: string } }).code === '23505' || (e as { cause?: { code?: string } }).cause?.code === '23505';

/** CONV-4: the team's saved replies. */
export async function listCanned(db: Db, ctx: WorkspaceContext) {
  return withTenant(db, ctx, async (tx) => ({ items: (await tx.select().from(cannedReplies).where(eq(cannedReplies.workspaceId, ctx.workspaceId)).orderBy(asc(cannedReplies.shortcut)).limit(500)).map(present) }));
}

export async function createCanned(db: Db, ctx: WorkspaceContext, input: z.infer<typeof cannedBody>) {
  try {
    return await withTenant(db, ctx, async (tx) => present((await tx.insert(cannedReplies).values({ workspaceId: ctx.workspaceId, ...input }).returning())[0]!));
  } catch (e) {
    throw isUnique(e) ? taken() : e;
  }
}

export async function updateCanned(db: Db, ctx: WorkspaceContext, id: string, input: z.infer<typeof cannedPatch>) {
  try {
    return await withTenant(db, ctx, async (tx) => {
      const [row] = await tx.update(cannedReplies).set({ ...input, id: sql`${cannedReplies.id}` }).where(and(eq(cannedReplies.workspaceId, ctx.workspaceId), eq(cannedReplies.id, id))).returning();
      if (!row) throw notFound('Saved reply');
      return present(row);
    });
  } catch (e) {
    throw isUnique(e) ? taken() : e;
  }
}

export async function deleteCanned(db: Db, ctx: WorkspaceContext, id: string) {
  await withTenant(db, ctx, async (tx) => {
    const gone = await tx.delete(cannedReplies).where(and(eq(cannedReplies.workspaceId, ctx.workspaceId), eq(cannedReplies.id, id))).returning({ id: cannedReplies.id });
    if (!gone.length) throw notFound('Saved reply');
  });
}
