import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { notFound } from '../../../platform/http/errors';
import { recordAudit } from '../../audit';
import { recordTags, tags } from '../crm.schema';

/** CRM-5, WS-4: deletes a tag and takes it off every record (the links cascade). Audited with how many records carried it. */
export async function deleteTag(db: Db, ctx: WorkspaceContext, tagId: string): Promise<void> {
  await withTenant(db, ctx, async (tx) => {
    const [links] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(recordTags)
      .where(and(eq(recordTags.workspaceId, ctx.workspaceId), eq(recordTags.tagId, tagId)));
    const [row] = await tx
      .delete(tags)
      .where(and(eq(tags.workspaceId, ctx.workspaceId), eq(tags.id, tagId)))
      .returning();
    if (!row) throw notFound('Tag');
    await recordAudit(tx, ctx, { action: 'tag.deleted', targetType: 'tag', targetId: tagId, details: { name: row.name, records: links?.n ?? 0 } });
  });
}
