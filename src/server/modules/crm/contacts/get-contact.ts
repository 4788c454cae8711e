import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { notFound } from '../../../platform/http/errors';
import type { Contact } from '../crm.contract';
import { contacts } from '../crm.schema';
import { companiesById, iso, tagsByRecord, type TagSummary } from '../records';
import { assertRecordAccess } from '../visibility';

export type ContactRow = typeof contacts.$inferSelect;

/** Rows as the API shows them: with tags and a summary of the company. */
export async function presentContacts(tx: Tx, ctx: WorkspaceContext, rows: ContactRow[]): Promise<Contact[]> {
  const tagMap = await tagsByRecord(tx, ctx, 'contacts', rows.map((r) => r.id));
  const companyMap = await companiesById(tx, ctx, rows.map((r) => r.companyId));
  return rows.map((r) => presentContactWith(r, tagMap.get(r.id) ?? [], (r.companyId && companyMap.get(r.companyId)) || null));
}

/** A row as the API shows it, its tags and company already read (with the row, or looked up). */
export function presentContactWith({ workspaceId: _, ...r }: ContactRow, tags: TagSummary[], company: Contact['company']): Contact {
  return { ...r, company, tags, createdAt: iso(r.createdAt)!, updatedAt: iso(r.updatedAt)! };
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
