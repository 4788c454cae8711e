import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { notFound } from '../../../platform/http/errors';
import type { CustomField, updateCustomFieldBody } from '../crm.contract';
import { customFieldDefinitions } from '../crm.schema';
import { FieldErrors } from '../../../platform/http/field-errors';
import { presentCustomField } from './list-custom-fields';

/** CRM-5: label, options, required and position of a custom field. Values already stored are kept. */
export async function updateCustomField(db: Db, ctx: WorkspaceContext, id: string, input: z.infer<typeof updateCustomFieldBody>): Promise<CustomField> {
  return withTenant(db, ctx, async (tx) => {
    const where = and(eq(customFieldDefinitions.workspaceId, ctx.workspaceId), eq(customFieldDefinitions.id, id));
    const [before] = await tx.select().from(customFieldDefinitions).where(where).for('update');
    if (!before) throw notFound('Custom field');
    const errors = new FieldErrors();
    const choice = before.type === 'select' || before.type === 'multi_select';
    if (input.options && !choice) errors.add('options', 'Only select fields have options.');
    if (input.options && choice && !input.options.length) errors.add('options', 'A select field needs options.');
    errors.throwIfAny();
    const [row] = await tx.update(customFieldDefinitions).set({ ...input, updatedAt: new Date() }).where(where).returning();
    return presentCustomField(row!);
  });
}
