import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { conflict, notFound } from '../../platform/http/errors';
import { recordAudit } from '../audit';
import type { PaymentBody } from './invoicing.contract';
import { documents, payments } from './invoicing.schema';
import { findDocument, loadLines, presentDocument, todayInIndia, type DocumentRow } from './get-document';

type PaymentRow = typeof payments.$inferSelect;

function presentPayment({ workspaceId: _, ...p }: PaymentRow) {
  return { ...p, voidedAt: p.voidedAt ? p.voidedAt.toISOString() : null, createdAt: p.createdAt.toISOString() };
}

/** INV-3: issued → partly_paid → paid as money comes in, and back as payments are voided. */
function statusFor(doc: DocumentRow, paidPaise: number): DocumentRow['status'] {
  if (paidPaise >= doc.grandTotalPaise) return 'paid';
  if (paidPaise > 0) return 'partly_paid';
  return doc.status === 'sent' ? 'sent' : 'issued';
}

/** Recomputes `paid_paise` from the payments not voided and sets the status, in the caller's transaction. */
export async function settle(tx: Tx, ctx: WorkspaceContext, doc: DocumentRow): Promise<DocumentRow> {
  const [sum] = await tx.select({ paid: sql<string>`coalesce(sum(${payments.amountPaise}), 0)` }).from(payments)
    .where(and(eq(payments.workspaceId, ctx.workspaceId), eq(payments.documentId, doc.id), isNull(payments.voidedAt)));
  const paidPaise = Number(sum!.paid);
  const [row] = await tx.update(documents).set({ paidPaise, status: statusFor(doc, paidPaise), version: doc.version + 1, updatedAt: new Date() })
    .where(and(eq(documents.workspaceId, ctx.workspaceId), eq(documents.id, doc.id))).returning();
  return row!;
}

/**
 * INV-3: records a payment against an issued invoice. The document's row is locked first, so
 * concurrent payments queue and each sees the balance the previous one left: the payments never
 * add up to more than the invoice's total.
 */
export async function recordPayment(db: Db, ctx: WorkspaceContext, documentId: string, body: PaymentBody) {
  return withTenant(db, ctx, async (tx) => {
    const doc = await findDocument(tx, ctx, documentId, true);
    if (doc.documentType !== 'invoice') throw conflict('not_an_invoice', `Payments are recorded against invoices, not a ${doc.documentType.replace('_', ' ')}.`, { field: 'documentType' });
    if (doc.status === 'draft') throw conflict('document_draft', 'Issue the invoice before recording a payment.', { field: 'status' });
    if (doc.status === 'cancelled') throw conflict('document_cancelled', `${doc.number ?? 'The invoice'} is cancelled.`, { field: 'status' });
    const balancePaise = doc.grandTotalPaise - doc.paidPaise;
    if (body.amountPaise > balancePaise) {
      throw conflict('overpayment', balancePaise === 0 ? `${doc.number} is already paid in full.` : `Only ${balancePaise} paise are still due on ${doc.number}.`, { field: 'amountPaise', balancePaise });
    }
    const [payment] = await tx.insert(payments).values({
      workspaceId: ctx.workspaceId, documentId, method: body.method, paidOn: body.paidOn ?? todayInIndia(), amountPaise: body.amountPaise,
      reference: body.reference ?? null, note: body.note ?? null, recordedBy: ctx.userId,
    }).returning();
    const row = await settle(tx, ctx, doc);
    await recordAudit(tx, ctx, { action: 'invoice.payment_recorded', targetType: 'invoice', targetId: documentId, details: { number: doc.number, paymentId: payment!.id, method: body.method, amountPaise: body.amountPaise } });
    return { payment: presentPayment(payment!), document: presentDocument(row, await loadLines(tx, ctx, documentId)) };
  });
}

/** INV-3, WS-4: an owner or admin voids a wrong payment; the balance and status go back. Audited. */
export async function voidPayment(db: Db, ctx: WorkspaceContext, documentId: string, paymentId: string, reason: string) {
  return withTenant(db, ctx, async (tx) => {
    const doc = await findDocument(tx, ctx, documentId, true);
    const [found] = await tx.select().from(payments).where(and(eq(payments.workspaceId, ctx.workspaceId), eq(payments.documentId, documentId), eq(payments.id, paymentId)));
    if (!found) throw notFound('Payment');
    if (found.voidedAt) throw conflict('payment_voided', 'The payment is already voided.', { field: 'paymentId' });
    const [payment] = await tx.update(payments).set({ voidedAt: new Date(), voidedBy: ctx.userId, voidReason: reason })
      .where(and(eq(payments.workspaceId, ctx.workspaceId), eq(payments.id, paymentId))).returning();
    const row = await settle(tx, ctx, doc);
    await recordAudit(tx, ctx, { action: 'invoice.payment_voided', targetType: 'invoice', targetId: documentId, details: { number: doc.number, paymentId, method: found.method, amountPaise: found.amountPaise, paidOn: found.paidOn, reason } });
    return { payment: presentPayment(payment!), document: presentDocument(row, await loadLines(tx, ctx, documentId)) };
  });
}

/** INV-3: a document's payments, oldest first, voided ones included and marked. */
export async function listPayments(db: Db, ctx: WorkspaceContext, documentId: string) {
  return withTenant(db, ctx, async (tx) => {
    const doc = await findDocument(tx, ctx, documentId);
    const rows = await tx.select().from(payments).where(and(eq(payments.workspaceId, ctx.workspaceId), eq(payments.documentId, documentId))).orderBy(asc(payments.paidOn), asc(payments.createdAt));
    return { items: rows.map(presentPayment), grandTotalPaise: doc.grandTotalPaise, paidPaise: doc.paidPaise, balancePaise: doc.grandTotalPaise - doc.paidPaise };
  });
}
