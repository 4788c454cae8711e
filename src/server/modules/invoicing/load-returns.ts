import { and, eq, gte, inArray, isNotNull, lt } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { conflict } from '../../platform/http/errors';
import { documentLines, documents } from './invoicing.schema';
import { requireSettings } from './invoicing-settings';
import { itcOfMonth } from './expenses';
import { buildGstr1, buildGstr3b, type ReturnDocument, type ReturnLine } from './gst-returns';

/** "2026-06" → the month's first day, the next month's first day and the return period "062026". */
export function periodOf(month: string) {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return { from: `${month}-01`, until: next, fp: `${String(m).padStart(2, '0')}${y}` };
}

/** The month's numbered invoices and credit notes with their lines, and each credit note's invoice. */
export async function loadReturnDocuments(db: Db, ctx: WorkspaceContext, month: string): Promise<{ gstin: string; fp: string; docs: ReturnDocument[] }> {
  const { from, until, fp } = periodOf(month);
  return withTenant(db, ctx, async (tx) => {
    const settings = await requireSettings(tx, ctx);
    if (!settings.gstin) throw conflict('gstin_required', 'GST returns are filed under a GSTIN; enter it in invoicing settings.', { field: 'gstin' });
    const inMonth = and(
      eq(documents.workspaceId, ctx.workspaceId), inArray(documents.documentType, ['invoice', 'credit_note']), isNotNull(documents.number),
      gte(documents.documentDate, from), lt(documents.documentDate, until),
    );
    const heads = await tx.select().from(documents).where(inMonth).orderBy(documents.documentDate, documents.documentType, documents.sequence);
    const originalIds = [...new Set(heads.map((h) => h.originalDocumentId).filter((x): x is string => !!x))];
    // One pass over the month's lines, joined to the same documents (no long lists of ids).
    const rows = await tx.select({
      documentId: documentLines.documentId, hsn: documentLines.hsn, uqc: documentLines.uqc, description: documentLines.description, quantityMilli: documentLines.quantityMilli,
      rateBps: documentLines.rateBps, taxablePaise: documentLines.taxablePaise, cgstPaise: documentLines.cgstPaise, sgstPaise: documentLines.sgstPaise,
      utgstPaise: documentLines.utgstPaise, igstPaise: documentLines.igstPaise, cessPaise: documentLines.cessPaise,
    }).from(documentLines)
      .innerJoin(documents, and(eq(documents.workspaceId, documentLines.workspaceId), eq(documents.id, documentLines.documentId)))
      .where(and(inMonth, eq(documentLines.workspaceId, ctx.workspaceId)))
      .orderBy(documentLines.documentId, documentLines.position);
    const lines = new Map<string, ReturnLine[]>();
    for (const { documentId, ...l } of rows) {
      const list = lines.get(documentId);
      if (list) list.push(l);
      else lines.set(documentId, [l]);
    }
    const originals = originalIds.length
      ? new Map((await tx.select().from(documents).where(and(eq(documents.workspaceId, ctx.workspaceId), inArray(documents.id, originalIds)))).map((o) => [o.id, o]))
      : new Map();
    const docs: ReturnDocument[] = heads.map((h) => {
      const o = h.originalDocumentId ? originals.get(h.originalDocumentId) : undefined;
      return {
        id: h.id, documentType: h.documentType as 'invoice' | 'credit_note', status: h.status, seriesId: h.seriesId, sequence: h.sequence, number: h.number,
        documentDate: h.documentDate, buyerGstin: h.buyerGstin, placeOfSupply: h.placeOfSupply, supplyKind: h.supplyKind, regime: h.regime, grandTotalPaise: h.grandTotalPaise,
        original: o ? { number: o.number, documentDate: o.documentDate, grandTotalPaise: o.grandTotalPaise, regime: o.regime, supplyKind: o.supplyKind } : null,
        lines: lines.get(h.id) ?? [],
      };
    });
    return { gstin: settings.gstin, fp, docs };
  });
}

/** INV-4: GSTR-1 of a month in the GST portal's JSON shape. */
export async function gstr1ForMonth(db: Db, ctx: WorkspaceContext, month: string) {
  const { gstin, fp, docs } = await loadReturnDocuments(db, ctx, month);
  return buildGstr1(gstin, fp, docs);
}

/** INV-4: GSTR-3B of a month: table 3.1 (outward supplies) and table 4 (input tax credit from expenses). */
export async function gstr3bForMonth(db: Db, ctx: WorkspaceContext, month: string) {
  const { gstin, fp, docs } = await loadReturnDocuments(db, ctx, month);
  const itc = await withTenant(db, ctx, async (tx) => itcOfMonth(tx, ctx, month, (await requireSettings(tx, ctx)).stateCode));
  return { gstin, ...buildGstr3b(fp, docs), itc_elg: itc };
}
