import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { notFound } from '../../../platform/http/errors';
import { recordAudit } from '../../audit';
import { companies, contacts, customFieldDefinitions, deals } from '../crm.schema';

const tables = { contacts, companies, deals } as const;

/** CRM-5, WS-4: removes a custom field and its values from every record of the object. Audited. */
export async function deleteCustomField(db: Db, ctx: WorkspaceContext, id: string): Promise<void> {
  await withTenant(db, ctx, async (tx) => {
    const where = and(eq(customFieldDefinitions.workspaceId, ctx.workspaceId), eq(customFieldDefinitions.id, id));
    const [def] = await tx.delete(customFieldDefinitions).where(where).returning();
    if (!def) throw notFound('Custom field');
    const table = tables[def.object];
    // Values go with the field, so that a new field of the same key starts empty. Versions stay: no one's edit is lost.
    const cleared = await tx
      .update(table)
      .set({ custom: sql`${table.custom} - ${def.key}::text` })
      .where(and(eq(table.workspaceId, ctx.workspaceId), sql`${table.custom} ? ${def.key}::text`))
      .returning({ id: table.id });
    await recordAudit(tx, ctx, {
      action: 'custom_field.deleted',
      targetType: 'custom_field',
      targetId: id,
      details: { object: def.object, key: def.key, label: def.label, valuesCleared: cleared.length },
    });
  });
}
