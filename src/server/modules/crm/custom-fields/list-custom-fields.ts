import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import type { CustomField, RecordType } from '../crm.contract';
import { customFieldDefinitions } from '../crm.schema';
import { iso } from '../records';

export const presentCustomField = ({ workspaceId: _, updatedAt: __, ...f }: typeof customFieldDefinitions.$inferSelect): CustomField => ({
  ...f,
  createdAt: iso(f.createdAt)!,
});

/** CRM-5: custom field definitions, per object in form order. */
export async function listCustomFields(db: Db, ctx: WorkspaceContext, object?: RecordType): Promise<CustomField[]> {
  const rows = await withTenant(db, ctx, (tx) =>
    tx
      .select()
      .from(customFieldDefinitions)
      .where(and(eq(customFieldDefinitions.workspaceId, ctx.workspaceId), object ? eq(customFieldDefinitions.object, object) : undefined))
      .orderBy(asc(customFieldDefinitions.object), asc(customFieldDefinitions.position), asc(customFieldDefinitions.id)),
  );
  return rows.map(presentCustomField);
}
