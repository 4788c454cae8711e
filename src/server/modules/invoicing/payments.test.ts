import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';

let server: TestServer;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let staff: Awaited<ReturnType<typeof addMember>>;
let client: Awaited<ReturnType<typeof addMember>>;
let invoiceSeries: string;

const api = (path: string) => `/api/workspaces/${owner.workspaceId}/invoicing${path}`;

beforeAll(async () => {
  server = await startTestServer();
  owner = await ownerWithWorkspace(server, 'Mysuru Silks');
  staff = await addMember(server, owner, 'staff');
  client = await addMember(server, owner, 'client');
  const settings = await owner.client.request('PUT', api('/settings'), { legalName: 'Mysuru Silks LLP', gstin: '29AAGCB7383J1Z4' });
  expect(settings.statusCode, settings.body).toBe(200);
  invoiceSeries = (await owner.client.post(api('/series'), { documentType: 'invoice', prefix: 'PAY', digits: 4 })).json().id;
}, 300_000);

type Doc = { id: string; version: number; status: string; grandTotalPaise: number; paidPaise: number; number: string | null; overdue: boolean };

/** A draft invoice of one ₹1,000 service at 18 % (₹1,180 with CGST+SGST), issued unless asked not to. */
async function invoice(extra: object = {}, issue = true): Promise<Doc> {
  const res = await owner.client.post(api('/documents'), { documentType: 'invoice', seriesId: invoiceSeries, documentDate: '2026-06-15', buyerName: 'Walk-in', lines: [{ description: 'Tailoring', hsn: '998821', uqc: 'OTH', quantityMilli: 1000, unitPricePaise: 1_000_00, rateBps: 1800 }], ...extra });
  expect(res.statusCode, res.body).toBe(201);
  const doc = res.json();
  if (!issue) return doc;
  const issued = await owner.client.post(api(`/documents/${doc.id}/issue`), { version: doc.version });
  expect(issued.statusCode, issued.body).toBe(200);
  return issued.json();
}

const pay = (who: typeof owner.client, id: string, body: object) => who.post(api(`/documents/${id}/payments`), body);

describe('INV-3 payments', () => {
  it('INV-3 several partial payments by different methods take an invoice from issued to partly paid to paid', async () => {
    const inv = await invoice();
    expect(inv).toMatchObject({ status: 'issued', grandTotalPaise: 1_180_00, paidPaise: 0 });
    const upi = await pay(staff.client, inv.id, { method: 'upi', amountPaise: 500_00, paidOn: '2026-06-20', reference: 'UPI/412345678901' });
    expect(upi.statusCode, upi.body).toBe(201);
    expect(upi.json().payment).toMatchObject({ method: 'upi', amountPaise: 500_00, paidOn: '2026-06-20', reference: 'UPI/412345678901', voidedAt: null });
    expect(upi.json().document).toMatchObject({ status: 'partly_paid', paidPaise: 500_00 });
    const cheque = await pay(owner.client, inv.id, { method: 'cheque', amountPaise: 300_00, paidOn: '2026-06-25', reference: '000123' });
    expect(cheque.json().document).toMatchObject({ status: 'partly_paid', paidPaise: 800_00 });
    const cash = await pay(owner.client, inv.id, { method: 'cash', amountPaise: 380_00, paidOn: '2026-07-01' });
    expect(cash.statusCode, cash.body).toBe(201);
    expect(cash.json().document).toMatchObject({ status: 'paid', paidPaise: 1_180_00 });

    const list = (await staff.client.get(api(`/documents/${inv.id}/payments`))).json();
    expect(list).toMatchObject({ grandTotalPaise: 1_180_00, paidPaise: 1_180_00, balancePaise: 0 });
    expect(list.items.map((p: { method: string; amountPaise: number }) => [p.method, p.amountPaise])).toEqual([['upi', 500_00], ['cheque', 300_00], ['cash', 380_00]]);
    expect((await owner.client.get(api(`/documents?status=paid`))).json().items.map((d: Doc) => d.id)).toContain(inv.id);
  });

  it('INV-3 a payment beyond the balance, on a draft or on a cancelled invoice is refused naming the field', async () => {
    const inv = await invoice();
    await pay(owner.client, inv.id, { method: 'bank_transfer', amountPaise: 1_000_00, reference: 'NEFT N123' });
    const over = await pay(owner.client, inv.id, { method: 'card', amountPaise: 180_01 });
    expect(over.statusCode).toBe(409);
    expect(over.json().error).toMatchObject({ code: 'overpayment', details: { field: 'amountPaise', balancePaise: 180_00 } });
    expect((await pay(owner.client, inv.id, { method: 'card', amountPaise: 180_00 })).json().document.status).toBe('paid');
    const full = await pay(owner.client, inv.id, { method: 'other', amountPaise: 1 });
    expect(full.json().error).toMatchObject({ code: 'overpayment', details: { field: 'amountPaise', balancePaise: 0 } });

    const draft = await invoice({}, false);
    const onDraft = await pay(owner.client, draft.id, { method: 'cash', amountPaise: 100 });
    expect(onDraft.statusCode).toBe(409);
    expect(onDraft.json().error).toMatchObject({ code: 'document_draft', details: { field: 'status' } });
    const toCancel = await invoice();
    expect((await owner.client.post(api(`/documents/${toCancel.id}/cancel`), { version: toCancel.version })).statusCode).toBe(200);
    const onCancelled = await pay(owner.client, toCancel.id, { method: 'cash', amountPaise: 100 });
    expect(onCancelled.statusCode).toBe(409);
    expect(onCancelled.json().error).toMatchObject({ code: 'document_cancelled', details: { field: 'status' } });

    const open = await invoice();
    for (const [body, field] of [[{ method: 'barter', amountPaise: 100 }, 'method'], [{ method: 'cash', amountPaise: 0 }, 'amountPaise'], [{ method: 'cash', amountPaise: 1.5 }, 'amountPaise'], [{ method: 'cash', amountPaise: 100, reference: 'x'.repeat(101) }, 'reference'], [{ method: 'cash', amountPaise: 100, paidOn: '20/06/2026' }, 'paidOn']] as const) {
      const res = await pay(owner.client, open.id, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.details.fields).toHaveProperty(field);
    }
    expect((await owner.client.get(api(`/documents/${open.id}/payments`))).json()).toMatchObject({ items: [], paidPaise: 0 });
  });

  it('INV-3 ten payments at once that together exceed the balance: what is recorded never exceeds the total', async () => {
    const inv = await invoice();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => pay(i % 2 ? owner.client : staff.client, inv.id, { method: 'upi', amountPaise: 150_00, reference: `UPI-${i}` })));
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((s) => s === 201)).toHaveLength(7); // 7 × ₹150 = ₹1,050; an 8th would make ₹1,200 > ₹1,180
    expect(codes.filter((s) => s === 409)).toHaveLength(3);
    for (const r of results.filter((x) => x.statusCode === 409)) expect(r.json().error.details).toMatchObject({ field: 'amountPaise', balancePaise: 130_00 });
    const list = (await owner.client.get(api(`/documents/${inv.id}/payments`))).json();
    const recorded = list.items.reduce((s: number, p: { amountPaise: number }) => s + p.amountPaise, 0);
    expect(recorded).toBe(1_050_00);
    expect(list).toMatchObject({ paidPaise: recorded, balancePaise: 130_00 });
    expect((await owner.client.get(api(`/documents/${inv.id}`))).json()).toMatchObject({ status: 'partly_paid', paidPaise: 1_050_00 });
  });

  it('INV-3 an owner voids a wrong payment: the invoice goes back to partly paid, then issued, and the audit log says who and why', async () => {
    const inv = await invoice();
    const a = (await pay(owner.client, inv.id, { method: 'card', amountPaise: 180_00 })).json().payment;
    const b = (await pay(owner.client, inv.id, { method: 'cash', amountPaise: 1_000_00 })).json().payment;
    const byStaff = await staff.client.post(api(`/documents/${inv.id}/payments/${b.id}/void`), { reason: 'counted twice' });
    expect(byStaff.statusCode).toBe(403);
    const voided = await owner.client.post(api(`/documents/${inv.id}/payments/${b.id}/void`), { reason: 'counted twice' });
    expect(voided.statusCode, voided.body).toBe(200);
    expect(voided.json().payment).toMatchObject({ id: b.id, voidReason: 'counted twice', voidedBy: owner.userId });
    expect(voided.json().document).toMatchObject({ status: 'partly_paid', paidPaise: 180_00 });
    const again = await owner.client.post(api(`/documents/${inv.id}/payments/${b.id}/void`), { reason: 'again' });
    expect(again.statusCode).toBe(409);
    const last = await owner.client.post(api(`/documents/${inv.id}/payments/${a.id}/void`), { reason: 'card charge reversed' });
    expect(last.json().document).toMatchObject({ status: 'issued', paidPaise: 0 });
    const list = (await owner.client.get(api(`/documents/${inv.id}/payments`))).json();
    expect(list.items).toHaveLength(2); // kept, marked voided: GST accounts are never deleted
    expect(list.items.every((p: { voidedAt: string | null }) => p.voidedAt !== null)).toBe(true);
    const audit = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/audit?action=invoice.payment_voided`)).json().entries;
    const mine = audit.filter((e: { targetId: string }) => e.targetId === inv.id);
    expect(mine.map((e: { details: { reason: string; amountPaise: number } }) => [e.details.reason, e.details.amountPaise])).toEqual([['card charge reversed', 180_00], ['counted twice', 1_000_00]]);
    expect(mine[0].actorUserId).toBe(owner.userId);
  });

  it('INV-3 an issued or partly paid invoice past its due date is overdue; paid, it is not', async () => {
    const late = await invoice({ dueDate: '2026-07-15' });
    const notYet = await invoice({ dueDate: '2099-03-31' });
    const noDue = await invoice();
    expect([late.overdue, notYet.overdue, noDue.overdue]).toEqual([true, false, false]);
    const part = (await pay(owner.client, late.id, { method: 'upi', amountPaise: 100_00 })).json().document;
    expect(part).toMatchObject({ status: 'partly_paid', overdue: true });
    const overdueIds = (await owner.client.get(api('/documents?overdue=true&limit=200'))).json().items.map((d: Doc) => d.id);
    expect(overdueIds).toContain(late.id);
    expect(overdueIds).not.toContain(notYet.id);
    expect(overdueIds).not.toContain(noDue.id);
    const notOverdue = (await owner.client.get(api('/documents?overdue=false&limit=200'))).json().items.map((d: Doc) => d.id);
    expect(notOverdue).toEqual(expect.arrayContaining([notYet.id, noDue.id]));
    expect(notOverdue).not.toContain(late.id);
    const paid = (await pay(owner.client, late.id, { method: 'upi', amountPaise: 1_080_00 })).json().document;
    expect(paid).toMatchObject({ status: 'paid', overdue: false });
    expect((await owner.client.get(api('/documents?overdue=true&limit=200'))).json().items.map((d: Doc) => d.id)).not.toContain(late.id);
  });

  it('INV-3 quotes take no payments; clients and other workspaces see none', async () => {
    const quoteSeries = (await owner.client.post(api('/series'), { documentType: 'quote', prefix: 'QT', digits: 4 })).json().id;
    const quote = await invoice({ documentType: 'quote', seriesId: quoteSeries });
    const onQuote = await pay(owner.client, quote.id, { method: 'cash', amountPaise: 100 });
    expect(onQuote.statusCode).toBe(409);
    expect(onQuote.json().error.details).toMatchObject({ field: 'documentType' });
    const inv = await invoice();
    expect((await pay(client.client, inv.id, { method: 'cash', amountPaise: 100 })).statusCode).toBe(403);
    expect((await client.client.get(api(`/documents/${inv.id}/payments`))).statusCode).toBe(403);
    const other = await ownerWithWorkspace(server, 'Elsewhere Payments');
    const theirs = `/api/workspaces/${other.workspaceId}/invoicing/documents/${inv.id}/payments`;
    expect((await other.client.get(theirs)).statusCode).toBe(404);
    expect((await other.client.post(theirs, { method: 'cash', amountPaise: 100 })).statusCode).toBe(404);
    expect((await owner.client.get(api(`/documents/${inv.id}/payments`))).json().items).toEqual([]);
  });
});
