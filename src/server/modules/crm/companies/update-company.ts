import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { notFound } from '../../../platform/http/errors';
import type { Company, UpdateCompanyInput } from '../crm.contract';
import { companies } from '../crm.schema';
import { checkCustomValues } from '../custom-values';
import { FieldErrors } from '../../../platform/http/field-errors';
import { checkOwner, versionConflict, workspaceDefaults } from '../records';
import { domainOf } from './create-company';
import { findCompanyRow, presentCompany } from './get-company';
import { assertRecordAccess } from '../visibility';

/** CRM-2: changes the fields given, if nobody saved since `version` (else 409 with the current company). */
export async function updateCompany(db: Db, ctx: WorkspaceContext, id: string, input: UpdateCompanyInput): Promise<Company> {
  return withTenant(db, ctx, async (tx) => {
    const before = await findCompanyRow(tx, ctx, id, { lock: true });
    if (!before) throw notFound('Company');
    await assertRecordAccess(tx, ctx, 'companies', id, 'write');
    if (before.version !== input.version) throw versionConflict('company', await presentCompany(tx, ctx, before));
    const { version, custom: customInput, domain: domainInput, ...fields } = input;
    const errors = new FieldErrors();
    const { region } = await workspaceDefaults(tx, ctx);
    const domain = domainOf(domainInput, errors);
    if (fields.ownerUserId !== before.ownerUserId) await checkOwner(tx, ctx, fields.ownerUserId, errors);
    const custom = customInput === undefined ? undefined : await checkCustomValues(tx, ctx, 'companies', customInput, before.custom, region, errors);
    errors.throwIfAny();
    const [row] = await tx
      .update(companies)
      .set({ ...fields, domain, custom, version: version + 1, updatedAt: new Date() })
      .where(and(eq(companies.workspaceId, ctx.workspaceId), eq(companies.id, id)))
      .returning();
    return presentCompany(tx, ctx, row!);
  });
}
