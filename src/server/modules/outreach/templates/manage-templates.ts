import { and, asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { AppError, badRequest, notFound } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import { htmlToText, sanitiseRichText } from '../../activities';
import { memberProfile } from '../../accounts';
import { readMergeValuesBatch } from '../../crm';
import { workspaceProfile } from '../../workspaces';
import { sendOutreachMail, type MailStream } from '../mail/send-outreach-mail';
import { outreachTemplates } from '../outreach.schema';
import { checkMergeFields, renderTemplate, type MergeValues } from './merge-fields';

type TemplateRow = typeof outreachTemplates.$inferSelect;
const present = (t: TemplateRow) => ({ id: t.id, kind: t.kind, stream: t.stream, name: t.name, subject: t.subject, html: t.html, createdAt: t.createdAt.toISOString(), updatedAt: t.updatedAt.toISOString() });
export type Template = ReturnType<typeof present>;

export interface TemplateInput {
  name: string;
  subject: string;
  html: string;
  stream?: MailStream;
  /** AI-2: a call script Forge wrote is kept as a template of kind `call_script`. */
  kind?: 'email' | 'call_script';
}

/** MAIL-2: saves a template whose merge fields are all known; the body is sanitised like a note. */
export async function createTemplate(db: Db, ctx: WorkspaceContext, input: TemplateInput) {
  return withTenant(db, ctx, (tx) => createTemplateIn(tx, ctx, input));
}

/** The same inside the caller's transaction (an approved Forge proposal saves its template with the approval). */
export async function createTemplateIn(tx: Tx, ctx: WorkspaceContext, input: TemplateInput): Promise<Template> {
  const html = sanitiseRichText(input.html) ?? '';
  checkMergeFields({ subject: input.subject, html });
  const [row] = await tx
    .insert(outreachTemplates)
    .values({ workspaceId: ctx.workspaceId, kind: input.kind ?? 'email', stream: input.stream ?? 'marketing', name: input.name, subject: input.subject, html, createdByUserId: ctx.userId })
    .returning();
  return present(row!);
}

/** MAIL-2: changes a template; the merge fields are checked again. */
export async function updateTemplate(db: Db, ctx: WorkspaceContext, id: string, input: Partial<TemplateInput>) {
  return withTenant(db, ctx, async (tx) => {
    const current = await templateRow(tx, ctx.workspaceId, id);
    const html = input.html === undefined ? current.html : (sanitiseRichText(input.html) ?? '');
    const subject = input.subject ?? current.subject;
    checkMergeFields({ subject, html });
    const [row] = await tx
      .update(outreachTemplates)
      .set({ name: input.name ?? current.name, subject, html, stream: input.stream ?? current.stream, updatedAt: new Date() })
      .where(and(eq(outreachTemplates.workspaceId, ctx.workspaceId), eq(outreachTemplates.id, id)))
      .returning();
    return present(row!);
  });
}

/** Email templates unless call scripts are asked for. */
export async function listTemplates(db: Db, ctx: WorkspaceContext, kind: 'email' | 'call_script' = 'email') {
  return withTenant(db, ctx, async (tx) =>
    (await tx.select().from(outreachTemplates).where(and(eq(outreachTemplates.workspaceId, ctx.workspaceId), eq(outreachTemplates.kind, kind))).orderBy(asc(outreachTemplates.name))).map(present),
  );
}

export async function deleteTemplate(db: Db, ctx: WorkspaceContext, id: string) {
  await withTenant(db, ctx, async (tx) => {
    const rows = await tx.delete(outreachTemplates).where(and(eq(outreachTemplates.workspaceId, ctx.workspaceId), eq(outreachTemplates.id, id))).returning({ id: outreachTemplates.id });
    if (!rows.length) throw notFound('Template');
  });
}

async function templateRow(tx: Tx, workspaceId: string, id: string, what = 'Template'): Promise<TemplateRow> {
  const [row] = await tx.select().from(outreachTemplates).where(and(eq(outreachTemplates.workspaceId, workspaceId), eq(outreachTemplates.id, id)));
  if (!row) throw notFound(what);
  return row;
}

/** The values a template may use for one contact. */
export async function mergeValuesFor(tx: Tx, ctx: WorkspaceContext, contactId: string): Promise<MergeValues> {
  const values = (await mergeValuesForContacts(tx, ctx, [contactId])).get(contactId);
  if (!values) throw notFound('Contact');
  return values;
}

/** The same for many contacts in one statement (a call list fills its script for a whole page); contacts not found are absent. */
export async function mergeValuesForContacts(tx: Tx, ctx: WorkspaceContext, contactIds: string[]): Promise<Map<string, MergeValues>> {
  const out = new Map<string, MergeValues>();
  if (!contactIds.length) return out;
  // The contacts through the CRM's own read (CRM-1), not its tables.
  const people = await readMergeValuesBatch(tx, ctx.workspaceId, contactIds);
  if (!people.size) return out;
  const ws = await workspaceProfile(tx, ctx.workspaceId);
  const sender = await memberProfile(tx, ctx.userId);
  for (const [id, c] of people) out.set(id, { ...c.merge, 'workspace.name': ws?.name ?? null, 'sender.name': sender?.name ?? null });
  return out;
}

/**
 * CALL-1: a call script (template of kind `call_script`) filled in for each of these contacts, as
 * plain text. A value a contact lacks does not block a call: the field stays as written and is named.
 */
export async function callScriptFor(tx: Tx, ctx: WorkspaceContext, scriptId: string, contactIds: string[]) {
  const t = await templateRow(tx, ctx.workspaceId, scriptId, 'Call script');
  if (t.kind !== 'call_script') throw badRequest('not_a_call_script', `"${t.name}" is an email template, not a call script: choose a call script.`, { fields: { scriptId: 'Not a call script.' }, in: 'query' });
  const values = await mergeValuesForContacts(tx, ctx, contactIds);
  const filled = new Map<string, { templateId: string; text: string; missing: string[] }>();
  for (const id of contactIds) {
    const r = renderTemplate({ subject: '', html: t.html }, values.get(id) ?? {});
    filled.set(id, { templateId: t.id, text: htmlToText(r.html), missing: r.ok ? [] : r.missing });
  }
  return { script: { id: t.id, name: t.name }, filled };
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

/**
 * MAIL-2: a draft as one real contact would get it, before it is saved: unknown fields are refused
 * as on save; a value the contact lacks is reported with the very sentence the send path blocks with.
 */
export async function previewDraft(db: Db, ctx: WorkspaceContext, input: { contactId: string; subject: string; html: string }) {
  const html = sanitiseRichText(input.html) ?? '';
  checkMergeFields({ subject: input.subject, html });
  return withTenant(db, ctx, async (tx) => {
    const r = renderTemplate({ subject: input.subject, html }, await mergeValuesFor(tx, ctx, input.contactId));
    return { subject: r.subject, html: r.html, text: htmlToText(r.html), blocked: r.ok ? null : { field: r.field, message: r.message }, missing: r.ok ? [] : r.missing };
  });
}

/** MAIL-2: renders for the contact and sends through the one send path (MAIL-4, MAIL-5); the template's own stream unless told. */
export async function sendTemplate(services: Services, ctx: WorkspaceContext, templateId: string, input: { contactId: string; stream?: MailStream; advertisement?: boolean }) {
  const t = await withTenant(services.database.db, ctx, (tx) => templateRow(tx, ctx.workspaceId, templateId));
  if (t.kind !== 'email') throw new AppError('not_an_email_template', 409, 'This is a call script, not an email template: it cannot be sent.');
  const rendered = await previewTemplate(services.database.db, ctx, templateId, input.contactId);
  return sendOutreachMail(services, ctx, { contactId: input.contactId, stream: input.stream ?? t.stream, advertisement: input.advertisement, ...rendered });
}

/** Plain text (paragraphs split by blank lines) as template HTML; merge fields and their quoted fallbacks kept as written. */
export function textToTemplateHtml(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((para) => `<p>${para.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('\n', '<br>')}</p>`)
    .join('');
}

/**
 * AI-2: what Forge wrote, saved once a person approved it, in the approval's transaction: an email
 * template, or a call script (kind `call_script`). An unknown merge field is refused by name (400).
 */
export async function saveWrittenTemplate(tx: Tx, ctx: WorkspaceContext, input: { kind: 'email' | 'call_script'; name: string; subject: string; text: string; stream?: MailStream }): Promise<Template> {
  return createTemplateIn(tx, ctx, { kind: input.kind, name: input.name, subject: input.subject, html: textToTemplateHtml(input.text), stream: input.stream ?? 'marketing' });
}

/** AI-2: refuses (400, naming it) a merge field Kestrel does not know, before a proposal is made. */
export function checkWrittenTemplate(input: { subject: string; text: string }): void {
  checkMergeFields({ subject: input.subject, html: textToTemplateHtml(input.text) });
}
