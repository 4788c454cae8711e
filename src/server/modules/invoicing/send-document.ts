import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { conflict } from '../../platform/http/errors';
import { queueRenderedMail } from '../../platform/mail/outbox';
import { renderMail } from '../../platform/mail/templates';
import { and, eq } from 'drizzle-orm';
import { documents } from './invoicing.schema';
import { loadPdfInput, pdfFileName, renderInvoicePdf } from './render-invoice-pdf';
import { typeNames } from './pdf-figures';

const rupees = (paise: number) => `₹${(paise / 100).toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * INV-2: emails an issued document with its PDF attached, through the workspace's mail outbox
 * (the send itself is the outbox's job, retried there). An issued invoice becomes "sent".
 */
export async function sendDocument(db: Db, ctx: WorkspaceContext, mailFrom: string, id: string, input: { to: string; message?: string | undefined }) {
  const { doc, supplier, original } = await loadPdfInput(db, ctx, id);
  if (!doc.number) throw conflict('document_not_issued', 'Issue the document before sending it; a draft has no number.', { field: 'status' });
  if (doc.status === 'cancelled') throw conflict('document_cancelled', `${doc.number} is cancelled.`, { field: 'status' });
  const pdf = await renderInvoicePdf({ doc, supplier, original });
  const name = typeNames[doc.documentType];
  const paragraphs = [
    `Dear ${doc.buyerName},`,
    `Please find attached ${name} ${doc.number} dated ${doc.documentDate} for ${rupees(doc.grandTotalPaise)}${doc.dueDate && doc.documentType === 'invoice' ? `, due on ${doc.dueDate}` : ''}.`,
    ...(input.message ? [input.message] : []),
    `Regards,\n${supplier.legalName}`,
  ];
  await withTenant(db, ctx, async (tx) => {
    await queueRenderedMail(tx, {
      from: mailFrom, to: input.to, template: 'invoicing.document',
      rendered: renderMail(`${name[0]!.toUpperCase()}${name.slice(1)} ${doc.number} from ${supplier.legalName}`, paragraphs),
      attachments: [{ filename: pdfFileName(doc), contentType: 'application/pdf', content: pdf.toString('base64'), encoding: 'base64' }],
    });
    if (doc.status === 'issued') {
      await tx.update(documents).set({ status: 'sent', updatedAt: new Date() })
        .where(and(eq(documents.workspaceId, ctx.workspaceId), eq(documents.id, id), eq(documents.status, 'issued')));
    }
  });
  return { queued: true as const, to: input.to };
}
