import { and, asc, desc, eq, inArray, lt, not, or, isNull, gte } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import type { InvoiceDocument } from './invoicing.contract';
import { documentLines, documents, type documentStatuses, type documentTypes } from './invoicing.schema';
import { amountInWords } from './gst';

export type DocumentRow = typeof documents.$inferSelect;
type LineRow = typeof documentLines.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Today's date in India (the GST calendar), as YYYY-MM-DD. */
export const todayInIndia = (now = new Date()) => now.toLocaleDateString('en-CA', { timeZone: 'Asia/Kolkata' });
/** INV-3: statuses that still expect money; past the due date these are overdue. */
export const awaitingPayment = ['issued', 'sent', 'partly_paid', 'overdue'] as const;
const isOverdue = (d: Pick<DocumentRow, 'status' | 'dueDate' | 'documentType'>) =>
  d.documentType === 'invoice' && (awaitingPayment as readonly string[]).includes(d.status) && d.dueDate !== null && d.dueDate < todayInIndia();

function presentHead({ workspaceId: _, sequence: __, ...d }: DocumentRow): Omit<InvoiceDocument, 'lines'> {
  return { ...d, amountInWords: amountInWords(d.grandTotalPaise), overdue: isOverdue(d), issuedAt: iso(d.issuedAt), cancelledAt: iso(d.cancelledAt), createdAt: d.createdAt.toISOString(), updatedAt: d.updatedAt.toISOString() };
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

export async function listDocuments(db: Db, ctx: WorkspaceContext, q: { documentType?: (typeof documentTypes)[number]; status?: (typeof documentStatuses)[number]; overdue?: 'true' | 'false'; limit: number }) {
  return withTenant(db, ctx, async (tx) => {
    const where = [eq(documents.workspaceId, ctx.workspaceId)];
    if (q.documentType) where.push(eq(documents.documentType, q.documentType));
    if (q.status) where.push(eq(documents.status, q.status));
    const overdue = and(eq(documents.documentType, 'invoice'), inArray(documents.status, [...awaitingPayment]), lt(documents.dueDate, todayInIndia()))!;
    if (q.overdue === 'true') where.push(overdue);
    if (q.overdue === 'false') where.push(or(not(inArray(documents.status, [...awaitingPayment])), isNull(documents.dueDate), gte(documents.dueDate, todayInIndia()), not(eq(documents.documentType, 'invoice')))!);
    const rows = await tx.select().from(documents).where(and(...where)).orderBy(desc(documents.documentDate), desc(documents.createdAt)).limit(q.limit);
    return { items: rows.map(presentHead) };
  });
}
