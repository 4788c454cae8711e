import ExcelJS from 'exceljs';
import { PDFParse } from 'pdf-parse';
import { beforeAll, describe, expect, it } from 'vitest';
import { ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';

/**
 * INV-2 and INV-4 over a second hand-built month, August 2025, for a Karnataka business: what June
 * 2026 (returns.test.ts) does not hold — cess on an old 28 % invoice, supplies to an SEZ unit with and
 * without payment of IGST, an export with payment, credit notes on an export and on a B2C-large
 * invoice (cdnur), and the B2C-large threshold that follows the invoice date (July 2024 against
 * August 2025). Every expected figure is worked out by hand in the comments.
 */
let server: TestServer;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
const api = (path: string) => `/api/workspaces/${owner.workspaceId}/invoicing${path}`;
const SUPPLIER = '29AAGCB7383J1Z4';
const PUNE = '27AAPFU0939F1ZV';
/** An SEZ unit in Bengaluru (check character worked out by the GSTN mod-36 rule). */
const SEZ_UNIT = '29AABCS1234A1ZX';
let invoiceSeries: string;
let creditSeries: string;
const issued: Record<string, { id: string; number: string; version: number; grandTotalPaise: number }> = {};

async function issue(key: string, body: object) {
  const draft = await owner.client.post(api('/documents'), { documentType: 'invoice', seriesId: invoiceSeries, ...body });
  expect(draft.statusCode, draft.body).toBe(201);
  const res = await owner.client.post(api(`/documents/${draft.json().id}/issue`), { version: draft.json().version });
  expect(res.statusCode, res.body).toBe(200);
  issued[key] = res.json();
  return res.json();
}
async function credit(key: string, of: string, body: object) {
  const draft = await owner.client.post(api('/documents'), { documentType: 'credit_note', seriesId: creditSeries, originalDocumentId: issued[of]!.id, ...body });
  expect(draft.statusCode, draft.body).toBe(201);
  const res = await owner.client.post(api(`/documents/${draft.json().id}/issue`), { version: draft.json().version });
  expect(res.statusCode, res.body).toBe(200);
  issued[key] = res.json();
}
const line = (hsn: string, quantityMilli: number, unitPricePaise: number, rateBps: number, extra: object = {}) =>
  ({ description: `Item ${hsn}`, hsn, uqc: 'NOS', quantityMilli, unitPricePaise, rateBps, ...extra });
const n = (key: string) => issued[key]!.number;

beforeAll(async () => {
  server = await startTestServer();
  owner = await ownerWithWorkspace(server, 'Bengaluru Motors');
  expect((await owner.client.request('PUT', api('/settings'), { legalName: 'Bengaluru Motors Pvt Ltd', gstin: SUPPLIER })).statusCode).toBe(200);
  invoiceSeries = (await owner.client.post(api('/series'), { documentType: 'invoice', prefix: 'BM', digits: 4 })).json().id;
  creditSeries = (await owner.client.post(api('/series'), { documentType: 'credit_note', prefix: 'BMC', digits: 4 })).json().id;

  // July 2024: ₹1,50,000 @ 18 % to an unregistered buyer in Tamil Nadu → IGST ₹27,000, ₹1,77,000: under ₹2.5 lakh then, so B2CS.
  await issue('july2024', { documentDate: '2024-07-15', buyerName: 'Chennai Retail', buyerStateCode: '33', lines: [line('8471', 1000, 1_50_000_00, 1800)] });
  // August 2025, in date order:
  // 5th: the same sale → ₹1,77,000 over ₹1 lakh, so B2C large.
  await issue('b2cl', { documentDate: '2025-08-05', buyerName: 'Chennai Retail', buyerStateCode: '33', lines: [line('8471', 1000, 1_50_000_00, 1800)] });
  // 10th: a car to Pune at 28 % + 22 % cess (before 22 Sep 2025): ₹10,00,000 → IGST ₹2,80,000, cess ₹2,20,000, ₹15,00,000.
  await issue('car', { documentDate: '2025-08-10', buyerName: 'Pune Distributors', buyerGstin: PUNE, lines: [line('8703', 1000, 10_00_000_00, 2800, { cessBps: 2200 })] });
  // 12th: to the SEZ unit in Bengaluru. With payment: IGST though the same state, 10 × ₹1,000 → ₹10,000 + ₹1,800 = ₹11,800.
  await issue('sezPay', { documentDate: '2025-08-12', buyerName: 'Bengaluru SEZ Unit', buyerGstin: SEZ_UNIT, supplyKind: 'sez-with-payment', lines: [line('8471', 10_000, 1_000_00, 1800)] });
  // ... and under LUT, without payment: ₹5,000, no tax.
  await issue('sezNoPay', { documentDate: '2025-08-12', buyerName: 'Bengaluru SEZ Unit', buyerGstin: SEZ_UNIT, supplyKind: 'sez-without-payment', lines: [line('8471', 1000, 5_000_00, 1800)] });
  // 14th: an export with payment of IGST: ₹2,00,000 → IGST ₹36,000, ₹2,36,000.
  await issue('export', { documentDate: '2025-08-14', buyerName: 'Dubai Traders LLC', supplyKind: 'export-with-payment', lines: [line('8471', 1000, 2_00_000_00, 1800)] });
  // 20th: a credit note on the export, ₹50,000 → IGST ₹9,000, ₹59,000 (cdnur EXPWP).
  await credit('cnExport', 'export', { documentDate: '2025-08-20', buyerName: 'Dubai Traders LLC', supplyKind: 'export-with-payment', lines: [line('8471', 1000, 50_000_00, 1800)] });
  // 21st: a credit note on the B2C-large invoice, ₹50,000 → ₹59,000 (cdnur B2CL, place of supply 33).
  await credit('cnB2cl', 'b2cl', { documentDate: '2025-08-21', buyerName: 'Chennai Retail', buyerStateCode: '33', lines: [line('8471', 1000, 50_000_00, 1800)] });
}, 300_000);

describe('INV-4 GSTR-1 for August 2025: cess, SEZ, export with payment, cdnur', () => {
  it('INV-2 SEZ and exports are IGST whatever the state; with payment IGST is charged, under LUT it is not', async () => {
    const get = async (k: string) => (await owner.client.get(api(`/documents/${issued[k]!.id}`))).json();
    expect(await get('sezPay')).toMatchObject({ placeOfSupply: '29', regime: 'igst', igstPaise: 1_800_00, cgstPaise: 0, grandTotalPaise: 11_800_00 });
    expect(await get('sezNoPay')).toMatchObject({ placeOfSupply: '29', regime: 'zero-rated', igstPaise: 0, grandTotalPaise: 5_000_00 });
    expect(await get('export')).toMatchObject({ placeOfSupply: '96', regime: 'igst', igstPaise: 36_000_00, grandTotalPaise: 2_36_000_00 });
    expect(await get('car')).toMatchObject({ regime: 'igst', igstPaise: 2_80_000_00, cessPaise: 2_20_000_00, grandTotalPaise: 15_00_000_00 });
  });

  it('INV-4 GSTR-1 JSON matches the hand-built file: cess in csamt, SEZ as SEWP/SEWOP, exp WPAY, cdnur EXPWP and B2CL, HSN and documents', async () => {
    const res = await owner.client.get(api('/returns/gstr1?month=2025-08'));
    expect(res.statusCode, res.body).toBe(200);
    const g = res.json();
    expect(g).toMatchObject({ gstin: SUPPLIER, fp: '082025' });
    expect(g.b2b).toEqual([
      { ctin: PUNE, inv: [{ inum: n('car'), idt: '10-08-2025', val: 1500000, pos: '27', rchrg: 'N', inv_typ: 'R', itms: [{ num: 1, itm_det: { txval: 1000000, rt: 28, iamt: 280000, csamt: 220000 } }] }] },
      { ctin: SEZ_UNIT, inv: [
        { inum: n('sezPay'), idt: '12-08-2025', val: 11800, pos: '29', rchrg: 'N', inv_typ: 'SEWP', itms: [{ num: 1, itm_det: { txval: 10000, rt: 18, iamt: 1800, csamt: 0 } }] },
        { inum: n('sezNoPay'), idt: '12-08-2025', val: 5000, pos: '29', rchrg: 'N', inv_typ: 'SEWOP', itms: [{ num: 1, itm_det: { txval: 5000, rt: 18, iamt: 0, csamt: 0 } }] },
      ] },
    ]);
    expect(g.b2cl).toEqual([{ pos: '33', inv: [{ inum: n('b2cl'), idt: '05-08-2025', val: 177000, itms: [{ num: 1, itm_det: { txval: 150000, rt: 18, iamt: 27000, csamt: 0 } }] }] }]);
    // The B2C-large credit note is reported in cdnur, not netted into B2CS: nothing is left there.
    expect(g.b2cs).toEqual([]);
    expect(g.exp).toEqual([{ exp_typ: 'WPAY', inv: [{ inum: n('export'), idt: '14-08-2025', val: 236000, itms: [{ txval: 200000, rt: 18, iamt: 36000, csamt: 0 }] }] }]);
    expect(g.cdnr).toEqual([]);
    expect(g.cdnur).toEqual([
      { typ: 'EXPWP', ntty: 'C', nt_num: n('cnExport'), nt_dt: '20-08-2025', val: 59000, pos: '96', itms: [{ num: 1, itm_det: { txval: 50000, rt: 18, iamt: 9000, csamt: 0 } }] },
      { typ: 'B2CL', ntty: 'C', nt_num: n('cnB2cl'), nt_dt: '21-08-2025', val: 59000, pos: '33', itms: [{ num: 1, itm_det: { txval: 50000, rt: 18, iamt: 9000, csamt: 0 } }] },
    ]);
    // HSN 8471: quantity 1 + 10 + 1 + 1 − 1 − 1 = 11; taxable 1,50,000 + 10,000 + 5,000 + 2,00,000 − 50,000 − 50,000 = 2,65,000;
    // IGST 27,000 + 1,800 + 0 + 36,000 − 9,000 − 9,000 = 46,800. HSN 8703: the car, with its cess.
    expect(g.hsn.data).toEqual([
      { num: 1, hsn_sc: '8471', desc: 'Item 8471', uqc: 'NOS', qty: 11, rt: 18, txval: 265000, iamt: 46800, camt: 0, samt: 0, csamt: 0 },
      { num: 2, hsn_sc: '8703', desc: 'Item 8703', uqc: 'NOS', qty: 1, rt: 28, txval: 1000000, iamt: 280000, camt: 0, samt: 0, csamt: 220000 },
    ]);
    expect(g.doc_issue.doc_det).toEqual([
      { doc_num: 1, docs: [{ num: 1, from: n('b2cl'), to: n('export'), totnum: 5, cancel: 0, net_issue: 5 }] },
      { doc_num: 5, docs: [{ num: 1, from: n('cnExport'), to: n('cnB2cl'), totnum: 2, cancel: 0, net_issue: 2 }] },
    ]);
    expect(n('b2cl')).toBe('BM/2025-26/0001');
  });

  it('INV-4 the spreadsheet carries the cdnur notes and the cess', async () => {
    const res = await owner.client.get(api('/returns/gstr1?month=2025-08&format=xlsx'));
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const cdnur = wb.getWorksheet('cdnur')!;
    expect(cdnur.getRow(2).values).toContain(n('cnExport'));
    expect(cdnur.getRow(2).values).toContain('EXPWP');
    expect(cdnur.getRow(3).values).toContain(n('cnB2cl'));
    expect(wb.getWorksheet('b2b')!.getSheetValues().flat()).toContain(220000);
  });

  it('INV-2 B2C large follows the invoice date in GSTR-1: ₹1,77,000 was B2CS in July 2024', async () => {
    const g = (await owner.client.get(api('/returns/gstr1?month=2024-07'))).json();
    expect(g.b2cl).toEqual([]);
    expect(g.b2cs).toEqual([{ sply_ty: 'INTER', pos: '33', typ: 'OE', rt: 18, txval: 150000, iamt: 27000, csamt: 0 }]);
    expect(n('july2024')).toBe('BM/2024-25/0001');
  });

  it('INV-4 GSTR-3B 3.1 for August 2025: cess in (a), SEZ and exports zero-rated in (b), credit notes subtracted', async () => {
    const res = await owner.client.get(api('/returns/gstr3b?month=2025-08'));
    expect(res.statusCode, res.body).toBe(200);
    // (a) 1,50,000 + 10,00,000 − 50,000 = 11,00,000; IGST 27,000 + 2,80,000 − 9,000 = 2,98,000; cess 2,20,000.
    // (b) 10,000 + 5,000 + 2,00,000 − 50,000 = 1,65,000; IGST 1,800 + 0 + 36,000 − 9,000 = 28,800.
    expect(res.json().sup_details).toMatchObject({
      osup_det: { txval: 1100000, iamt: 298000, camt: 0, samt: 0, csamt: 220000 },
      osup_zero: { txval: 165000, iamt: 28800, csamt: 0 },
      osup_nil_exmp: { txval: 0 },
    });
  });

  it('INV-1 INV-2 a product with cess carries it onto its invoice lines and the PDF prints it', async () => {
    const p = await owner.client.post(api('/products'), { sku: 'TOB-1', name: 'Chewing tobacco 100 g', hsn: '2403', uqc: 'NOS', pricePaise: 200_00, rateBps: 4000, cessBps: 1000 });
    expect(p.statusCode, p.body).toBe(201);
    expect(p.json()).toMatchObject({ cessBps: 1000 });
    expect((await owner.client.post(api(`/products/${p.json().id}/stock-movements`), { kind: 'purchase', quantityMilli: 10_000 })).statusCode).toBe(201);
    // 3 × ₹200 = ₹600 at 40 % + 10 % cess, in Karnataka: CGST = SGST = ₹120, cess ₹60, ₹900.
    const draft = await owner.client.post(api('/documents'), { documentType: 'invoice', seriesId: invoiceSeries, documentDate: '2026-06-10', buyerName: 'Walk-in', lines: [{ productId: p.json().id, quantityMilli: 3000 }] });
    expect(draft.statusCode, draft.body).toBe(201);
    expect(draft.json()).toMatchObject({ regime: 'cgst-sgst', taxablePaise: 600_00, cgstPaise: 120_00, sgstPaise: 120_00, cessPaise: 60_00, grandTotalPaise: 900_00 });
    expect(draft.json().lines[0]).toMatchObject({ cessBps: 1000, cessPaise: 60_00 });
    const issuedDoc = await owner.client.post(api(`/documents/${draft.json().id}/issue`), { version: draft.json().version });
    expect(issuedDoc.statusCode, issuedDoc.body).toBe(200);
    const pdf = await owner.client.get(api(`/documents/${issuedDoc.json().id}/pdf`));
    expect(pdf.statusCode).toBe(200);
    const text = (await new PDFParse({ data: new Uint8Array(pdf.rawPayload) }).getText()).text;
    expect(text).toContain('Cess');
    expect(text).toContain('60.00');
    const bad = await owner.client.post(api('/products'), { sku: 'TOB-2', name: 'x', hsn: '2403', uqc: 'NOS', pricePaise: 1, rateBps: 4000, cessBps: 60000 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields).toHaveProperty('cessBps');
  });
});
