import { and, asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { AppError, notFound } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import { htmlToText, sanitiseRichText } from '../../activities/sanitise-html';
import { users } from '../../accounts/accounts.schema';
import { companies, contacts } from '../../crm/crm.schema';
import { workspaces } from '../../workspaces/workspaces.schema';
import { sendOutreachMail, type MailStream } from '../mail/send-outreach-mail';
import { outreachTemplates } from '../outreach.schema';
import { checkMergeFields, renderTemplate, type MergeValues } from './merge-fields';

type TemplateRow = typeof outreachTemplates.$inferSelect;
const present = (t: TemplateRow) => ({ id: t.id, name: t.name, subject: t.subject, html: t.html, createdAt: t.createdAt.toISOString(), updatedAt: t.updatedAt.toISOString() });

/** MAIL-2: saves a template whose merge fields are all known; the body is sanitised like a note. */
export async function createTemplate(db: Db, ctx: WorkspaceContext, input: { name: string; subject: string; html: string }) {
  const html = sanitiseRichText(input.html) ?? '';
  checkMergeFields({ subject: input.subject, html });
  return withTenant(db, ctx, async (tx) => {
    const [row] = await tx.insert(outreachTemplates).values({ workspaceId: ctx.workspaceId, name: input.name, subject: input.subject, html, createdByUserId: ctx.userId }).returning();
    return present(row!);
  });
}

export async function listTemplates(db: Db, ctx: WorkspaceContext) {
  return withTenant(db, ctx, async (tx) => (await tx.select().from(outreachTemplates).where(eq(outreachTemplates.workspaceId, ctx.workspaceId)).orderBy(asc(outreachTemplates.name))).map(present));
}

export async function deleteTemplate(db: Db, ctx: WorkspaceContext, id: string) {
  await withTenant(db, ctx, async (tx) => {
    const rows = await tx.delete(outreachTemplates).where(and(eq(outreachTemplates.workspaceId, ctx.workspaceId), eq(outreachTemplates.id, id))).returning({ id: outreachTemplates.id });
    if (!rows.length) throw notFound('Template');
  });
}

async function templateRow(tx: Tx, workspaceId: string, id: string): Promise<TemplateRow> {
  const [row] = await tx.select().from(outreachTemplates).where(and(eq(outreachTemplates.workspaceId, workspaceId), eq(outreachTemplates.id, id)));
  if (!row) throw notFound('Template');
  return row;
}

/** The values a template may use for one contact. */
export async function mergeValuesFor(tx: Tx, ctx: WorkspaceContext, contactId: string): Promise<MergeValues> {
  const [row] = await tx
    .select({ firstName: contacts.firstName, lastName: contacts.lastName, email: contacts.email, title: contacts.title, companyName: companies.name, workspaceName: workspaces.name })
    .from(contacts)
    .innerJoin(workspaces, eq(workspaces.id, contacts.workspaceId))
    .leftJoin(companies, and(eq(companies.workspaceId, contacts.workspaceId), eq(companies.id, contacts.companyId)))
    .where(and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.id, contactId)));
  if (!row) throw notFound('Contact');
  const [sender] = ctx.userId ? await tx.select({ name: users.name }).from(users).where(eq(users.id, ctx.userId)) : [];
  return {
    'contact.firstName': row.firstName,
    'contact.lastName': row.lastName,
    'contact.fullName': [row.firstName, row.lastName].filter(Boolean).join(' ') || null,
    'contact.email': row.email,
    'contact.title': row.title,
    'company.name': row.companyName,
    'workspace.name': row.workspaceName,
    'sender.name': sender?.name ?? null,
  };
}

const missingValue = (message: string, field: string) => new AppError('merge_value_missing', 409, message, { field });

/** MAIL-2: the template as one real contact would get it. */
export async function previewTemplate(db: Db, ctx: WorkspaceContext, templateId: string, contactId: string) {
  return withTenant(db, ctx, async (tx) => {
    const t = await templateRow(tx, ctx.workspaceId, templateId);
    const r = renderTemplate(t, await mergeValuesFor(tx, ctx, contactId));
    if (!r.ok) throw missingValue(r.message, r.field);
    return { subject: r.subject, html: r.html, text: htmlToText(r.html) };
  });
}

/** MAIL-2: renders for the contact and sends through the one send path (MAIL-4, MAIL-5). */
export async function sendTemplate(services: Services, ctx: WorkspaceContext, templateId: string, input: { contactId: string; stream: MailStream; advertisement?: boolean }) {
  const rendered = await previewTemplate(services.database.db, ctx, templateId, input.contactId);
  return sendOutreachMail(services, ctx, { contactId: input.contactId, stream: input.stream, advertisement: input.advertisement, ...rendered });
}
