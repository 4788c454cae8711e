import type { z } from 'zod';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { conflict } from '../../../platform/http/errors';
import type { createTagBody, Tag } from '../crm.contract';
import { tags } from '../crm.schema';
import { presentTag } from './list-tags';

/** CRM-5: a new tag; names are unique per workspace regardless of case. */
export async function createTag(db: Db, ctx: WorkspaceContext, input: z.infer<typeof createTagBody>): Promise<Tag> {
  return withTenant(db, ctx, async (tx) => {
    const [row] = await tx
      .insert(tags)
      .values({ workspaceId: ctx.workspaceId, name: input.name, color: input.color ?? null })
      .onConflictDoNothing()
      .returning();
    if (!row) throw conflict('tag_name_taken', `There is already a tag named "${input.name}".`, { fields: { name: 'Already taken.' } });
    return presentTag(row);
  });
}
