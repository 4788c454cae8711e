import ExcelJS from 'exceljs';
import { documentNatures, type Gstr1 } from './gst-returns';
import { gstState } from './gst';

type Row = Record<string, unknown>;
const pos = (code: string) => `${code}-${gstState(code)?.name ?? ''}`;

/**
 * INV-4: GSTR-1 as the workbook an accountant expects: one sheet per section with the column
 * headings of the GSTN offline tool's Excel template, from the same figures as the JSON.
 */
export async function gstr1Workbook(g: Gstr1): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = (name: string, headers: string[], rows: unknown[][]) => {
    const ws = wb.addWorksheet(name);
    ws.addRow(headers).font = { bold: true };
    for (const r of rows) ws.addRow(r);
    ws.columns.forEach((c) => { c.width = 18; });
  };
  const itemRows = (det: Row) => [det.rt, det.txval, det.csamt];
  sheet('b2b', ['GSTIN/UIN of Recipient', 'Invoice Number', 'Invoice date', 'Invoice Value', 'Place Of Supply', 'Reverse Charge', 'Invoice Type', 'Rate', 'Taxable Value', 'Cess Amount'],
    (g.b2b as { ctin: string; inv: Row[] }[]).flatMap((b) => b.inv.flatMap((i) => (i.itms as { itm_det: Row }[]).map((it) => [b.ctin, i.inum, i.idt, i.val, pos(i.pos as string), i.rchrg, i.inv_typ === 'R' ? 'Regular B2B' : i.inv_typ, ...itemRows(it.itm_det)]))));
  sheet('b2cl', ['Invoice Number', 'Invoice date', 'Invoice Value', 'Place Of Supply', 'Rate', 'Taxable Value', 'Cess Amount'],
    (g.b2cl as { pos: string; inv: Row[] }[]).flatMap((b) => b.inv.flatMap((i) => (i.itms as { itm_det: Row }[]).map((it) => [i.inum, i.idt, i.val, pos(b.pos), ...itemRows(it.itm_det)]))));
  sheet('b2cs', ['Type', 'Place Of Supply', 'Rate', 'Taxable Value', 'Cess Amount'], (g.b2cs as Row[]).map((r) => [r.typ, pos(r.pos as string), r.rt, r.txval, r.csamt]));
  sheet('cdnr', ['GSTIN/UIN of Recipient', 'Note Number', 'Note Date', 'Note Type', 'Place Of Supply', 'Reverse Charge', 'Note Supply Type', 'Note Value', 'Rate', 'Taxable Value', 'Cess Amount'],
    (g.cdnr as { ctin: string; nt: Row[] }[]).flatMap((c) => c.nt.flatMap((n) => (n.itms as { itm_det: Row }[]).map((it) => [c.ctin, n.nt_num, n.nt_dt, n.ntty, pos(n.pos as string), n.rchrg, 'Regular B2B', n.val, ...itemRows(it.itm_det)]))));
  sheet('cdnur', ['UR Type', 'Note Number', 'Note Date', 'Note Type', 'Place Of Supply', 'Note Value', 'Rate', 'Taxable Value', 'Cess Amount'],
    (g.cdnur as Row[]).flatMap((n) => (n.itms as { itm_det: Row }[]).map((it) => [n.typ, n.nt_num, n.nt_dt, n.ntty, pos(n.pos as string), n.val, ...itemRows(it.itm_det)])));
  sheet('exp', ['Export Type', 'Invoice Number', 'Invoice date', 'Invoice Value', 'Rate', 'Taxable Value', 'Cess Amount'],
    (g.exp as { exp_typ: string; inv: Row[] }[]).flatMap((e) => e.inv.flatMap((i) => (i.itms as Row[]).map((it) => [e.exp_typ, i.inum, i.idt, i.val, it.rt, it.txval, it.csamt]))));
  sheet('hsn', ['HSN', 'Description', 'UQC', 'Total Quantity', 'Total Value', 'Rate', 'Taxable Value', 'Integrated Tax Amount', 'Central Tax Amount', 'State/UT Tax Amount', 'Cess Amount'],
    (g.hsn.data as Row[]).map((h) => [h.hsn_sc, h.desc, h.uqc, h.qty, Math.round(((h.txval as number) + (h.iamt as number) + (h.camt as number) + (h.samt as number) + (h.csamt as number)) * 100) / 100, h.rt, h.txval, h.iamt, h.camt, h.samt, h.csamt]));
  sheet('docs', ['Nature of Document', 'Sr. No. From', 'Sr. No. To', 'Total Number', 'Cancelled'],
    g.doc_issue.doc_det.flatMap((d) => d.docs.map((x) => [documentNatures[d.doc_num] ?? String(d.doc_num), x.from, x.to, x.totnum, x.cancel])));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
