import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';

let server: TestServer;
type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
let owner: Owner;
let staff: Awaited<ReturnType<typeof addMember>>;
let client: Awaited<ReturnType<typeof addMember>>;
let invoiceSeries: string;
let creditSeries: string;

const api = (path: string, o: { workspaceId: string } = owner) => `/api/workspaces/${o.workspaceId}/invoicing${path}`;
const KARNATAKA_GSTIN = `29AAGCB7383J1Z4`;
const MAHARASHTRA_BUYER = '27AAPFU0939F1ZV';

beforeAll(async () => {
  server = await startTestServer();
  owner = await ownerWithWorkspace(server, 'Bengaluru Traders');
  staff = await addMember(server, owner, 'staff');
  client = await addMember(server, owner, 'client');
  const settings = await owner.client.request('PUT', api('/settings'), { legalName: 'Bengaluru Traders Pvt Ltd', gstin: KARNATAKA_GSTIN });
  expect(settings.statusCode, settings.body).toBe(200);
  invoiceSeries = (await owner.client.post(api('/series'), { documentType: 'invoice', prefix: 'INV', digits: 4 })).json().id;
  creditSeries = (await owner.client.post(api('/series'), { documentType: 'credit_note', prefix: 'CN', digits: 4 })).json().id;
}, 300_000);

async function product(sku: string, extra: object = {}) {
  const res = await owner.client.post(api('/products'), { sku, name: `Laptop ${sku}`, hsn: '8471', uqc: 'NOS', pricePaise: 1_250_00, rateBps: 1800, reorderLevelMilli: 5000, ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const draft = (lines: object[], extra: object = {}) => ({ documentType: 'invoice', seriesId: invoiceSeries, documentDate: '2026-06-15', buyerName: 'Walk-in', lines, ...extra });

describe('INV-1 products and stock', () => {
  it('INV-1 a purchase puts stock in, a sale takes it out, and low stock is flagged', async () => {
    const p = await product('LT-1');
    expect(p).toMatchObject({ kind: 'goods', trackStock: true, stockMilli: 0, lowStock: true });
    const buy = await staff.client.post(api(`/products/${p.id}/stock-movements`), { kind: 'purchase', quantityMilli: 50_000 });
    expect(buy.statusCode, buy.body).toBe(201);
    expect(buy.json().product).toMatchObject({ stockMilli: 50_000, lowStock: false });
    const doc = (await owner.client.post(api('/documents'), draft([{ productId: p.id, quantityMilli: 46_000 }]))).json();
    const issued = await owner.client.post(api(`/documents/${doc.id}/issue`), { version: doc.version });
    expect(issued.statusCode, issued.body).toBe(200);
    const after = (await owner.client.get(api(`/products/${p.id}`))).json();
    expect(after).toMatchObject({ stockMilli: 4_000, lowStock: true });
    const low = (await owner.client.get(api('/products?lowStock=true'))).json().items.map((x: { id: string }) => x.id);
    expect(low).toContain(p.id);
    const moves = (await owner.client.get(api(`/products/${p.id}/stock-movements`))).json().items;
    expect(moves.map((m: { kind: string; quantityMilli: number }) => [m.kind, m.quantityMilli]).sort()).toEqual([['purchase', 50_000], ['sale', -46_000]]);
  });

  it('INV-1 an invoice that would take stock below zero is refused, naming the line', async () => {
    const p = await product('LT-2');
    const doc = (await owner.client.post(api('/documents'), draft([{ description: 'Service', hsn: '998314', uqc: 'OTH', unitPricePaise: 100, rateBps: 1800, quantityMilli: 1000 }, { productId: p.id, quantityMilli: 1000 }]))).json();
    const res = await owner.client.post(api(`/documents/${doc.id}/issue`), { version: doc.version });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'insufficient_stock', details: { field: 'lines.1.quantityMilli' } });
    expect((await owner.client.get(api(`/documents/${doc.id}`))).json()).toMatchObject({ status: 'draft', number: null });
  });

  it('INV-1 stock is valued at cost price, per product and in total; adjustments and returns move it', async () => {
    const shop = await ownerWithWorkspace(server, 'Valued Stock');
    const at = (p: string) => `/api/workspaces/${shop.workspaceId}/invoicing${p}`;
    expect((await shop.client.request('PUT', at('/settings'), { legalName: 'Valued Stock LLP', gstin: KARNATAKA_GSTIN })).statusCode).toBe(200);
    const make = async (body: object) => (await shop.client.post(at('/products'), { hsn: '8471', uqc: 'NOS', pricePaise: 1_000_00, rateBps: 1800, ...body })).json();
    const stand = await make({ sku: 'ST', name: 'Stand' });
    const tea = await make({ sku: 'TEA', name: 'Tea', hsn: '0902', uqc: 'KGS', rateBps: 500, costPricePaise: 333_33 });
    const service = await make({ sku: 'SVC', name: 'Setup', hsn: '998314', uqc: 'OTH', costPricePaise: 500_00 });
    const move = async (id: string, body: object) => {
      const res = await shop.client.post(at(`/products/${id}/stock-movements`), body);
      expect(res.statusCode, res.body).toBe(201);
      return res.json().product;
    };
    // 50 bought at ₹600.50, 3 found broken (adjustment −3), 1 returned by a customer: 48 × ₹600.50 = ₹28,824.
    expect(await move(stand.id, { kind: 'purchase', quantityMilli: 50_000, unitCostPaise: 600_50 })).toMatchObject({ stockValuePaise: 30_025_00 });
    expect(await move(stand.id, { kind: 'adjustment', quantityMilli: -3000, note: 'broken in transit' })).toMatchObject({ stockMilli: 47_000, stockValuePaise: 28_223_50 });
    expect(await move(stand.id, { kind: 'return', quantityMilli: 1000 })).toMatchObject({ stockMilli: 48_000, stockValuePaise: 28_824_00 });
    // 2.5 kg of tea at ₹333.33 a kg = ₹833.325, rounded to ₹833.33.
    expect(await move(tea.id, { kind: 'purchase', quantityMilli: 2500 })).toMatchObject({ stockValuePaise: 833_33 });
    const list = (await shop.client.get(at('/products'))).json();
    expect(list.items.find((p: { id: string }) => p.id === service.id)).toMatchObject({ trackStock: false, stockValuePaise: 0 });
    expect(list.stockValuePaise).toBe(28_824_00 + 833_33);
    const moves = (await shop.client.get(at(`/products/${stand.id}/stock-movements`))).json().items;
    expect(moves.map((m: { kind: string; quantityMilli: number }) => [m.kind, m.quantityMilli]).sort()).toEqual([['adjustment', -3000], ['purchase', 50_000], ['return', 1000]]);
    // By hand, never below zero: an adjustment of −49 is refused naming the quantity.
    const tooMuch = await shop.client.post(at(`/products/${stand.id}/stock-movements`), { kind: 'adjustment', quantityMilli: -49_000 });
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json().error).toMatchObject({ code: 'insufficient_stock', details: { field: 'quantityMilli' } });
  });

  it('INV-1 where the workspace allows stock below zero, an invoice may take it there and the answer says so; refused otherwise', async () => {
    const shop = await ownerWithWorkspace(server, 'Counter Sales');
    const at = (p: string) => `/api/workspaces/${shop.workspaceId}/invoicing${p}`;
    expect((await shop.client.request('PUT', at('/settings'), { legalName: 'Counter Sales', gstin: KARNATAKA_GSTIN, allowNegativeStock: true })).statusCode).toBe(200);
    const series = (await shop.client.post(at('/series'), { documentType: 'invoice', prefix: 'CS', digits: 4 })).json().id;
    const p = (await shop.client.post(at('/products'), { sku: 'MUG', name: 'Mug', hsn: '6912', uqc: 'NOS', pricePaise: 150_00, rateBps: 500, costPricePaise: 80_00 })).json();
    expect((await shop.client.post(at(`/products/${p.id}/stock-movements`), { kind: 'purchase', quantityMilli: 1000 })).statusCode).toBe(201);
    const sell = async (quantityMilli: number) => {
      const d = (await shop.client.post(at('/documents'), { documentType: 'invoice', seriesId: series, documentDate: '2026-06-15', buyerName: 'Walk-in', lines: [{ productId: p.id, quantityMilli }] })).json();
      return shop.client.post(at(`/documents/${d.id}/issue`), { version: d.version });
    };
    const within = await sell(1000);
    expect(within.statusCode, within.body).toBe(200);
    expect(within.json()).not.toHaveProperty('stockBelowZero');
    const beyond = await sell(3000);
    expect(beyond.statusCode, beyond.body).toBe(200);
    expect(beyond.json().stockBelowZero).toEqual([{ productId: p.id, name: 'Mug', stockMilli: -3000 }]);
    expect((await shop.client.get(at(`/products/${p.id}`))).json()).toMatchObject({ stockMilli: -3000, lowStock: true, stockValuePaise: 0 });
    // Turned off again: the next such invoice is refused, naming its line.
    expect((await shop.client.request('PUT', at('/settings'), { legalName: 'Counter Sales', gstin: KARNATAKA_GSTIN, allowNegativeStock: false })).statusCode).toBe(200);
    const refused = await sell(1000);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'insufficient_stock', details: { field: 'lines.0.quantityMilli' } });
  });

  it('INV-1 bad products name the field: HSN, unit, a rate no longer in force', async () => {
    for (const [body, field] of [[{ hsn: '84713' }, 'hsn'], [{ uqc: 'PIECES' }, 'uqc'], [{ uqc: 'XYZ' }, 'uqc'], [{ rateBps: 1200 }, 'rateBps']] as const) {
      const res = await owner.client.post(api('/products'), { sku: `BAD-${field}-${Math.random()}`, name: 'x', hsn: '8471', uqc: 'NOS', pricePaise: 1, rateBps: 1800, ...(body as object) });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(Object.keys(res.json().error.details.fields ?? {}).join() || JSON.stringify(res.json().error.details)).toContain(field);
    }
    const neg = await owner.client.post(api(`/products/${(await product('LT-3')).id}/stock-movements`), { kind: 'purchase', quantityMilli: -1000 });
    expect(neg.statusCode).toBe(400);
    expect(neg.json().error.details.fields).toHaveProperty('quantityMilli');
  });
});

describe('INV-2 invoices', () => {
  it('INV-2 an inter-state invoice to a Maharashtra GSTIN gets IGST, a round-off and words; issued, it is never edited', async () => {
    const res = await owner.client.post(api('/documents'), draft([
      { description: 'Tea', hsn: '0902', uqc: 'KGS', quantityMilli: 1500, unitPricePaise: 400_00, rateBps: 500 },
      { description: 'Laptop', hsn: '84713010', uqc: 'NOS', quantityMilli: 1000, unitPricePaise: 30_000_00, rateBps: 1800 },
      { description: 'Soda', hsn: '2202', uqc: 'BTL', quantityMilli: 24_000, unitPricePaise: 40_00, rateBps: 4000 },
    ], { buyerName: 'Pune Distributors', buyerGstin: MAHARASHTRA_BUYER, discount: { kind: 'amount', paise: 100_00 } }));
    expect(res.statusCode, res.body).toBe(201);
    const doc = res.json();
    // the same invoice as the engine's golden test: IGST 579558, total ₹37,256 with +42 paise round-off
    expect(doc).toMatchObject({ placeOfSupply: '27', regime: 'igst', taxablePaise: 3146000, igstPaise: 579558, roundOffPaise: 42, grandTotalPaise: 3725600, amountInWords: 'Rupees Thirty Seven Thousand Two Hundred Fifty Six Only', number: null });
    const issued = (await owner.client.post(api(`/documents/${doc.id}/issue`), { version: doc.version })).json();
    expect(issued.number).toMatch(/^INV\/2026-27\/\d{4}$/);
    const edit = await owner.client.patch(api(`/documents/${doc.id}`), { ...draft([{ description: 'x', hsn: '8471', uqc: 'NOS', quantityMilli: 1000, unitPricePaise: 1, rateBps: 1800 }]), documentType: undefined, version: issued.version });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().error).toMatchObject({ code: 'document_issued', details: { field: 'status' } });
    const again = await owner.client.post(api(`/documents/${doc.id}/issue`), { version: issued.version });
    expect(again.statusCode).toBe(409);
  });

  it('INV-2 a walk-in sale in Bengaluru gets CGST+SGST; a credit note for it puts stock back', async () => {
    const p = await product('LT-4');
    await owner.client.post(api(`/products/${p.id}/stock-movements`), { kind: 'purchase', quantityMilli: 10_000 });
    const doc = (await owner.client.post(api('/documents'), draft([{ productId: p.id, quantityMilli: 2000, discount: { kind: 'percent', bps: 1000 } }]))).json();
    expect(doc).toMatchObject({ placeOfSupply: '29', regime: 'cgst-sgst', taxablePaise: 225000, cgstPaise: 20250, sgstPaise: 20250, grandTotalPaise: 265500 });
    const inv = (await owner.client.post(api(`/documents/${doc.id}/issue`), { version: doc.version })).json();
    const cn = await owner.client.post(api('/documents'), { documentType: 'credit_note', seriesId: creditSeries, documentDate: '2026-07-20', buyerName: 'Walk-in', originalDocumentId: inv.id, lines: [{ productId: p.id, quantityMilli: 1000, discount: { kind: 'percent', bps: 1000 } }] });
    expect(cn.statusCode, cn.body).toBe(201);
    expect(cn.json()).toMatchObject({ cgstPaise: 10125, sgstPaise: 10125, grandTotalPaise: 132800, roundOffPaise: 50 });
    const issuedCn = (await owner.client.post(api(`/documents/${cn.json().id}/issue`), { version: cn.json().version })).json();
    expect(issuedCn.number).toBe('CN/2026-27/0001');
    expect((await owner.client.get(api(`/products/${p.id}`))).json().stockMilli).toBe(9_000);
  });

  it('INV-2 twenty invoices issued at once get twenty consecutive numbers, none shared, none skipped', async () => {
    const series = await owner.client.post(api('/series'), { documentType: 'invoice', prefix: 'RC', digits: 4 });
    expect(series.statusCode, series.body).toBe(201);
    const fresh = series.json().id;
    const drafts: { id: string; version: number }[] = await Promise.all(Array.from({ length: 20 }, () => owner.client.post(api('/documents'), draft([{ description: 'Consulting', hsn: '998311', uqc: 'OTH', quantityMilli: 1000, unitPricePaise: 1_000_00, rateBps: 1800 }], { seriesId: fresh, documentDate: '2027-01-10' })).then((r) => r.json())));
    const issued = await Promise.all(drafts.map((d) => owner.client.post(api(`/documents/${d.id}/issue`), { version: d.version })));
    expect(issued.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    const numbers = issued.map((r) => r.json().number as string).sort();
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => `RC/2026-27/${String(i + 1).padStart(4, '0')}`));
  });

  it('INV-2 a cancelled invoice keeps its number; the next one does not reuse it', async () => {
    const fresh = (await owner.client.post(api('/series'), { documentType: 'invoice', prefix: 'CAN', digits: 3 })).json().id;
    const make = async () => {
      const d = (await owner.client.post(api('/documents'), draft([{ description: 'x', hsn: '998311', uqc: 'OTH', quantityMilli: 1000, unitPricePaise: 100_00, rateBps: 1800 }], { seriesId: fresh }))).json();
      return (await owner.client.post(api(`/documents/${d.id}/issue`), { version: d.version })).json();
    };
    const first = await make();
    const cancelled = await owner.client.post(api(`/documents/${first.id}/cancel`), { version: first.version });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', number: 'CAN/2026-27/001' });
    expect((await make()).number).toBe('CAN/2026-27/002');
  });

  it('INV-2 bad input is refused naming the field', async () => {
    const line = { description: 'x', hsn: '8471', uqc: 'NOS', quantityMilli: 1000, unitPricePaise: 100, rateBps: 1800 };
    const cases: [object, string][] = [
      [draft([line], { buyerGstin: '27AAPFU0939F1ZW' }), 'buyerGstin'],
      [draft([{ ...line, hsn: '84713' }]), 'lines.0.hsn'],
      [draft([{ ...line, rateBps: 1200 }]), 'lines.0.rateBps'],
      [draft([{ ...line, rateBps: 4000 }], { documentDate: '2025-09-21' }), 'lines.0.rateBps'],
      [draft([line], { buyerStateCode: '42' }), 'buyerStateCode'],
      [draft([{ ...line, quantityMilli: -1000 }]), 'lines.0.quantityMilli'],
      // Money is integer paise: a fraction of a paisa is refused, never rounded silently.
      [draft([{ ...line, unitPricePaise: 100.5 }]), 'lines.0.unitPricePaise'],
      [draft([line], { discount: { kind: 'amount', paise: 10.25 } }), 'discount.paise'],
      [draft([line], { seriesId: creditSeries }), 'seriesId'],
      [{ ...draft([line]), documentType: 'credit_note', seriesId: creditSeries }, 'originalDocumentId'],
    ];
    for (const [body, field] of cases) {
      const res = await owner.client.post(api('/documents'), body);
      expect(res.statusCode, `${field}: ${res.body}`).toBe(400);
      expect(Object.keys(res.json().error.details.fields ?? {}), res.body).toContain(field);
    }
    const long = await owner.client.post(api('/series'), { documentType: 'invoice', prefix: 'INVOICE', digits: 4 });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.details.fields).toHaveProperty('prefix');
    const badGstin = await owner.client.request('PUT', api('/settings'), { legalName: 'x', gstin: '29AAGCB7383J1Z5' });
    expect(badGstin.statusCode).toBe(400);
    expect(badGstin.json().error.details.fields).toHaveProperty('gstin');
  });

  it('INV-2 clients and other workspaces see nothing', async () => {
    expect((await client.client.get(api('/documents'))).statusCode).toBe(403);
    const other = await ownerWithWorkspace(server, 'Elsewhere');
    const mine = (await owner.client.get(api('/documents'))).json().items[0];
    expect((await other.client.get(`/api/workspaces/${other.workspaceId}/invoicing/documents/${mine.id}`)).statusCode).toBe(404);
  });
});
