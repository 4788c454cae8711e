import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { notFound } from '../../../platform/http/errors';
import type { Company } from '../crm.contract';
import { companies } from '../crm.schema';
import { iso, tagsByRecord } from '../records';
import { assertRecordAccess } from '../visibility';

export type CompanyRow = typeof companies.$inferSelect;

export async function presentCompanies(tx: Tx, ctx: WorkspaceContext, rows: CompanyRow[]): Promise<Company[]> {
  const tagMap = await tagsByRecord(tx, ctx, 'companies', rows.map((r) => r.id));
  return rows.map(({ workspaceId: _, ...r }) => ({ ...r, tags: tagMap.get(r.id) ?? [], createdAt: iso(r.createdAt)!, updatedAt: iso(r.updatedAt)! }));
}

export async function presentCompany(tx: Tx, ctx: WorkspaceContext, row: CompanyRow): Promise<Company> {
  return (await presentCompanies(tx, ctx, [row]))[0]!;
}

export async function findCompanyRow(tx: Tx, ctx: WorkspaceContext, id: string, opts: { lock?: boolean } = {}): Promise<CompanyRow | undefined> {
  const query = tx.select().from(companies).where(and(eq(companies.workspaceId, ctx.workspaceId), eq(companies.id, id)));
  const [row] = opts.lock ? await query.for('update') : await query;
  return row;
}

/** CRM-2: one company with its tags. */
export async function getCompany(db: Db, ctx: WorkspaceContext, id: string): Promise<Company> {
  return withTenant(db, ctx, async (tx) => {
    const row = await findCompanyRow(tx, ctx, id);
    if (!row) throw notFound('Company');
    await assertRecordAccess(tx, ctx, 'companies', id, 'read');
    return presentCompany(tx, ctx, row);
  });
}
