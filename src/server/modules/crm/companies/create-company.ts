import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import type { Company, CreateCompanyInput } from '../crm.contract';
import { companies } from '../crm.schema';
import { checkCustomValues } from '../custom-values';
import { FieldErrors, normaliseDomain } from '../normalise';
import { checkOwner, workspaceDefaults } from '../records';
import { loadTerritoryMatcher } from '../../rules/territories';
import { presentCompany } from './get-company';

/** A typed domain as stored: bare host, or an error naming the field. */
export function domainOf(input: string | null | undefined, errors: FieldErrors): string | null | undefined {
  if (input === undefined || input === null || input === '') return input === '' ? null : input;
  const domain = normaliseDomain(input);
  if (!domain) errors.add('domain', 'Not a domain like example.com.');
  return domain;
}

/** CRM-2: a new company, owned by its creator unless another owner is named. */
export async function createCompany(db: Db, ctx: WorkspaceContext, input: CreateCompanyInput): Promise<Company> {
  return withTenant(db, ctx, async (tx) => {
    const errors = new FieldErrors();
    const { region } = await workspaceDefaults(tx, ctx);
    const domain = domainOf(input.domain, errors);
    // CRM-10: without a named owner, the first matching territory rule decides, else the creator.
    const ownerUserId = input.ownerUserId === undefined ? ((await loadTerritoryMatcher(tx, ctx.workspaceId))(input) ?? ctx.userId) : input.ownerUserId;
    await checkOwner(tx, ctx, ownerUserId, errors);
    const custom = await checkCustomValues(tx, ctx, 'companies', input.custom, null, region, errors);
    errors.throwIfAny();
    const [row] = await tx.insert(companies).values({ ...input, workspaceId: ctx.workspaceId, domain, ownerUserId, custom }).returning();
    return presentCompany(tx, ctx, row!);
  });
}
