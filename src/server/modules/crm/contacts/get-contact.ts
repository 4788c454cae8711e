import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { notFound } from '../../../platform/http/errors';
import type { Contact } from '../crm.contract';
import { contacts } from '../crm.schema';
import { companiesById, iso, tagsByRecord } from '../records';
import { assertRecordAccess } from '../visibility';

export type ContactRow = typeof contacts.$inferSelect;

/** Rows as the API shows them: with tags and a summary of the company. */
export async function presentContacts(tx: Tx, ctx: WorkspaceContext, rows: ContactRow[]): Promise<Contact[]> {
  const tagMap = await tagsByRecord(tx, ctx, 'contacts', rows.map((r) => r.id));
  const companyMap = await companiesById(tx, ctx, rows.map((r) => r.companyId));
  return rows.map(({ workspaceId: _, ...r }) => ({
    ...r,
    company: (r.companyId && companyMap.get(r.companyId)) || null,
    tags: tagMap.get(r.id) ?? [],
    createdAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt)!,
  }));
}

export async function findContactRow(tx: Tx, ctx: WorkspaceContext, id: string, opts: { lock?: boolean } = {}): Promise<ContactRow | undefined> {
  const query = tx.select().from(contacts).where(and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.id, id)));
  const [row] = opts.lock ? await query.for('update') : await query;
  return row;
}

export async function presentContact(tx: Tx, ctx: WorkspaceContext, row: ContactRow): Promise<Contact> {
  return (await presentContacts(tx, ctx, [row]))[0]!;
}

/** CRM-1: one contact with its tags and company. */
export async function getContact(db: Db, ctx: WorkspaceContext, id: string): Promise<Contact> {
  return withTenant(db, ctx, async (tx) => {
    const row = await findContactRow(tx, ctx, id);
    if (!row) throw notFound('Contact');
    await assertRecordAccess(tx, ctx, 'contacts', id, 'read');
    return presentContact(tx, ctx, row);
  });
}
