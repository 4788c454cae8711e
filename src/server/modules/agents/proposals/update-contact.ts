import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import type { WorkspaceContext } from '../../../platform/db/tenant';
import { badRequest, notFound } from '../../../platform/http/errors';
import { logActivity } from '../../activities/create-activity';
import { companies, contacts } from '../../crm/crm.schema';
import { normaliseDomain, assertRecordAccess } from '../../crm';
import { rescoreContacts } from '../../rules/scoring';
import type { CitedRecord, UpdateContactPayload } from '../agents.contract';

const escapeHtml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** AI-2, AI-6: an enrichment may only touch a contact the person can see and who is not restricted. */
export async function checkContactUpdate(tx: Tx, ctx: WorkspaceContext, p: UpdateContactPayload): Promise<CitedRecord[]> {
  await assertRecordAccess(tx, ctx, 'contacts', p.contactId, 'read');
  const [contact] = await tx.select().from(contacts).where(and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.id, p.contactId)));
  if (!contact) throw notFound('Contact');
  if (contact.restricted) throw badRequest('contact_restricted', 'This contact is restricted: their record is kept from processing, enrichment included.');
  return [{ type: 'contacts', id: contact.id, label: [contact.firstName, contact.lastName].filter(Boolean).join(' ') || contact.email || '(no name)' }];
}

/** The company named by the provider: this workspace's company with that domain, else that name, else a new one. */
async function companyFor(tx: Tx, ctx: WorkspaceContext, name: string, rawDomain: string | null | undefined, ownerUserId: string | null): Promise<string> {
  const domain = rawDomain ? normaliseDomain(rawDomain) : null;
  const scope = eq(companies.workspaceId, ctx.workspaceId);
  const [byDomain] = domain ? await tx.select({ id: companies.id }).from(companies).where(and(scope, eq(companies.domain, domain))).limit(1) : [];
  if (byDomain) return byDomain.id;
  const [byName] = await tx.select({ id: companies.id }).from(companies).where(and(scope, sql`lower(${companies.name}) = lower(${name})`)).limit(1);
  if (byName) return byName.id;
  const [created] = await tx.insert(companies).values({ workspaceId: ctx.workspaceId, name, domain, ownerUserId }).returning({ id: companies.id });
  return created!.id;
}

/**
 * AI-5: carries out an approved enrichment as the approver (or, on autopilot, as the person who
 * ran Hunter): the contact's fields change (its version moves on, its score is recomputed) and
 * the LinkedIn profile, which has no field of its own, is noted on the timeline.
 */
export async function applyContactUpdate(tx: Tx, ctx: WorkspaceContext, p: UpdateContactPayload): Promise<Record<string, unknown>> {
  await assertRecordAccess(tx, ctx, 'contacts', p.contactId, 'write');
  const [contact] = await tx.select().from(contacts).where(and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.id, p.contactId))).for('update');
  if (!contact) throw notFound('Contact');
  const c = p.changes;
  const fields: Partial<typeof contacts.$inferInsert> = {};
  if (c.title) fields.title = c.title;
  if (c.city) fields.city = c.city;
  if (c.state) fields.state = c.state;
  if (c.country) fields.country = c.country;
  if (c.companyName) fields.companyId = await companyFor(tx, ctx, c.companyName, c.companyDomain, contact.ownerUserId ?? ctx.userId);
  const changed = Object.keys(fields);
  if (changed.length) {
    await tx
      .update(contacts)
      .set({ ...fields, version: contact.version + 1, updatedAt: new Date() })
      .where(and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.id, p.contactId)));
    await rescoreContacts(tx, ctx.workspaceId, [p.contactId]);
  }
  let noteId: string | null = null;
  if (c.linkedinUrl) {
    const note = await logActivity(tx, ctx, {
      kind: 'note',
      subject: `Found by ${p.source}`,
      body: `<p>LinkedIn: <a href="${escapeHtml(c.linkedinUrl)}">${escapeHtml(c.linkedinUrl)}</a></p>`,
      links: [{ recordType: 'contacts', recordId: p.contactId }],
    });
    noteId = note.id;
  }
  return { contactId: p.contactId, changed, companyId: fields.companyId ?? null, noteId };
}
