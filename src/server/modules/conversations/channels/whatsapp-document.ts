import { and, desc, eq, inArray, isNotNull, or } from 'drizzle-orm';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { AppError, conflict } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import { contacts } from '../../crm/crm.schema';
import { appendMessage, lockConversation, touchConversation } from '../conversation-rows';
import { conversations, visitors, whatsappTemplates } from '../conversations.schema';
import { windowClosesAt, windowOpen } from './meta-graph';
import { explainGraphError, readConnection, renderTemplate, uploadWhatsappMedia, whatsappChannel } from './whatsapp';

export interface DocumentToSend {
  /** Whose WhatsApp conversation: a contact, or any contact of a company (the latest conversation wins). */
  contactId?: string | null;
  companyId?: string | null;
  file: { bytes: Buffer; mimeType: string; filename: string };
  /** Inside the 24-hour window: the document's caption. */
  caption: string;
  /** Outside it: an approved template with a DOCUMENT header, and its body parameters. */
  template?: { name: string; language: string } | undefined;
  templateParams: (paramCount: number) => string[];
  /** Who sends it (the message is theirs in the inbox). */
  userId: string | null;
}

/**
 * CONV-6 (for INV-2): sends a file — an invoice PDF — into the contact's WhatsApp conversation as
 * the inbox would send a reply: uploaded to WhatsApp's media store, then stored in the
 * conversation as a staff message (caption as its body, the media id in its meta) and queued on
 * the same retried send job. Inside the 24-hour window it goes as a document message; outside it
 * only through an approved template with a DOCUMENT header (the ones that fit are named in the
 * 409 when none was chosen), else a 409 that says why.
 */
export async function sendWhatsappDocument(services: Services, ctx: WorkspaceContext, input: DocumentToSend) {
  const { db } = services.database;
  const found = await withTenant(db, ctx, async (tx) => {
    const people = input.contactId ? [input.contactId]
      : input.companyId ? (await tx.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.companyId, input.companyId))).limit(200)).map((c) => c.id) : [];
    if (!people.length) return { conv: null, connection: null, fitting: [] };
    const [conv] = await tx.select({ c: conversations }).from(conversations)
      .innerJoin(visitors, and(eq(visitors.workspaceId, conversations.workspaceId), eq(visitors.id, conversations.visitorId)))
      .where(and(eq(conversations.workspaceId, ctx.workspaceId), eq(conversations.channel, 'whatsapp'), isNotNull(visitors.phone), or(inArray(conversations.contactId, people), inArray(visitors.contactId, people))))
      .orderBy(desc(conversations.lastMessageAt)).limit(1);
    const fitting = await tx.select().from(whatsappTemplates)
      .where(and(eq(whatsappTemplates.workspaceId, ctx.workspaceId), eq(whatsappTemplates.status, 'APPROVED'), eq(whatsappTemplates.headerFormat, 'DOCUMENT'))).orderBy(whatsappTemplates.name);
    return { conv: conv?.c ?? null, connection: await readConnection(tx, services, ctx.workspaceId), fitting };
  });
  if (!found.connection) throw conflict('whatsapp_not_connected', 'WhatsApp is not connected. Connect it in Settings → Channels.', { field: 'channel' });
  if (!found.conv) throw conflict('no_whatsapp_conversation', 'This customer has no WhatsApp conversation yet: WhatsApp lets a business write first only after the customer has messaged its number.', { field: 'contactId' });
  const conv = found.conv;
  const offered = found.fitting.map((t) => ({ name: t.name, language: t.language, body: t.body, paramCount: t.paramCount }));
  let template: (typeof found.fitting)[number] | undefined;
  if (input.template) {
    template = found.fitting.find((t) => t.name === input.template!.name && t.language === input.template!.language);
    if (!template) throw conflict('template_not_approved', `"${input.template.name}" (${input.template.language}) is not an approved template with a document header on this WhatsApp account.`, { field: 'template', templates: offered });
  } else if (!windowOpen(conv)) {
    const closed = windowClosesAt(conv);
    const since = closed ? `closed at ${closed.toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'is not open: the customer has not written yet';
    throw conflict('whatsapp_window_closed', offered.length
      ? `WhatsApp's 24-hour window for free messages ${since}. Send it with an approved template that carries a document: ${offered.map((t) => t.name).join(', ')}.`
      : `WhatsApp's 24-hour window for free messages ${since}, and this account has no approved template with a document header. Add one in WhatsApp Manager and sync it in Settings → Channels, or send the invoice by email.`, { field: 'template', templates: offered });
  }

  let mediaId: string;
  try {
    mediaId = await uploadWhatsappMedia(services, found.connection, input.file);
  } catch (error) {
    throw new AppError('whatsapp_upload_failed', 502, explainGraphError(error), { field: 'file' });
  }
  const params = template ? input.templateParams(template.paramCount).slice(0, template.paramCount) : [];
  return withTenant(db, ctx, async (tx) => {
    const locked = await lockConversation(tx, ctx.workspaceId, conv.id);
    const document = { mediaId, filename: input.file.filename, mimeType: input.file.mimeType };
    const { message } = await appendMessage(tx, locked, {
      authorKind: 'staff', authorUserId: input.userId, body: template ? renderTemplate(template.body, params) : input.caption,
      meta: { document, ...(template ? { template: { name: template.name, language: template.language, params } } : {}) }, deliveryStatus: whatsappChannel.initialStatus,
    });
    if (locked.status !== 'open') await touchConversation(tx, locked, { status: 'open', resolvedAt: null });
    await whatsappChannel.enqueue!(tx, services, locked, message);
    return { conversationId: conv.id, messageId: message.id, template: template ? template.name : null };
  });
}
