import { simpleParser } from 'mailparser';
import { PDFParse } from 'pdf-parse';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { lowStockJob } from './low-stock.job';

/**
 * INV-2 (PDF, email) and INV-4 (GSTR-1, GSTR-3B, reports) over one hand-built month: June 2026 for
 * a Karnataka business. Every expected figure below is worked out by hand in the comments.
 */
let server: TestServer;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
const api = (path: string) => `/api/workspaces/${owner.workspaceId}/invoicing${path}`;
const SUPPLIER = '29AAGCB7383J1Z4';
const PUNE = '27AAPFU0939F1ZV';
let invoiceSeries: string;
let creditSeries: string;
const issued: Record<string, { id: string; number: string; version: number }> = {};

async function issue(key: string, body: object, date = '2026-06-15') {
  const draft = await owner.client.post(api('/documents'), { documentType: 'invoice', seriesId: invoiceSeries, documentDate: date, ...body });
  expect(draft.statusCode, draft.body).toBe(201);
  const res = await owner.client.post(api(`/documents/${draft.json().id}/issue`), { version: draft.json().version });
  expect(res.statusCode, res.body).toBe(200);
  issued[key] = res.json();
  return res.json();
}
const line = (hsn: string, uqc: string, quantityMilli: number, unitPricePaise: number, rateBps: number, extra: object = {}) =>
  ({ description: `Item ${hsn}`, hsn, uqc, quantityMilli, unitPricePaise, rateBps, ...extra });
const pdfText = async (data: Buffer) => (await new PDFParse({ data: new Uint8Array(data) }).getText()).text;

beforeAll(async () => {
  server = await startTestServer();
  owner = await ownerWithWorkspace(server, 'Bengaluru Traders');
  expect((await owner.client.request('PUT', api('/settings'), { legalName: 'Bengaluru Traders Pvt Ltd', gstin: SUPPLIER })).statusCode).toBe(200);
  invoiceSeries = (await owner.client.post(api('/series'), { documentType: 'invoice', prefix: 'INV', digits: 4 })).json().id;
  creditSeries = (await owner.client.post(api('/series'), { documentType: 'credit_note', prefix: 'CN', digits: 4 })).json().id;

  // 1 B2B to Pune: 2 × ₹1,250 less 10 % = ₹2,250 taxable; IGST 18 % ₹405; total ₹2,655.
  await issue('b2b', { buyerName: 'Pune Distributors', buyerGstin: PUNE, dueDate: '2026-06-30', lines: [line('8471', 'NOS', 2000, 1_250_00, 1800, { discount: { kind: 'percent', bps: 1000 } })] });
  // 2 walk-in in Bengaluru: ₹999.99 @ 18 % → CGST 90.00 (8999.91 paise → 9000), SGST 90.00; 1.5 kg × ₹400 @ 5 % → ₹600, CGST 15, SGST 15.
  //   taxable 159999, tax 21000, exact 180999 → ₹1,810, round-off +1 paisa.
  await issue('walkin', { buyerName: 'Walk-in', lines: [line('998314', 'OTH', 1000, 999_99, 1800), line('0902', 'KGS', 1500, 400_00, 500)] });
  // 3 B2C large: unregistered buyer in Tamil Nadu, ₹1,00,000 @ 18 % IGST → ₹1,18,000 > ₹1 lakh.
  await issue('b2cl', { buyerName: 'Chennai Retail', buyerStateCode: '33', lines: [line('8471', 'NOS', 1000, 1_00_000_00, 1800)] });
  // 4 small B2C to Tamil Nadu: ₹1,000 @ 18 % (IGST 180) and nil-rated milk ₹50 @ 0 % → ₹1,230.
  await issue('b2cs', { buyerName: 'Chennai Walk-in', buyerStateCode: '33', lines: [line('8471', 'NOS', 1000, 1_000_00, 1800), line('0401', 'LTR', 1000, 50_00, 0)] });
  // 5 export of services under LUT: ₹50,000, no tax.
  await issue('export', { buyerName: 'Acme Exports LLC', supplyKind: 'export-without-payment', lines: [line('998314', 'OTH', 1000, 50_000_00, 1800)] });
  // 6 issued and cancelled: only counted in the document summary.
  const voided = await issue('cancelled', { buyerName: 'Mistake', lines: [line('8471', 'NOS', 1000, 10_00, 1800)] });
  expect((await owner.client.post(api(`/documents/${voided.id}/cancel`), { version: voided.version })).statusCode).toBe(200);
  // July: outside the period.
  await issue('july', { buyerName: 'Walk-in', lines: [line('8471', 'NOS', 1000, 100_00, 1800)] }, '2026-07-01');
  // Credit note to Pune: 1 × ₹1,250 less 10 % = ₹1,125; IGST ₹202.50; ₹1,327.50 → ₹1,328 (50 paise round up).
  const cn = await owner.client.post(api('/documents'), { documentType: 'credit_note', seriesId: creditSeries, documentDate: '2026-06-20', originalDocumentId: issued.b2b!.id, buyerName: 'Pune Distributors', buyerGstin: PUNE, lines: [line('8471', 'NOS', 1000, 1_250_00, 1800, { discount: { kind: 'percent', bps: 1000 } })] });
  expect(cn.statusCode, cn.body).toBe(201);
  const cnIssued = await owner.client.post(api(`/documents/${cn.json().id}/issue`), { version: cn.json().version });
  issued.cn = cnIssued.json();
  // A draft is in no return.
  await owner.client.post(api('/documents'), { documentType: 'invoice', seriesId: invoiceSeries, documentDate: '2026-06-16', buyerName: 'Draft', lines: [line('8471', 'NOS', 1000, 5_00, 1800)] });
  // ₹1,000 paid on the B2B invoice.
  expect((await owner.client.post(api(`/documents/${issued.b2b!.id}/payments`), { method: 'upi', amountPaise: 1_000_00, paidOn: '2026-06-25' })).statusCode).toBe(201);
}, 300_000);

describe('INV-2 the invoice PDF and sending it', () => {
  it('INV-2 the PDF carries both GSTINs, number, date, place of supply, HSN, taxable value, IGST, total in words, reverse charge and a signature line', async () => {
    const res = await owner.client.get(api(`/documents/${issued.b2b!.id}/pdf`));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain('.pdf');
    const text = await pdfText(res.rawPayload);
    for (const expected of ['TAX INVOICE', SUPPLIER, PUNE, issued.b2b!.number, '15-06-2026', '30-06-2026', 'Maharashtra (27)', 'Karnataka (29)', '8471', 'Reverse charge', 'No',
      '2,250.00', '405.00', 'Rs. 2,655.00', 'Rupees Two Thousand Six Hundred Fifty Five Only', 'Authorised signatory', 'Bengaluru Traders Pvt Ltd']) {
      expect(text, expected).toContain(expected);
    }
    expect(text).not.toContain('CGST');
  });

  it('INV-2 a Bengaluru walk-in sale prints CGST and SGST with the round-off; a credit note names its invoice', async () => {
    const walkin = await pdfText((await owner.client.get(api(`/documents/${issued.walkin!.id}/pdf`))).rawPayload);
    for (const expected of ['CGST', 'SGST', '90.00', '15.00', 'Rs. 1,810.00', 'Rs. 0.01', 'Unregistered', 'Rupees One Thousand Eight Hundred Ten Only']) expect(walkin, expected).toContain(expected);
    const credit = await pdfText((await owner.client.get(api(`/documents/${issued.cn!.id}/pdf`))).rawPayload);
    expect(credit).toContain('CREDIT NOTE');
    expect(credit).toContain(`${issued.b2b!.number} dated 15-06-2026`);
    expect(credit).toContain('Rs. 1,328.00');
  });

  it('INV-2 sending by email queues the mail with the PDF attached; it arrives over SMTP and the invoice is sent', async () => {
    const res = await owner.client.post(api(`/documents/${issued.b2cl!.id}/send`), { to: 'accounts@chennai-retail.example' });
    expect(res.statusCode, res.body).toBe(202);
    const mail = await server.smtp.waitForMail('accounts@chennai-retail.example');
    expect(mail.subject).toContain(issued.b2cl!.number);
    const parsed = await simpleParser(mail.raw);
    const pdf = parsed.attachments.find((a) => a.contentType === 'application/pdf');
    expect(pdf?.filename).toMatch(/\.pdf$/);
    const text = await pdfText(pdf!.content);
    expect(text).toContain(issued.b2cl!.number);
    expect(text).toContain('Rs. 1,18,000.00');
    expect((await owner.client.get(api(`/documents/${issued.b2cl!.id}`))).json().status).toBe('sent');

    const draft = (await owner.client.get(api('/documents?status=draft'))).json().items[0];
    const refused = await owner.client.post(api(`/documents/${draft.id}/send`), { to: 'x@example.com' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.details).toMatchObject({ field: 'status' });
    const bad = await owner.client.post(api(`/documents/${issued.b2b!.id}/send`), { to: 'not an address' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields).toHaveProperty('to');
  });
});

describe('INV-4 GST returns for June 2026', () => {
  it('INV-4 GSTR-1 JSON matches the hand-built file: b2b, b2cl, b2cs, cdnr, exp, hsn and doc_issue in GSTN\'s shape (doc_num and docs only)', async () => {
    const res = await owner.client.get(api('/returns/gstr1?month=2026-06'));
    expect(res.statusCode, res.body).toBe(200);
    const g = res.json();
    const n = (k: string) => issued[k]!.number;
    expect(g).toMatchObject({ gstin: SUPPLIER, fp: '062026' });
    expect(g.b2b).toEqual([{ ctin: PUNE, inv: [{ inum: n('b2b'), idt: '15-06-2026', val: 2655, pos: '27', rchrg: 'N', inv_typ: 'R', itms: [{ num: 1, itm_det: { txval: 2250, rt: 18, iamt: 405, csamt: 0 } }] }] }]);
    expect(g.b2cl).toEqual([{ pos: '33', inv: [{ inum: n('b2cl'), idt: '15-06-2026', val: 118000, itms: [{ num: 1, itm_det: { txval: 100000, rt: 18, iamt: 18000, csamt: 0 } }] }] }]);
    expect(g.b2cs).toEqual([
      { sply_ty: 'INTRA', pos: '29', typ: 'OE', rt: 18, txval: 999.99, camt: 90, samt: 90, csamt: 0 },
      { sply_ty: 'INTRA', pos: '29', typ: 'OE', rt: 5, txval: 600, camt: 15, samt: 15, csamt: 0 },
      { sply_ty: 'INTER', pos: '33', typ: 'OE', rt: 18, txval: 1000, iamt: 180, csamt: 0 },
      { sply_ty: 'INTER', pos: '33', typ: 'OE', rt: 0, txval: 50, iamt: 0, csamt: 0 },
    ]);
    expect(g.exp).toEqual([{ exp_typ: 'WOPAY', inv: [{ inum: n('export'), idt: '15-06-2026', val: 50000, itms: [{ txval: 50000, rt: 18, iamt: 0, csamt: 0 }] }] }]);
    expect(g.cdnr).toEqual([{ ctin: PUNE, nt: [{ ntty: 'C', nt_num: n('cn'), nt_dt: '20-06-2026', val: 1328, pos: '27', rchrg: 'N', inv_typ: 'R', itms: [{ num: 1, itm_det: { txval: 1125, rt: 18, iamt: 202.5, csamt: 0 } }] }] }]);
    expect(g.cdnur).toEqual([]);
    // HSN: 8471 = 2 + 1 + 1 − 1 units; ₹2,250 + ₹1,00,000 + ₹1,000 − ₹1,125 = ₹1,02,125; IGST 405 + 18,000 + 180 − 202.50 = ₹18,382.50.
    const hsn = [...g.hsn.data].sort((a: { hsn_sc: string }, b: { hsn_sc: string }) => a.hsn_sc.localeCompare(b.hsn_sc));
    expect(hsn.map(({ num: _, desc: __, ...h }: Record<string, unknown>) => h)).toEqual([
      { hsn_sc: '0401', uqc: 'LTR', qty: 1, rt: 0, txval: 50, iamt: 0, camt: 0, samt: 0, csamt: 0 },
      { hsn_sc: '0902', uqc: 'KGS', qty: 1.5, rt: 5, txval: 600, iamt: 0, camt: 15, samt: 15, csamt: 0 },
      { hsn_sc: '8471', uqc: 'NOS', qty: 3, rt: 18, txval: 102125, iamt: 18382.5, camt: 0, samt: 0, csamt: 0 },
      { hsn_sc: '998314', uqc: 'OTH', qty: 2, rt: 18, txval: 50999.99, iamt: 0, camt: 90, samt: 90, csamt: 0 },
    ]);
    expect(g.doc_issue.doc_det).toEqual([
      { doc_num: 1, docs: [{ num: 1, from: n('b2b'), to: n('cancelled'), totnum: 6, cancel: 1, net_issue: 5 }] },
      { doc_num: 5, docs: [{ num: 1, from: n('cn'), to: n('cn'), totnum: 1, cancel: 0, net_issue: 1 }] },
    ]);
  });

  it('INV-4 GSTR-1 as a workbook holds the same rows under the offline tool\'s headings', async () => {
    const res = await owner.client.get(api('/returns/gstr1?month=2026-06&format=xlsx'));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['b2b', 'b2cl', 'b2cs', 'cdnr', 'cdnur', 'exp', 'hsn', 'docs']);
    const b2b = wb.getWorksheet('b2b')!;
    expect(b2b.getRow(1).getCell(1).value).toBe('GSTIN/UIN of Recipient');
    expect(b2b.getRow(2).values).toEqual([undefined, PUNE, issued.b2b!.number, '15-06-2026', 2655, '27-Maharashtra', 'N', 'Regular B2B', 18, 2250, 0]);
    expect(wb.getWorksheet('b2cs')!.rowCount).toBe(5);
    expect(wb.getWorksheet('docs')!.getRow(2).values).toEqual([undefined, 'Invoices for outward supply', issued.b2b!.number, issued.cancelled!.number, 6, 1]);
  });

  it('INV-4 GSTR-3B 3.1: taxable supplies net of the credit note, exports zero-rated, milk nil-rated', async () => {
    const res = await owner.client.get(api('/returns/gstr3b?month=2026-06'));
    expect(res.statusCode, res.body).toBe(200);
    // (a) taxable 2,250 + 1,599.99 + 1,00,000 + 1,000 − 1,125 = 1,03,724.99; IGST 405 + 18,000 + 180 − 202.50 = 18,382.50; CGST = SGST = 90 + 15 = 105.
    // Table 4 (input credit) is checked in expenses.test.ts; this month has no expenses.
    expect(res.json().itc_elg.itc_net).toBeDefined();
    expect(res.json()).toMatchObject({
      gstin: SUPPLIER, ret_period: '062026',
      sup_details: { osup_det: { txval: 103724.99, iamt: 18382.5, camt: 105, samt: 105, csamt: 0 }, osup_zero: { txval: 50000, iamt: 0, csamt: 0 }, osup_nil_exmp: { txval: 50 } },
    });
  });

  it('INV-4 a return refuses a month that is not one and a business without a GSTIN', async () => {
    expect((await owner.client.get(api('/returns/gstr1?month=2026-13'))).statusCode).toBe(400);
    const other = await ownerWithWorkspace(server, 'Unregistered Shop');
    await other.client.request('PUT', `/api/workspaces/${other.workspaceId}/invoicing/settings`, { legalName: 'Unregistered Shop', stateCode: '29' });
    const res = await other.client.get(`/api/workspaces/${other.workspaceId}/invoicing/returns/gstr3b?month=2026-06`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.details).toMatchObject({ field: 'gstin' });
  });
});

describe('INV-4 reports', () => {
  it('INV-4 sales by month, receivables ageing and top customers as of 20 July 2026', async () => {
    const res = await owner.client.get(api('/reports?months=3&asOf=2026-07-20'));
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    // June: 2,655 + 1,810 + 1,18,000 + 1,230 + 50,000 − 1,328 (credit note) = ₹1,72,367; taxable 2,250 + 1,599.99 + 1,00,000 + 1,050 + 50,000 − 1,125.
    expect(r.salesByMonth).toEqual([
      { month: '2026-05', taxablePaise: 0, taxPaise: 0, totalPaise: 0, invoices: 0 },
      { month: '2026-06', taxablePaise: 153_774_99, taxPaise: 18_592_50, totalPaise: 172_367_00, invoices: 5 },
      { month: '2026-07', taxablePaise: 100_00, taxPaise: 18_00, totalPaise: 118_00, invoices: 1 },
    ]);
    // 0–30: the B2B invoice (due 30 June, 20 days) with ₹1,655 left, and July's ₹118 (19 days).
    // 31–60: the other four June invoices, no due date, 35 days from 15 June: 1,810 + 1,18,000 + 1,230 + 50,000.
    expect(r.ageing).toEqual([
      { bucket: '0-30', balancePaise: 1_773_00, invoices: 2 },
      { bucket: '31-60', balancePaise: 171_040_00, invoices: 4 },
      { bucket: '61-90', balancePaise: 0, invoices: 0 },
      { bucket: '90+', balancePaise: 0, invoices: 0 },
    ]);
    expect(r.topCustomers.slice(0, 3)).toEqual([
      { name: 'Chennai Retail', companyId: null, taxablePaise: 100_000_00, invoices: 1 },
      { name: 'Acme Exports LLC', companyId: null, taxablePaise: 50_000_00, invoices: 1 },
      { name: 'Walk-in', companyId: null, taxablePaise: 1_699_99, invoices: 2 },
    ]);
  });
});

describe('INV-1 the daily low-stock notice', () => {
  it('INV-1 the daily job mails owners the products at or below their reorder level, and nothing when none is', async () => {
    const shop = await ownerWithWorkspace(server, 'Stock Shop');
    const at = (p: string) => `/api/workspaces/${shop.workspaceId}/invoicing${p}`;
    await shop.client.request('PUT', at('/settings'), { legalName: 'Stock Shop', stateCode: '29' });
    const product = async (sku: string, name: string, stock: number, reorder: number) => {
      const p = (await shop.client.post(at('/products'), { sku, name, hsn: '0902', uqc: 'KGS', pricePaise: 400_00, rateBps: 500, reorderLevelMilli: reorder })).json();
      if (stock) expect((await shop.client.post(at(`/products/${p.id}/stock-movements`), { kind: 'purchase', quantityMilli: stock })).statusCode).toBe(201);
      return p;
    };
    await product('TEA-1', 'Assam tea', 50_000, 10_000);
    await lowStockJob.run({}, server.services);
    const queued = async () => (await server.services.database.system.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM mail_outbox WHERE template = 'invoicing.low_stock'`)).rows[0]!.n;
    expect(await queued()).toBe(0);
    await product('TEA-2', 'Darjeeling tea', 2_500, 10_000);
    await lowStockJob.run({}, server.services);
    const mail = await server.smtp.waitForMail(shop.email, (m) => m.subject.startsWith('Low stock'));
    expect(await queued()).toBe(1);
    expect(mail.subject).toBe('Low stock at Stock Shop: 1 product');
    expect(mail.text).toContain('Darjeeling tea (TEA-2): 2.5 KGS left, reorder level 10');
    expect(mail.text).not.toContain('Assam');
    expect(server.smtp.messages.filter((m) => m.to.includes(shop.email.toLowerCase()) && m.subject.startsWith('Low stock'))).toHaveLength(1);
  });
});
