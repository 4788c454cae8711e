import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { conflict } from '../../platform/http/errors';
import type { InvoiceDocument } from './invoicing.contract';
import { documentCounters, documents, stockMovements } from './invoicing.schema';
import { requireSettings } from './invoicing-settings';
import { findProduct, moveStock } from './manage-products';
import { findSeries } from './manage-series';
import { findDocument, loadLines, presentDocument } from './get-document';
import { financialYear, formatDocumentNumber, maxNumber } from './gst';

/**
 * INV-2: gives a draft its number and moves its stock, in one transaction. The counter row of the
 * series and financial year is bumped with `INSERT … ON CONFLICT DO UPDATE … RETURNING`, which
 * holds its row lock until commit: concurrent issues queue, and a rolled-back issue gives its
 * number back, so numbers are unique and gap-free.
 */
export async function issueDocument(db: Db, ctx: WorkspaceContext, id: string, version: number): Promise<InvoiceDocument> {
  return withTenant(db, ctx, async (tx) => {
    const doc = await findDocument(tx, ctx, id, true);
    if (doc.status !== 'draft') throw conflict('document_issued', `${doc.number ?? 'This document'} is already ${doc.status}.`, { field: 'status' });
    if (doc.version !== version) throw conflict('version_conflict', 'The document changed since you opened it.', { field: 'version', current: doc.version });
    const settings = await requireSettings(tx, ctx);
    const series = (await findSeries(tx, ctx, doc.seriesId))!;
    const fy = financialYear(doc.documentDate);

    const lines = await loadLines(tx, ctx, id);
    const belowZero: NonNullable<InvoiceDocument['stockBelowZero']> = [];
    if (doc.documentType !== 'quote') {
      // Invoices take stock out, credit notes put it back; locks in id order so issues never deadlock.
      const sign = doc.documentType === 'invoice' ? -1 : 1;
      const byProduct = new Map<string, { qty: number; position: number }>();
      for (const l of lines) {
        if (!l.productId) continue;
        const prev = byProduct.get(l.productId);
        byProduct.set(l.productId, { qty: (prev?.qty ?? 0) + l.quantityMilli, position: prev?.position ?? l.position });
      }
      for (const productId of [...byProduct.keys()].sort()) {
        const { qty, position } = byProduct.get(productId)!;
        const product = await findProduct(tx, ctx, productId, true);
        if (!product.trackStock) continue;
        if (sign < 0 && product.stockMilli - qty < 0 && !settings.allowNegativeStock) {
          throw conflict('insufficient_stock', `${product.name}: ${product.stockMilli / 1000} in stock, ${qty / 1000} on the invoice.`, { field: `lines.${position}.quantityMilli`, productId, stockMilli: product.stockMilli });
        }
        const { product: moved } = await moveStock(tx, ctx, product, { kind: sign < 0 ? 'sale' : 'return', quantityMilli: sign * qty, documentId: id });
        // Allowed by the workspace, but never silent: the answer names what went below zero.
        if (sign < 0 && moved.stockMilli < 0) belowZero.push({ productId, name: moved.name, stockMilli: moved.stockMilli });
      }
    }

    const [counter] = await tx.insert(documentCounters)
      .values({ workspaceId: ctx.workspaceId, seriesId: series.id, financialYear: fy, lastNumber: 1 })
      .onConflictDoUpdate({ target: [documentCounters.workspaceId, documentCounters.seriesId, documentCounters.financialYear], set: { lastNumber: sql`${documentCounters.lastNumber} + 1` } })
      .returning();
    const sequence = counter!.lastNumber;
    if (sequence > maxNumber(series)) throw conflict('series_full', `Series ${series.prefix} has no numbers left for ${fy}; start a new series.`, { field: 'seriesId' });
    const [row] = await tx.update(documents)
      .set({ status: 'issued', financialYear: fy, sequence, number: formatDocumentNumber(series, fy, sequence), issuedAt: new Date(), version: doc.version + 1, updatedAt: new Date() })
      .where(and(eq(documents.workspaceId, ctx.workspaceId), eq(documents.id, id))).returning();
    const issued = presentDocument(row!, lines);
    return belowZero.length ? { ...issued, stockBelowZero: belowZero } : issued;
  });
}

/**
 * INV-2: cancels a draft or an unpaid issued document. Its number stays used (reported as
 * cancelled in GSTR-1 doc_issue) and the stock it moved comes back.
 */
export async function cancelDocument(db: Db, ctx: WorkspaceContext, id: string, version: number): Promise<InvoiceDocument> {
  return withTenant(db, ctx, async (tx) => {
    const doc = await findDocument(tx, ctx, id, true);
    if (doc.version !== version) throw conflict('version_conflict', 'The document changed since you opened it.', { field: 'version', current: doc.version });
    if (doc.status === 'cancelled') throw conflict('document_cancelled', 'The document is already cancelled.', { field: 'status' });
    if (doc.paidPaise > 0) throw conflict('document_paid', 'A paid document is corrected by a credit note, not cancelled.', { field: 'status' });
    const moved = await tx.select().from(stockMovements).where(and(eq(stockMovements.workspaceId, ctx.workspaceId), eq(stockMovements.documentId, id)));
    for (const m of moved.sort((a, b) => a.productId.localeCompare(b.productId))) {
      const product = await findProduct(tx, ctx, m.productId, true);
      await moveStock(tx, ctx, product, { kind: 'adjustment', quantityMilli: -m.quantityMilli, documentId: id, note: `cancelled ${doc.number}` });
    }
    const [row] = await tx.update(documents).set({ status: 'cancelled', cancelledAt: new Date(), version: doc.version + 1, updatedAt: new Date() })
      .where(and(eq(documents.workspaceId, ctx.workspaceId), eq(documents.id, id))).returning();
    return presentDocument(row!, await loadLines(tx, ctx, id));
  });
}
