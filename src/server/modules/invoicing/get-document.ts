import { and, asc, desc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import type { InvoiceDocument } from './invoicing.contract';
import { documentLines, documents, type documentStatuses, type documentTypes } from './invoicing.schema';
import { amountInWords } from './gst';

export type DocumentRow = typeof documents.$inferSelect;
type LineRow = typeof documentLines.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function presentHead({ workspaceId: _, sequence: __, ...d }: DocumentRow): Omit<InvoiceDocument, 'lines'> {
  return { ...d, amountInWords: amountInWords(d.grandTotalPaise), issuedAt: iso(d.issuedAt), cancelledAt: iso(d.cancelledAt), createdAt: d.createdAt.toISOString(), updatedAt: d.updatedAt.toISOString() };
}

export function presentDocument(row: DocumentRow, lines: LineRow[]): InvoiceDocument {
  return { ...presentHead(row), lines: lines.map(({ workspaceId: _, documentId: __, ...l }) => l) };
}

export async function findDocument(tx: Tx, ctx: WorkspaceContext, id: string, lock = false): Promise<DocumentRow> {
  const q = tx.select().from(documents).where(and(eq(documents.workspaceId, ctx.workspaceId), eq(documents.id, id)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('Document');
  return row;
}

export async function loadLines(tx: Tx, ctx: WorkspaceContext, id: string): Promise<LineRow[]> {
  return tx.select().from(documentLines).where(and(eq(documentLines.workspaceId, ctx.workspaceId), eq(documentLines.documentId, id))).orderBy(asc(documentLines.position));
}

/** INV-2: one quote, invoice or credit note with its lines and amount in words. */
export async function getDocument(db: Db, ctx: WorkspaceContext, id: string): Promise<InvoiceDocument> {
  return withTenant(db, ctx, async (tx) => presentDocument(await findDocument(tx, ctx, id), await loadLines(tx, ctx, id)));
}

export async function listDocuments(db: Db, ctx: WorkspaceContext, q: { documentType?: (typeof documentTypes)[number]; status?: (typeof documentStatuses)[number]; limit: number }) {
  return withTenant(db, ctx, async (tx) => {
    const where = [eq(documents.workspaceId, ctx.workspaceId)];
    if (q.documentType) where.push(eq(documents.documentType, q.documentType));
    if (q.status) where.push(eq(documents.status, q.status));
    const rows = await tx.select().from(documents).where(and(...where)).orderBy(desc(documents.documentDate), desc(documents.createdAt)).limit(q.limit);
    return { items: rows.map(presentHead) };
  });
}
