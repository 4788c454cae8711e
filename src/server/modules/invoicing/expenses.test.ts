import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';

let server: TestServer;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let staff: Awaited<ReturnType<typeof addMember>>;
let series: string;
const api = (path: string) => `/api/workspaces/${owner.workspaceId}/invoicing${path}`;

beforeAll(async () => {
  server = await startTestServer();
  owner = await ownerWithWorkspace(server, 'Belagavi Hardware');
  staff = await addMember(server, owner, 'staff');
  expect((await owner.client.request('PUT', api('/settings'), { legalName: 'Belagavi Hardware', gstin: '29AAGCB7383J1Z4' })).statusCode).toBe(200);
  series = (await owner.client.post(api('/series'), { documentType: 'invoice', prefix: 'EXP', digits: 4 })).json().id;
}, 300_000);

const profitOf = async (month: string) => (await owner.client.get(api(`/reports?months=1&asOf=${month}-28`))).json().profitByMonth[0];

describe('INV-3 INV-4 expenses and profit', () => {
  it('INV-1 INV-3 INV-4 a purchase sets the cost price; profit is sales less the cost of goods sold less expenses (GST not claimed as credit is a cost)', async () => {
    const product = (await owner.client.post(api('/products'), { sku: 'DRILL-1', name: 'Drill', hsn: '8467', uqc: 'NOS', pricePaise: 1_000_00, rateBps: 1800 })).json();
    expect(product.costPricePaise).toBe(0);
    const bought = await owner.client.post(api(`/products/${product.id}/stock-movements`), { kind: 'purchase', quantityMilli: 10_000, unitCostPaise: 600_00 });
    expect(bought.statusCode, bought.body).toBe(201);
    expect(bought.json()).toMatchObject({ movement: { unitCostPaise: 600_00 }, product: { costPricePaise: 600_00, stockMilli: 10_000 } });

    const draft = (await owner.client.post(api('/documents'), { documentType: 'invoice', seriesId: series, documentDate: '2026-06-10', buyerName: 'Walk-in', lines: [{ productId: product.id, description: 'Drill', hsn: '8467', uqc: 'NOS', quantityMilli: 3000, unitPricePaise: 1_000_00, rateBps: 1800 }] })).json();
    expect((await owner.client.post(api(`/documents/${draft.id}/issue`), { version: draft.version })).statusCode).toBe(200);
    // A later purchase at a new cost changes the cost price, not the cost of what was already sold.
    await owner.client.post(api(`/products/${product.id}/stock-movements`), { kind: 'purchase', quantityMilli: 1000, unitCostPaise: 650_00 });

    const rent = await staff.client.post(api('/expenses'), { spentOn: '2026-06-01', category: 'rent', description: 'Shop rent, June', vendorName: 'Patil Estates', vendorGstin: '29AAGCB7383J1Z4', amountPaise: 5_000_00, gstPaise: 900_00 });
    expect(rent.statusCode, rent.body).toBe(201);
    expect(rent.json()).toMatchObject({ category: 'rent', amountPaise: 5_000_00, gstPaise: 900_00, itcEligible: true, vendorGstin: '29AAGCB7383J1Z4' });
    await owner.client.post(api('/expenses'), { spentOn: '2026-06-20', category: 'travel', description: 'Auto to the wholesaler', amountPaise: 200_00, gstPaise: 10_00, itcEligible: false });
    await owner.client.post(api('/expenses'), { spentOn: '2026-07-01', category: 'rent', description: 'Shop rent, July', amountPaise: 5_000_00 });

    const june = (await owner.client.get(api('/expenses?month=2026-06'))).json();
    expect(june.items.map((e: { description: string }) => e.description)).toEqual(['Auto to the wholesaler', 'Shop rent, June']);
    expect(june).toMatchObject({ amountPaise: 5_200_00, gstPaise: 910_00, itcPaise: 900_00 });
    // Sales ₹3,000 − cost of goods 3 × ₹600 − expenses (₹5,000 + ₹200 + ₹10 GST not claimed) = −₹4,010.
    expect(await profitOf('2026-06')).toEqual({ month: '2026-06', salesPaise: 3_000_00, costOfGoodsPaise: 1_800_00, expensesPaise: 5_210_00, profitPaise: -4_010_00 });
    expect(await profitOf('2026-07')).toMatchObject({ salesPaise: 0, costOfGoodsPaise: 0, expensesPaise: 5_000_00, profitPaise: -5_000_00 });

    // Removing an expense entered by mistake: owners and admins only; the profit follows.
    const travel = june.items[0].id;
    expect((await staff.client.delete(api(`/expenses/${travel}`))).statusCode).toBe(403);
    expect((await owner.client.delete(api(`/expenses/${travel}`))).statusCode).toBe(200);
    expect((await profitOf('2026-06')).profitPaise).toBe(-3_800_00);
    expect((await owner.client.delete(api(`/expenses/${travel}`))).statusCode).toBe(404);
  });

  it('INV-3 an expense with a wrong vendor GSTIN, no amount or an unknown category is refused naming the field', async () => {
    const gstin = await owner.client.post(api('/expenses'), { spentOn: '2026-06-01', category: 'rent', description: 'Rent', vendorGstin: '29AAGCB7383J1Z5', amountPaise: 100 });
    expect(gstin.statusCode).toBe(400);
    expect(JSON.stringify(gstin.json().error.details)).toContain('vendorGstin');
    const zero = await owner.client.post(api('/expenses'), { spentOn: '2026-06-01', category: 'rent', description: 'Rent', amountPaise: 0 });
    expect(zero.statusCode).toBe(400);
    expect(JSON.stringify(zero.json().error.details)).toContain('amountPaise');
    const category = await owner.client.post(api('/expenses'), { spentOn: '2026-06-01', category: 'bribes', description: 'x', amountPaise: 100 });
    expect(category.statusCode).toBe(400);
    expect(JSON.stringify(category.json().error.details)).toContain('category');
  });
});

describe('INV-3 INV-4 bills on expenses and input tax credit in GSTR-3B table 4', () => {
  const expense = async (body: object) => {
    const res = await owner.client.post(api('/expenses'), { spentOn: '2026-09-05', category: 'supplies', description: 'Bill', amountPaise: 1_000_00, ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  };

  it("INV-3 the vendor's bill is attached (PDF, JPEG or PNG by its bytes, at most 2 MB) and downloaded as it was; anything else is refused naming the field", async () => {
    const e = await expense({ description: 'Cement bags', vendorName: 'Ghataprabha Traders' });
    expect((await owner.client.get(api(`/expenses/${e.id}/attachment`))).statusCode).toBe(404);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2000, 0x20), Buffer.from('\n%%EOF\n')]);
    // A staff member attaches it; the name keeps the extension its bytes say.
    const up = await staff.client.request('PUT', api(`/expenses/${e.id}/attachment`), { dataBase64: pdf.toString('base64'), fileName: 'GT bill 0917.jpeg' });
    expect(up.statusCode, up.body).toBe(200);
    expect(up.json()).toMatchObject({ id: e.id, attachmentType: 'application/pdf', attachmentName: 'GT bill 0917.pdf' });
    expect(up.body).not.toContain(pdf.toString('base64').slice(0, 40));
    const down = await owner.client.get(api(`/expenses/${e.id}/attachment`));
    expect(down.statusCode).toBe(200);
    expect(down.headers['content-type']).toBe('application/pdf');
    expect(down.headers['content-disposition']).toContain('GT bill 0917.pdf');
    expect(Buffer.compare(down.rawPayload, pdf)).toBe(0);
    const listed = (await owner.client.get(api('/expenses?month=2026-09'))).json().items.find((x: { id: string }) => x.id === e.id);
    expect(listed).toMatchObject({ attachmentType: 'application/pdf', attachmentName: 'GT bill 0917.pdf' });
    expect(listed).not.toHaveProperty('attachment');

    // A JPEG replaces it; a GIF named .pdf and a file over 2 MB are refused.
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500)]);
    expect((await owner.client.request('PUT', api(`/expenses/${e.id}/attachment`), { dataBase64: jpeg.toString('base64') })).json()).toMatchObject({ attachmentType: 'image/jpeg', attachmentName: 'bill.jpg' });
    const gif = await owner.client.request('PUT', api(`/expenses/${e.id}/attachment`), { dataBase64: Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(50)]).toString('base64'), fileName: 'bill.pdf' });
    expect(gif.statusCode).toBe(400);
    expect(gif.json().error.details.fields.dataBase64).toContain('PDF, JPEG or PNG');
    const huge = await owner.client.request('PUT', api(`/expenses/${e.id}/attachment`), { dataBase64: Buffer.concat([pdf.subarray(0, 8), Buffer.alloc(2 * 1024 * 1024)]).toString('base64') });
    expect(huge.statusCode).toBe(400);
    expect(JSON.stringify(huge.json().error)).toContain('2 MB');
    expect((await owner.client.get(api(`/expenses/${e.id}/attachment`))).headers['content-type']).toBe('image/jpeg');
    expect((await owner.client.request('DELETE', api(`/expenses/${e.id}/attachment`))).json().attachmentType).toBeNull();
    expect((await owner.client.get(api(`/expenses/${e.id}/attachment`))).statusCode).toBe(404);
  });

  it('INV-4 GSTR-3B table 4: GST on expenses billed by a registered vendor — IGST from another state, CGST+SGST in halves from Karnataka; not claimable is ineligible; no GSTIN, no credit', async () => {
    await expense({ vendorGstin: '29AAGCB7383J1Z4', gstPaise: 181_01 }); // Karnataka → 90.51 CGST (the odd paisa) + 90.50 SGST
    await expense({ vendorGstin: '27AAPFU0939F1ZV', gstPaise: 540_00 }); // Maharashtra → 540 IGST
    await expense({ vendorGstin: '27AAPFU0939F1ZV', gstPaise: 50_00, itcEligible: false }); // ineligible → 4(D)
    await expense({ gstPaise: 90_00 }); // no vendor GSTIN: no tax invoice to claim on
    await expense({ spentOn: '2026-10-01', vendorGstin: '27AAPFU0939F1ZV', gstPaise: 999_00 }); // next month
    const res = await owner.client.get(api('/returns/gstr3b?month=2026-09'));
    expect(res.statusCode, res.body).toBe(200);
    const itc = res.json().itc_elg;
    expect(itc.itc_avl).toEqual([
      { ty: 'IMPG', iamt: 0, camt: 0, samt: 0, csamt: 0 }, { ty: 'IMPS', iamt: 0, camt: 0, samt: 0, csamt: 0 }, { ty: 'ISRC', iamt: 0, camt: 0, samt: 0, csamt: 0 },
      { ty: 'ISD', iamt: 0, camt: 0, samt: 0, csamt: 0 }, { ty: 'OTH', iamt: 540, camt: 90.51, samt: 90.5, csamt: 0 },
    ]);
    expect(itc.itc_net).toEqual({ iamt: 540, camt: 90.51, samt: 90.5, csamt: 0 });
    expect(itc.itc_inelg).toEqual([{ ty: 'RUL', iamt: 0, camt: 0, samt: 0, csamt: 0 }, { ty: 'OTH', iamt: 50, camt: 0, samt: 0, csamt: 0 }]);
    // Table 3.1 stays beside it.
    expect(res.json().sup_details.osup_det).toBeDefined();
  });

  it('INV-2 INV-4 an invoice-level discount reaches GSTR-1 as lower taxable values, per rate and in the HSN summary', async () => {
    // 1 × ₹3,000 and 2 × ₹1,000 @ 18 % to Pune, less ₹500 on the invoice: shares 300 and 200 (in proportion, exact);
    // taxable 2,700 + 1,800 = 4,500; IGST 486 + 324 = 810; total ₹5,310.
    const draft = await owner.client.post(api('/documents'), {
      documentType: 'invoice', seriesId: series, documentDate: '2026-09-12', buyerName: 'Pune Distributors', buyerGstin: '27AAPFU0939F1ZV', discount: { kind: 'amount', paise: 500_00 },
      lines: [{ description: 'Grinder', hsn: '8467', uqc: 'NOS', quantityMilli: 1000, unitPricePaise: 3_000_00, rateBps: 1800 }, { description: 'Blades', hsn: '8467', uqc: 'NOS', quantityMilli: 2000, unitPricePaise: 1_000_00, rateBps: 1800 }],
    });
    expect(draft.statusCode, draft.body).toBe(201);
    expect(draft.json()).toMatchObject({ taxablePaise: 4_500_00, igstPaise: 810_00, grandTotalPaise: 5_310_00, discount: { kind: 'amount', paise: 500_00 } });
    expect(draft.json().lines.map((l: { taxablePaise: number }) => l.taxablePaise)).toEqual([2_700_00, 1_800_00]);
    const issued = (await owner.client.post(api(`/documents/${draft.json().id}/issue`), { version: draft.json().version })).json();
    const g = (await owner.client.get(api('/returns/gstr1?month=2026-09'))).json();
    const inv = g.b2b.find((b: { ctin: string }) => b.ctin === '27AAPFU0939F1ZV').inv.find((i: { inum: string }) => i.inum === issued.number);
    expect(inv).toMatchObject({ val: 5310, pos: '27', itms: [{ num: 1, itm_det: { txval: 4500, rt: 18, iamt: 810, csamt: 0 } }] });
    expect(g.hsn.data).toEqual([expect.objectContaining({ hsn_sc: '8467', txval: 4500, iamt: 810 })]);
  });
});
