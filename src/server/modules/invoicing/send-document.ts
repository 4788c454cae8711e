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
import { recordAudit } from '../audit/record-audit';

export const rupees = (paise: number) => `₹${(paise / 100).toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * INV-2: emails an issued document with its PDF attached, through the workspace's mail outbox
 * (the send itself is the outbox's job, retried there). An issued invoice becomes "sent".
 */
export async function sendDocument(services: Services, ctx: WorkspaceContext, id: string, input: { to: string; message?: string | undefined }, kind: 'document' | 'reminder' = 'document') {
  const db = services.database.db;
  const mailFrom = services.mail.from;
  const { doc, supplier, original, payLink: open } = await loadPdfInput(db, ctx, id);
  if (!doc.number) throw conflict('document_not_issued', 'Issue the document before sending it; a draft has no number.', { field: 'status' });
  if (doc.status === 'cancelled') throw conflict('document_cancelled', `${doc.number} is cancelled.`, { field: 'status' });
  const reminder = kind === 'reminder';
  if (reminder && (doc.documentType !== 'invoice' || doc.grandTotalPaise <= doc.paidPaise)) throw conflict('nothing_due', `Nothing is due on ${doc.number}.`, { field: 'status' });
  // INV-5: an invoice with money due carries a payment link when the workspace connected a provider.
  let payLink = open ?? null;
  if (!payLink && doc.documentType === 'invoice' && doc.grandTotalPaise > doc.paidPaise && (await listPaymentAccounts(services, ctx)).items.some((a) => a.connected)) {
    const link = await createPaymentLink(services, ctx, id, {});
    payLink = await payLinkOf(link.url, link.amountPaise);
  }
  const pdf = await renderInvoicePdf({ doc, supplier, original, payLink });
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
    if (doc.status === 'issued') {
      await tx.update(documents).set({ status: 'sent', updatedAt: new Date() })
        .where(and(eq(documents.workspaceId, ctx.workspaceId), eq(documents.id, id), eq(documents.status, 'issued')));
    }
  });
  return { queued: true as const, to: input.to, paymentLinkUrl: payLink?.url ?? null };
}
