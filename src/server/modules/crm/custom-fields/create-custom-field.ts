import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { conflict } from '../../../platform/http/errors';
import { recordAudit } from '../../audit';
import type { createCustomFieldBody, CustomField } from '../crm.contract';
import { customFieldDefinitions } from '../crm.schema';
import { presentCustomField } from './list-custom-fields';

/**
 * CRM-5: a typed custom field on contacts, companies or deals. A required field applies to
 * records created or edited from now on; records that already exist are not checked.
 */
export async function createCustomField(db: Db, ctx: WorkspaceContext, input: z.infer<typeof createCustomFieldBody>): Promise<CustomField> {
  return withTenant(db, ctx, async (tx) => {
    const position =
      input.position ??
      ((
        await tx
          .select({ next: sql<number>`coalesce(max(${customFieldDefinitions.position}) + 1, 0)::int` })
          .from(customFieldDefinitions)
          .where(and(eq(customFieldDefinitions.workspaceId, ctx.workspaceId), eq(customFieldDefinitions.object, input.object)))
      )[0]?.next ?? 0);
    const [row] = await tx
      .insert(customFieldDefinitions)
      .values({ ...input, options: input.options ?? [], position, workspaceId: ctx.workspaceId })
      .onConflictDoNothing()
      .returning();
    if (!row) throw conflict('custom_field_key_taken', `${input.object} already have a custom field "${input.key}".`, { fields: { key: 'Already taken.' } });
    await recordAudit(tx, ctx, { action: 'custom_field.created', targetType: 'custom_field', targetId: row.id, details: { object: row.object, key: row.key, type: row.type } });
    return presentCustomField(row);
  });
}
