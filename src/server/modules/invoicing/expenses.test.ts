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
