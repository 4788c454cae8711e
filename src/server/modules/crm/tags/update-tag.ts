import { and, eq, ne } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { conflict, notFound } from '../../../platform/http/errors';
import type { Tag } from '../crm.contract';
import type { updateTagBody } from '../crm-settings.contract';
import { tags } from '../crm.schema';
import { presentTag } from './list-tags';

/** CRM-5: renames or recolours a tag; every record carrying it shows the change. Names stay unique regardless of case. */
export async function updateTag(db: Db, ctx: WorkspaceContext, tagId: string, input: z.infer<typeof updateTagBody>): Promise<Tag> {
  return withTenant(db, ctx, async (tx) => {
    const where = and(eq(tags.workspaceId, ctx.workspaceId), eq(tags.id, tagId));
    const [before] = await tx.select().from(tags).where(where).for('update');
    if (!before) throw notFound('Tag');
    if (input.name !== undefined) {
      // citext: the comparison ignores case, like the unique index.
      const [taken] = await tx.select({ id: tags.id }).from(tags).where(and(eq(tags.workspaceId, ctx.workspaceId), eq(tags.name, input.name), ne(tags.id, tagId)));
      if (taken) throw conflict('tag_name_taken', `There is already a tag named "${input.name}".`, { fields: { name: 'Already taken.' } });
    }
    // A PATCH that names nothing changes nothing (an empty SET is not SQL).
    if (input.name === undefined && input.color === undefined) return presentTag(before);
    const [row] = await tx.update(tags).set(input).where(where).returning();
    return presentTag(row!);
  });
}
