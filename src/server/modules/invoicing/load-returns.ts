import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { conflict } from '../../platform/http/errors';
import { documentLines, documents } from './invoicing.schema';
import { requireSettings } from './invoicing-settings';
import { itcOfMonth } from './expenses';
import type { SupplyKind, TaxRegime } from './gst';
import { buildGstr1, buildGstr3b, type ReturnDocument, type ReturnLine } from './gst-returns';

/** "2026-06" → the month's first day, the next month's first day and the return period "062026". */
export function periodOf(month: string) {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return { from: `${month}-01`, until: next, fp: `${String(m).padStart(2, '0')}${y}` };
}

type HeadRow = {
  id: string; document_type: 'invoice' | 'credit_note'; status: string; series_id: string; sequence: number | null; number: string | null; document_date: string;
  buyer_gstin: string | null; place_of_supply: string; supply_kind: SupplyKind; regime: TaxRegime; grand_total_paise: number;
  o_number: string | null; o_date: string | null; o_total: number | null; o_regime: TaxRegime | null; o_supply_kind: SupplyKind | null;
  /** [hsn, uqc, description, quantity, rate, taxable, cgst, sgst, utgst, igst, cess] per line, in position order */
  lines: [string, string, string, number, number, number, number, number, number, number, number][];
};

/**
 * The month's numbered invoices and credit notes with their lines, and each credit note's invoice.
 * One statement: each document comes with its lines as one JSON array built in PostgreSQL, and its
 * invoice by a join; no row object per line, no second pass to group lines (a month may hold 100,000
 * invoices: see the GSTR-1 figures in docs/benchmarks.md).
 */
export async function loadReturnDocuments(db: Db, ctx: WorkspaceContext, month: string): Promise<{ gstin: string; fp: string; docs: ReturnDocument[] }> {
  const { from, until, fp } = periodOf(month);
  return withTenant(db, ctx, async (tx) => {
    const settings = await requireSettings(tx, ctx);
    if (!settings.gstin) throw conflict('gstin_required', 'GST returns are filed under a GSTIN; enter it in invoicing settings.', { field: 'gstin' });
    const { rows } = await tx.execute<HeadRow>(sql`
      SELECT d.id, d.document_type, d.status, d.series_id, d.sequence, d.number, d.document_date::text AS document_date, d.buyer_gstin, d.place_of_supply,
        d.supply_kind, d.regime, d.grand_total_paise,
        o.number AS o_number, o.document_date::text AS o_date, o.grand_total_paise AS o_total, o.regime AS o_regime, o.supply_kind AS o_supply_kind,
        (SELECT coalesce(json_agg(json_build_array(l.hsn, l.uqc, l.description, l.quantity_milli, l.rate_bps, l.taxable_paise, l.cgst_paise, l.sgst_paise,
            l.utgst_paise, l.igst_paise, l.cess_paise) ORDER BY l.position), '[]'::json)
          FROM ${documentLines} l WHERE l.workspace_id = d.workspace_id AND l.document_id = d.id) AS lines
      FROM ${documents} d
      LEFT JOIN ${documents} o ON o.workspace_id = d.workspace_id AND o.id = d.original_document_id
      WHERE d.workspace_id = ${ctx.workspaceId} AND d.document_type IN ('invoice', 'credit_note') AND d.number IS NOT NULL
        AND d.document_date >= ${from} AND d.document_date < ${until}
      ORDER BY d.document_date, d.document_type, d.sequence, d.number`);
    const docs: ReturnDocument[] = rows.map((h) => ({
      id: h.id, documentType: h.document_type, status: h.status, seriesId: h.series_id, sequence: h.sequence, number: h.number,
      documentDate: h.document_date, buyerGstin: h.buyer_gstin, placeOfSupply: h.place_of_supply, supplyKind: h.supply_kind, regime: h.regime, grandTotalPaise: h.grand_total_paise,
      original: h.o_date !== null ? { number: h.o_number, documentDate: h.o_date, grandTotalPaise: h.o_total!, regime: h.o_regime!, supplyKind: h.o_supply_kind! } : null,
      lines: h.lines.map(([hsn, uqc, description, quantityMilli, rateBps, taxablePaise, cgstPaise, sgstPaise, utgstPaise, igstPaise, cessPaise]): ReturnLine =>
        ({ hsn, uqc, description, quantityMilli, rateBps, taxablePaise, cgstPaise, sgstPaise, utgstPaise, igstPaise, cessPaise })),
    }));
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
