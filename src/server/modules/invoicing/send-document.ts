import type { Services } from '../../platform/services';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { conflict } from '../../platform/http/errors';
import { queueRenderedMail } from '../../platform/mail/outbox';
import { renderMail } from '../../platform/mail/templates';
import { and, eq } from 'drizzle-orm';
import { documents } from './invoicing.schema';
import { loadPdfInput, payLinkOf, pdfFileName, renderInvoicePdf } from './render-invoice-pdf';
import { createPaymentLink, listPaymentAccounts } from './payment-links';
import { typeNames } from './pdf-figures';
import { recordAudit } from '../audit';
import { sendWhatsappDocument } from '../conversations';
import type { InvoiceDocument } from './invoicing.contract';
import type { PdfPayLink } from './render-invoice-pdf';

export const rupees = (paise: number) => `₹${(paise / 100).toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * INV-2: emails an issued document with its PDF attached, through the workspace's mail outbox
 * (the send itself is the outbox's job, retried there). An issued invoice becomes "sent".
 */
export async function sendDocument(services: Services, ctx: WorkspaceContext, id: string, input: { to: string; message?: string | undefined }, kind: 'document' | 'reminder' = 'document') {
  const db = services.database.db;
  const mailFrom = services.mail.from;
  const { doc, supplier, original, payLink: open, upi } = await loadPdfInput(db, ctx, id);
  if (!doc.number) throw conflict('document_not_issued', 'Issue the document before sending it; a draft has no number.', { field: 'status' });
  if (doc.status === 'cancelled') throw conflict('document_cancelled', `${doc.number} is cancelled.`, { field: 'status' });
  const reminder = kind === 'reminder';
  if (reminder && (doc.documentType !== 'invoice' || doc.grandTotalPaise <= doc.paidPaise)) throw conflict('nothing_due', `Nothing is due on ${doc.number}.`, { field: 'status' });
  const payLink = await ensurePayLink(services, ctx, doc, open ?? null);
  const pdf = await renderInvoicePdf({ doc, supplier, original, payLink, upi });
  const name = typeNames[doc.documentType];
  const due = doc.grandTotalPaise - doc.paidPaise;
  const paragraphs = reminder ? [
    `Dear ${doc.buyerName},`,
    `This is a friendly reminder that ${rupees(due)} is still due on invoice ${doc.number} dated ${doc.documentDate}${doc.dueDate ? `, which was due on ${doc.dueDate}` : ''}. The invoice is attached again for your convenience.`,
    ...(payLink ? [`Pay ${rupees(payLink.amountPaise)} online: ${payLink.url}`] : []),
    ...(input.message ? [input.message] : []),
    'If you have already paid, thank you, and please ignore this message. If anything about the invoice is not right, just reply and we will sort it out.',
    `Regards,\n${supplier.legalName}`,
  ] : [
    `Dear ${doc.buyerName},`,
    `Please find attached ${name} ${doc.number} dated ${doc.documentDate} for ${rupees(doc.grandTotalPaise)}${doc.dueDate && doc.documentType === 'invoice' ? `, due on ${doc.dueDate}` : ''}.`,
    ...(payLink ? [`Pay ${rupees(payLink.amountPaise)} online: ${payLink.url}`] : []),
    ...(input.message ? [input.message] : []),
    `Regards,\n${supplier.legalName}`,
  ];
  await withTenant(db, ctx, async (tx) => {
    await queueRenderedMail(tx, {
      from: mailFrom, to: input.to, template: 'invoicing.document',
      rendered: renderMail(reminder ? `Reminder: ${rupees(due)} due on invoice ${doc.number}` : `${name[0]!.toUpperCase()}${name.slice(1)} ${doc.number} from ${supplier.legalName}`, paragraphs),
      attachments: [{ filename: pdfFileName(doc), contentType: 'application/pdf', content: pdf.toString('base64'), encoding: 'base64' }],
    });
    if (reminder) await recordAudit(tx, ctx, { action: 'invoice.reminder_sent', targetType: 'invoice', targetId: id, details: { number: doc.number, balancePaise: due } });
    if (doc.status === 'issued') await markSent(tx, ctx, id);
  });
  return { queued: true as const, to: input.to, paymentLinkUrl: payLink?.url ?? null };
}

const markSent = (tx: Parameters<Parameters<typeof withTenant>[2]>[0], ctx: WorkspaceContext, id: string) =>
  tx.update(documents).set({ status: 'sent', updatedAt: new Date() }).where(and(eq(documents.workspaceId, ctx.workspaceId), eq(documents.id, id), eq(documents.status, 'issued')));

/** INV-5: an invoice with money due carries a payment link when the workspace connected a provider (the open one, or a new one for the balance). */
async function ensurePayLink(services: Services, ctx: WorkspaceContext, doc: InvoiceDocument, open: PdfPayLink | null): Promise<PdfPayLink | null> {
  if (open || doc.documentType !== 'invoice' || doc.grandTotalPaise <= doc.paidPaise) return open;
  if (!(await listPaymentAccounts(services, ctx)).items.some((a) => a.connected)) return null;
  const link = await createPaymentLink(services, ctx, doc.id, {});
  return payLinkOf(link.url, link.amountPaise);
}

/**
 * INV-2: sends an issued document's PDF into the customer's WhatsApp conversation (the invoice's
 * contact, or a contact of its company) through the conversations module: a document message
 * with a caption and the payment link inside WhatsApp's 24-hour window, else an approved template
 * with a document header (409 naming the fitting ones when none was chosen). It shows in the
 * inbox like any reply; an issued invoice becomes "sent". Audited.
 */
export async function sendDocumentOnWhatsapp(services: Services, ctx: WorkspaceContext, id: string, input: { template?: { name: string; language: string } | undefined }) {
  const db = services.database.db;
  const { doc, supplier, original, payLink: open, upi } = await loadPdfInput(db, ctx, id);
  if (!doc.number) throw conflict('document_not_issued', 'Issue the document before sending it; a draft has no number.', { field: 'status' });
  if (doc.status === 'cancelled') throw conflict('document_cancelled', `${doc.number} is cancelled.`, { field: 'status' });
  if (!doc.contactId && !doc.companyId) throw conflict('no_customer_record', 'This invoice is not linked to a contact or company in the CRM, so there is no WhatsApp conversation to send it to.', { field: 'contactId' });
  const payLink = await ensurePayLink(services, ctx, doc, open ?? null);
  const pdf = await renderInvoicePdf({ doc, supplier, original, payLink, upi });
  const name = typeNames[doc.documentType];
  const due = doc.grandTotalPaise - doc.paidPaise;
  const caption = [
    `${name[0]!.toUpperCase()}${name.slice(1)} ${doc.number} from ${supplier.legalName} for ${rupees(doc.grandTotalPaise)}${doc.dueDate && doc.documentType === 'invoice' ? `, due on ${doc.dueDate}` : ''}.`,
    ...(payLink ? [`Pay ${rupees(payLink.amountPaise)} online: ${payLink.url}`] : []),
  ].join('\n');
  const sent = await sendWhatsappDocument(services, ctx, {
    contactId: doc.contactId, companyId: doc.companyId, userId: ctx.userId, caption, template: input.template,
    file: { bytes: pdf, mimeType: 'application/pdf', filename: pdfFileName(doc) },
    // A template's {{1}}… are, in order: the customer, the invoice number, the amount due, the payment link.
    templateParams: () => [doc.buyerName, doc.number!, rupees(due > 0 ? due : doc.grandTotalPaise), payLink?.url ?? 'the bank details on the invoice'],
  });
  await withTenant(db, ctx, async (tx) => {
    await recordAudit(tx, ctx, { action: 'invoice.sent_whatsapp', targetType: 'invoice', targetId: id, details: { number: doc.number, conversationId: sent.conversationId, template: sent.template } });
    if (doc.status === 'issued') await markSent(tx, ctx, id);
  });
  return { ...sent, paymentLinkUrl: payLink?.url ?? null };
}
