import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import type { Tag } from '../crm.contract';
import { tags } from '../crm.schema';
import { iso } from '../records';

export const presentTag = (t: typeof tags.$inferSelect): Tag => ({ id: t.id, name: t.name, color: t.color, createdAt: iso(t.createdAt)! });

/** CRM-5: the workspace's tags by name. */
export async function listTags(db: Db, ctx: WorkspaceContext): Promise<Tag[]> {
  const rows = await withTenant(db, ctx, (tx) => tx.select().from(tags).where(eq(tags.workspaceId, ctx.workspaceId)).orderBy(asc(tags.name)));
  return rows.map(presentTag);
}
