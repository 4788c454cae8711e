// INV-4: GSTR-1 in the shape of the GSTN offline tool's JSON, and GSTR-3B table 3.1, built from the
// issued documents of one month. Pure: rows in, return out, so golden tests and the bench share it.
import { isB2cLarge, type SupplyKind, type TaxRegime } from './gst';
import { dayFirst as ddmmyyyy } from './pdf-figures';

export interface ReturnLine {
  hsn: string; uqc: string; description: string; quantityMilli: number; rateBps: number;
  taxablePaise: number; cgstPaise: number; sgstPaise: number; utgstPaise: number; igstPaise: number; cessPaise: number;
}
export interface ReturnDocument {
  id: string;
  documentType: 'invoice' | 'credit_note';
  status: string;
  seriesId: string;
  sequence: number | null;
  number: string | null;
  documentDate: string;
  buyerGstin: string | null;
  placeOfSupply: string;
  supplyKind: SupplyKind;
  regime: TaxRegime;
  grandTotalPaise: number;
  /** For a credit note: its invoice's number, date, value and classification inputs. */
  original: { number: string | null; documentDate: string; grandTotalPaise: number; regime: TaxRegime; supplyKind: SupplyKind } | null;
  lines: ReturnLine[];
}

const r2 = (paise: number) => paise / 100; // exact to 2 places: an integer over 100 prints as at most 2 decimals
const isExport = (k: SupplyKind) => k === 'export-with-payment' || k === 'export-without-payment';
const invTyp = (k: SupplyKind) => (k === 'sez-with-payment' ? 'SEWP' : k === 'sez-without-payment' ? 'SEWOP' : 'R');
/** Appends to the list under `key` (in place: a month may hold 100,000 invoices for one buyer). */
function push<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
const live = (d: ReturnDocument) => d.status !== 'cancelled' && d.status !== 'draft' && d.number !== null;

type ItemDet = { txval: number; rt: number; iamt: number; camt: number; samt: number; csamt: number };
/** One item per rate, as the portal wants it (`num` = serial within the invoice). */
function items(lines: readonly ReturnLine[], interState: boolean) {
  const byRate = new Map<string, ReturnLine[]>();
  for (const l of lines) push(byRate, String(l.rateBps), l);
  return [...byRate.entries()].map(([r, ls]) => [Number(r), ls] as const).sort((a, b) => a[0] - b[0]).map(([rate, ls], i) => {
    const sum = (f: (l: ReturnLine) => number) => ls.reduce((a, l) => a + f(l), 0);
    const det: Partial<ItemDet> = { txval: r2(sum((l) => l.taxablePaise)), rt: rate / 100 };
    if (interState) det.iamt = r2(sum((l) => l.igstPaise));
    else { det.camt = r2(sum((l) => l.cgstPaise)); det.samt = r2(sum((l) => l.sgstPaise + l.utgstPaise)); }
    det.csamt = r2(sum((l) => l.cessPaise));
    return { num: i + 1, itm_det: det };
  });
}
const interStateOf = (d: Pick<ReturnDocument, 'regime'>) => d.regime === 'igst' || d.regime === 'zero-rated';

export interface Gstr1 {
  gstin: string; fp: string; version: string; hash: string;
  b2b: unknown[]; b2cl: unknown[]; b2cs: unknown[]; cdnr: unknown[]; cdnur: unknown[]; exp: unknown[];
  hsn: { data: unknown[] }; doc_issue: { doc_det: DocDet[] };
}

/** GSTR-1 for the period `fp` (MMYYYY) from that month's numbered invoices and credit notes. */
export function buildGstr1(gstin: string, fp: string, docs: readonly ReturnDocument[]): Gstr1 {
  const b2b = new Map<string, unknown[]>();
  const cdnr = new Map<string, unknown[]>();
  const b2cl = new Map<string, unknown[]>();
  const b2cs = new Map<string, { sply_ty: string; pos: string; typ: string; rt: number; txval: number; iamt?: number; camt?: number; samt?: number; csamt: number }>();
  const exp = new Map<string, unknown[]>();
  const cdnur: unknown[] = [];
  const hsn = new Map<string, { hsn_sc: string; desc: string; uqc: string; qty: number; rt: number; txval: number; iamt: number; camt: number; samt: number; csamt: number }>();

  for (const d of docs) {
    if (!live(d)) continue;
    const sign = d.documentType === 'credit_note' ? -1 : 1;
    for (const l of d.lines) {
      const key = `${l.hsn}|${l.uqc}|${l.rateBps}`;
      const h = hsn.get(key) ?? { hsn_sc: l.hsn, desc: l.description.slice(0, 30), uqc: l.uqc, qty: 0, rt: l.rateBps / 100, txval: 0, iamt: 0, camt: 0, samt: 0, csamt: 0 };
      // Summed in paise (integers) and turned into rupees once, below.
      h.qty += sign * l.quantityMilli; h.txval += sign * l.taxablePaise; h.iamt += sign * l.igstPaise;
      h.camt += sign * l.cgstPaise; h.samt += sign * (l.sgstPaise + l.utgstPaise); h.csamt += sign * l.cessPaise;
      hsn.set(key, h);
    }
    const inter = interStateOf(d);
    if (d.documentType === 'invoice') {
      const inv = { inum: d.number!, idt: ddmmyyyy(d.documentDate), val: r2(d.grandTotalPaise), pos: d.placeOfSupply };
      if (isExport(d.supplyKind)) {
        const typ = d.supplyKind === 'export-with-payment' ? 'WPAY' : 'WOPAY';
        push(exp, typ, { inum: inv.inum, idt: inv.idt, val: inv.val, itms: items(d.lines, true).map((i) => ({ txval: i.itm_det.txval, rt: i.itm_det.rt, iamt: i.itm_det.iamt, csamt: i.itm_det.csamt })) });
      } else if (d.buyerGstin) {
        push(b2b, d.buyerGstin, { ...inv, rchrg: 'N', inv_typ: invTyp(d.supplyKind), itms: items(d.lines, inter) });
      } else if (isB2cLarge({ date: d.documentDate, regime: d.regime, supplyKind: d.supplyKind, buyerRegistered: false, invoiceValuePaise: d.grandTotalPaise })) {
        push(b2cl, d.placeOfSupply, { inum: inv.inum, idt: inv.idt, val: inv.val, itms: items(d.lines, true) });
      } else addB2cs(b2cs, d, 1);
    } else {
      const o = d.original;
      const note = { ntty: 'C', nt_num: d.number!, nt_dt: ddmmyyyy(d.documentDate), val: r2(d.grandTotalPaise), pos: d.placeOfSupply };
      if (d.buyerGstin) {
        push(cdnr, d.buyerGstin, { ...note, rchrg: 'N', inv_typ: invTyp(d.supplyKind), itms: items(d.lines, inter) });
      } else if (o && isExport(o.supplyKind)) {
        cdnur.push({ typ: o.supplyKind === 'export-with-payment' ? 'EXPWP' : 'EXPWOP', ...note, itms: items(d.lines, true) });
      } else if (o && isB2cLarge({ date: o.documentDate, regime: o.regime, supplyKind: o.supplyKind, buyerRegistered: false, invoiceValuePaise: o.grandTotalPaise })) {
        cdnur.push({ typ: 'B2CL', ...note, itms: items(d.lines, true) });
      } else addB2cs(b2cs, d, -1); // a small consumer sale's credit note is netted in B2CS
    }
  }

  return {
    gstin, fp, version: 'GST3.2.1', hash: 'hash',
    b2b: [...b2b.entries()].map(([ctin, inv]) => ({ ctin, inv })),
    b2cl: [...b2cl.entries()].map(([pos, inv]) => ({ pos, inv })),
    b2cs: [...b2cs.values()].map((r) => ({ ...r, txval: r2(r.txval), csamt: r2(r.csamt), ...(r.iamt !== undefined ? { iamt: r2(r.iamt) } : { camt: r2(r.camt!), samt: r2(r.samt!) }) })),
    cdnr: [...cdnr.entries()].map(([ctin, nt]) => ({ ctin, nt })),
    cdnur,
    exp: [...exp.entries()].map(([exp_typ, inv]) => ({ exp_typ, inv })),
    hsn: { data: [...hsn.values()].map((h, i) => ({ num: i + 1, ...h, qty: h.qty / 1000, txval: r2(h.txval), iamt: r2(h.iamt), camt: r2(h.camt), samt: r2(h.samt), csamt: r2(h.csamt) })) },
    doc_issue: { doc_det: docIssue(docs) },
  };
}

function addB2cs(b2cs: Map<string, { sply_ty: string; pos: string; typ: string; rt: number; txval: number; iamt?: number; camt?: number; samt?: number; csamt: number }>, d: ReturnDocument, sign: 1 | -1) {
  const inter = interStateOf(d);
  for (const l of d.lines) {
    const key = `${inter ? 'INTER' : 'INTRA'}|${d.placeOfSupply}|${l.rateBps}`;
    const row = b2cs.get(key) ?? { sply_ty: inter ? 'INTER' : 'INTRA', pos: d.placeOfSupply, typ: 'OE', rt: l.rateBps / 100, txval: 0, csamt: 0, ...(inter ? { iamt: 0 } : { camt: 0, samt: 0 }) };
    row.txval += sign * l.taxablePaise;
    row.csamt += sign * l.cessPaise;
    if (inter) row.iamt! += sign * l.igstPaise;
    else { row.camt! += sign * l.cgstPaise; row.samt! += sign * (l.sgstPaise + l.utgstPaise); }
    b2cs.set(key, row);
  }
}

/** One nature of document in table 13 and its series. */
export interface DocDet { doc_num: number; docs: { num: number; from: string; to: string; totnum: number; cancel: number; net_issue: number }[] }

/** Table 13's natures of document by their `doc_num` (the portal's numbering; 1 and 5 are the ones made here). */
export const documentNatures: Record<number, string> = { 1: 'Invoices for outward supply', 5: 'Credit Note' };

/**
 * Table 13: per series, the first and last number of the month, how many, how many cancelled. The
 * portal's shape is `doc_det: [{ doc_num, docs: [{ num, from, to, totnum, cancel, net_issue }] }]`:
 * the nature is named by `doc_num` alone (GSTN's save payload and the offline tool carry no `doc_typ`).
 */
function docIssue(docs: readonly ReturnDocument[]): DocDet[] {
  const kinds = [{ type: 'invoice', doc_num: 1 }, { type: 'credit_note', doc_num: 5 }] as const;
  return kinds.map((k) => {
    const bySeries = new Map<string, ReturnDocument[]>();
    for (const d of docs) if (d.documentType === k.type && d.number !== null) push(bySeries, d.seriesId, d);
    const rows = [...bySeries.values()].map((ds, i) => {
      const sorted = [...ds].sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0));
      const cancel = ds.filter((d) => d.status === 'cancelled').length;
      return { num: i + 1, from: sorted[0]!.number!, to: sorted.at(-1)!.number!, totnum: ds.length, cancel, net_issue: ds.length - cancel };
    });
    return { doc_num: k.doc_num, docs: rows };
  }).filter((k) => k.docs.length > 0);
}

export interface Gstr3b {
  ret_period: string;
  sup_details: {
    osup_det: { txval: number; iamt: number; camt: number; samt: number; csamt: number };
    osup_zero: { txval: number; iamt: number; csamt: number };
    osup_nil_exmp: { txval: number };
  };
}

/** GSTR-3B table 3.1: (a) taxable outward supplies, (b) zero-rated (exports, SEZ), (c) nil-rated; credit notes subtract. */
export function buildGstr3b(fp: string, docs: readonly ReturnDocument[]): Gstr3b {
  const a = { txval: 0, iamt: 0, camt: 0, samt: 0, csamt: 0 };
  const b = { txval: 0, iamt: 0, csamt: 0 };
  const c = { txval: 0 };
  for (const d of docs) {
    if (!live(d)) continue;
    const sign = d.documentType === 'credit_note' ? -1 : 1;
    const zero = d.supplyKind !== 'regular';
    for (const l of d.lines) {
      if (zero) { b.txval += sign * l.taxablePaise; b.iamt += sign * l.igstPaise; b.csamt += sign * l.cessPaise; }
      else if (l.rateBps === 0) c.txval += sign * l.taxablePaise;
      else { a.txval += sign * l.taxablePaise; a.iamt += sign * l.igstPaise; a.camt += sign * l.cgstPaise; a.samt += sign * (l.sgstPaise + l.utgstPaise); a.csamt += sign * l.cessPaise; }
    }
  }
  const rupees = <T extends Record<string, number>>(o: T) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, r2(v)])) as T;
  return { ret_period: fp, sup_details: { osup_det: rupees(a), osup_zero: rupees(b), osup_nil_exmp: rupees(c) } };
}
