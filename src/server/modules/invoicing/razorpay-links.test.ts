import Razorpay from 'razorpay';
import { beforeAll, describe, expect, it } from 'vitest';
import { startFake } from '../../../../test/fakes/harness';
import { FakeRazorpay } from '../../../../test/fakes/razorpay';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { expectNever500, LONG, oddBodies } from '../../../../test/helpers/odd-bodies';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';

let server: TestServer;
let razorpay: FakeRazorpay;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let series: string;
const api = (path: string) => `/api/workspaces/${owner.workspaceId}/invoicing${path}`;
const today = () => new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Kolkata' });
const account = () => ({ keyId: razorpay.keyId, secretKey: razorpay.keySecret, webhookSecret: razorpay.webhookSecret });

beforeAll(async () => {
  // The shop's own Razorpay account (not the operator's billing): its key id, key secret and webhook secret.
  razorpay = await startFake(new FakeRazorpay({}, 'rzp_test_ShopKey77', 'shopKeySecret0123456789', 'shop-webhook-secret'));
  server = await startTestServer({ RAZORPAY_API_URL: razorpay.url });
  owner = await ownerWithWorkspace(server, 'Mysuru Silks');
  expect((await owner.client.request('PUT', api('/settings'), { legalName: 'Mysuru Silks LLP', gstin: '29AAGCB7383J1Z4' })).statusCode).toBe(200);
  series = (await owner.client.post(api('/series'), { documentType: 'invoice', prefix: 'RZP', digits: 4 })).json().id;
  razorpay.webhookUrl = `${server.url}/api/invoicing/webhooks/razorpay/${owner.workspaceId}`;
}, 300_000);

type Doc = { id: string; version: number; status: string; grandTotalPaise: number; paidPaise: number; number: string };

/** An issued invoice of ₹1,000 + 18 % (₹1,180), due today. */
async function invoice(): Promise<Doc> {
  const doc = (await owner.client.post(api('/documents'), { documentType: 'invoice', seriesId: series, documentDate: today(), dueDate: today(), buyerName: 'Chamundi Stores', lines: [{ description: 'Mysore silk saree', hsn: '5007', uqc: 'PCS', quantityMilli: 1000, unitPricePaise: 1_000_00, rateBps: 1800 }] })).json();
  const issued = await owner.client.post(api(`/documents/${doc.id}/issue`), { version: doc.version });
  expect(issued.statusCode, issued.body).toBe(200);
  return issued.json();
}
const doc = async (id: string): Promise<Doc> => (await owner.client.get(api(`/documents/${id}`))).json();
const paymentsOf = async (id: string) => (await owner.client.get(api(`/documents/${id}/payments`))).json();
/** The customer pays on Razorpay's hosted page: payment.captured and payment_link.paid are sent, signed. */
async function pay(url: string) {
  const before = razorpay.delivered.length;
  const page = await fetch(url, { redirect: 'manual' });
  expect(page.status).toBe(302);
  return razorpay.delivered.slice(before);
}
async function link(id: string, body: Record<string, unknown>) {
  const res = await owner.client.post(api(`/documents/${id}/payment-links`), { provider: 'razorpay', ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; url: string; providerLinkId: string; amountPaise: number; provider: string };
}

describe('INV-5 payment links through Razorpay', () => {
  it("INV-5 SEC-2 the shop connects its own Razorpay account: key id kept, key secret and webhook secret sealed; wrong shapes name the field", async () => {
    const staff = await addMember(server, owner, 'staff');
    const inv = await invoice();
    const early = await owner.client.post(api(`/documents/${inv.id}/payment-links`), { provider: 'razorpay' });
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatchObject({ code: 'payment_links_not_set_up', message: expect.stringContaining('Razorpay') });

    expect((await staff.client.request('PUT', api('/payment-accounts/razorpay'), account())).statusCode).toBe(403);
    const bad = await owner.client.request('PUT', api('/payment-accounts/razorpay'), { ...account(), keyId: 'sk_test_not_razorpay' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields).toHaveProperty('keyId');
    const saved = await owner.client.request('PUT', api('/payment-accounts/razorpay'), account());
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().items).toEqual(expect.arrayContaining([
      expect.objectContaining({ provider: 'stripe', connected: false }),
      expect.objectContaining({ provider: 'razorpay', connected: true, keyId: razorpay.keyId, secretKeyLast4: '6789', webhookUrl: `${server.services.config.publicUrl}/api/invoicing/webhooks/razorpay/${owner.workspaceId}` }),
    ]));
    expect(saved.body).not.toContain(razorpay.keySecret);
    expect(saved.body).not.toContain(razorpay.webhookSecret);
    const row = (await server.services.database.systemPool.query(`SELECT * FROM invoicing_payment_accounts WHERE workspace_id = $1 AND provider = 'razorpay'`, [owner.workspaceId])).rows[0];
    expect(row.secret_key_sealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(razorpay.keySecret);
    expect(JSON.stringify(row)).not.toContain(razorpay.webhookSecret);
  });

  it('INV-5 INV-3 a Razorpay link for an instalment: amount in paise, reference_id the invoice number, Razorpay\'s own notices off; paid once though both events arrive; then the rest', async () => {
    const inv = await invoice();
    const first = await link(inv.id, { amountPaise: 400_00 });
    expect(first).toMatchObject({ provider: 'razorpay', amountPaise: 400_00, url: `${razorpay.url}/links/${first.providerLinkId}` });
    const made = razorpay.calls('/v1/payment_links', 'POST').at(-1)!;
    expect(made.headers.authorization).toBe(`Basic ${Buffer.from(`${razorpay.keyId}:${razorpay.keySecret}`).toString('base64')}`);
    expect(made.body).toMatchObject({ amount: 400_00, currency: 'INR', reference_id: inv.number, notify: { sms: false, email: false }, notes: { workspace_id: owner.workspaceId, invoice_id: inv.id, invoice_number: inv.number } });
    // The official SDK reads back what was made.
    const sdk = new Razorpay({ key_id: razorpay.keyId, key_secret: razorpay.keySecret });
    (sdk.api as unknown as { rq: { defaults: { baseURL: string } } }).rq.defaults.baseURL = razorpay.url;
    expect(await sdk.paymentLink.fetch(first.providerLinkId)).toMatchObject({ amount: 400_00, reference_id: inv.number, status: 'created' });

    const events = await pay(first.url);
    expect(events.map((e) => [JSON.parse(e.raw).event, e.status])).toEqual([['payment.captured', 200], ['payment_link.paid', 200]]);
    expect(events.map((e) => JSON.parse(e.raw).payload.payment.entity.id)).toEqual([expect.stringMatching(/^pay_/), JSON.parse(events[0]!.raw).payload.payment.entity.id]);
    const list = await paymentsOf(inv.id);
    expect(list.items).toEqual([expect.objectContaining({ method: 'payment_link', provider: 'razorpay', amountPaise: 400_00, reference: expect.stringMatching(/^razorpay pay_/), paidOn: today() })]);
    expect(await doc(inv.id)).toMatchObject({ status: 'partly_paid', paidPaise: 400_00 });
    expect((await owner.client.get(api(`/documents/${inv.id}/payment-links`))).json().items[0].paidAt).not.toBeNull();

    // The rest: a second link, its reference made unique as Razorpay requires.
    const rest = await link(inv.id, {});
    expect(rest.amountPaise).toBe(780_00);
    expect(razorpay.calls('/v1/payment_links', 'POST').at(-1)!.body).toMatchObject({ amount: 780_00, reference_id: `${inv.number}-2` });
    await pay(rest.url);
    expect(await doc(inv.id)).toMatchObject({ status: 'paid', paidPaise: 1_180_00 });
    expect((await paymentsOf(inv.id)).items).toHaveLength(2);
  });

  it('INT-4 INV-5 a correctly signed Razorpay payment-link body of another shape is ignored or refused with a 4xx, never a 500, and no payment is recorded', async () => {
    const inv = await invoice();
    const made = await link(inv.id, { amountPaise: 300_00 });
    const notes = { workspace_id: owner.workspaceId, invoice_id: inv.id, invoice_number: inv.number };
    const ev = (event: unknown, payload: unknown, createdAt: unknown = Math.floor(Date.now() / 1000)) => ({ entity: 'event', account_id: 'acc_shop', event, payload, created_at: createdAt });
    let n = 0;
    const paid = (payment: Record<string, unknown>, linkEntity: unknown = { id: made.providerLinkId, notes }) => ev('payment_link.paid', { payment: { entity: { id: `pay_odd_${++n}`, amount: 300_00, currency: 'INR', notes, created_at: Math.floor(Date.now() / 1000), ...payment } }, payment_link: { entity: linkEntity } });
    const bodies: [string, unknown][] = [
      ...oddBodies((payload) => ev('payment_link.paid', payload)),
      ...oddBodies((entity) => ev('payment.captured', { payment: { entity } })),
      ['event a number', ev(5, {})],
      ['amount 1e20', paid({ amount: 1e20 })],
      ['amount negative', paid({ amount: -500 })],
      ['created_at 1e20', paid({ created_at: 1e20 })],
      ['created_at -1e20', paid({ created_at: -1e20 })],
      ['currency a number', paid({ currency: 5 })],
      ['payment id a number', paid({ id: 5 })],
      ['payment id 10,000 chars', paid({ id: LONG })],
      ['link id a number, no notes naming the invoice', paid({ notes: {} }, { id: 5 })],
      ['link id 10,000 chars', paid({}, { id: LONG, notes })],
      ['invoice id 10,000 chars', ev('payment.captured', { payment: { entity: { id: 'pay_odd_inv', amount: 300_00, currency: 'INR', notes: { ...notes, invoice_id: LONG } } } })],
      ['notes a string', ev('payment.captured', { payment: { entity: { id: 'pay_odd_notes', amount: 300_00, currency: 'INR', notes: 'x' } } })],
    ];
    let e = 0;
    await expectNever500(bodies, (raw) => razorpay.deliver(razorpay.webhookUrl, raw, { 'x-razorpay-signature': razorpay.sign(raw), 'x-razorpay-event-id': `evt_odd_${++e}` }));
    expect((await paymentsOf(inv.id)).items).toEqual([]);
    expect(await doc(inv.id)).toMatchObject({ paidPaise: 0 });
  });

  it('INV-5 INT-5 a replayed, forged or unsigned Razorpay webhook records nothing more: one payment per Razorpay payment id', async () => {
    const inv = await invoice();
    const l = await link(inv.id, { amountPaise: 300_00 });
    const [captured, linkPaid] = await pay(l.url);
    // Replayed as it was, and re-sent by Razorpay as a new event: acknowledged, nothing recorded.
    const again = await razorpay.deliver(razorpay.webhookUrl, linkPaid!.raw, { 'x-razorpay-signature': linkPaid!.signature, 'x-razorpay-event-id': linkPaid!.eventId });
    expect(again.status).toBe(200);
    expect(JSON.parse(again.text)).toMatchObject({ duplicate: true, recorded: false });
    const resent = await razorpay.fire('payment.captured', { payment: JSON.parse(captured!.raw).payload.payment.entity });
    expect(JSON.parse(resent.text)).toMatchObject({ duplicate: true, recorded: false });
    // Another payment id signed with someone else's secret, or not signed: refused.
    const forgedRaw = captured!.raw.replace(/"pay_[A-Za-z0-9]+"/, '"pay_forged0000001"');
    const forged = await razorpay.deliver(razorpay.webhookUrl, forgedRaw, { 'x-razorpay-signature': razorpay.sign(forgedRaw, 'not-the-shop-secret'), 'x-razorpay-event-id': 'evt_forged' });
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.text).error.code).toBe('webhook_signature_invalid');
    expect((await razorpay.deliver(razorpay.webhookUrl, forgedRaw, { 'x-razorpay-event-id': 'evt_unsigned' })).status).toBe(400);
    // Another workspace's address does not take this shop's events.
    const other = await ownerWithWorkspace(server, 'Other Silks');
    expect((await razorpay.deliver(`${server.url}/api/invoicing/webhooks/razorpay/${other.workspaceId}`, captured!.raw, { 'x-razorpay-signature': captured!.signature, 'x-razorpay-event-id': captured!.eventId })).status).toBe(404);

    expect((await paymentsOf(inv.id)).items).toHaveLength(1);
    expect(await doc(inv.id)).toMatchObject({ status: 'partly_paid', paidPaise: 300_00 });
  });

  it('INV-3 INV-5 money that no longer fits its invoice (cancelled, or more than the balance) is not recorded; owners and admins are told once and the invoice says what to do', async () => {
    const admin = await addMember(server, owner, 'admin');
    // Cancelled after the link went out, then paid.
    const cancelled = await invoice();
    const l1 = await link(cancelled.id, {});
    expect((await owner.client.post(api(`/documents/${cancelled.id}/cancel`), { version: (await doc(cancelled.id)).version })).statusCode).toBe(200);
    await pay(l1.url);
    expect(await doc(cancelled.id)).toMatchObject({ status: 'cancelled', paidPaise: 0 });
    const issues = (await owner.client.get(api(`/documents/${cancelled.id}/payment-issues`))).json();
    expect(issues.open).toBe(1);
    expect(issues.items[0]).toMatchObject({ provider: 'razorpay', reason: 'cancelled', amountPaise: 1_180_00, resolution: null, why: `₹1,180.00 arrived through Razorpay for ${cancelled.number}, which is cancelled.`, todo: expect.stringContaining('Refund it from your Razorpay dashboard, or keep it as the customer\'s credit') });
    for (const who of [owner, admin]) {
      const mail = await server.smtp.waitForMail(who.email, (m) => m.subject === `A payment for ${cancelled.number} needs your attention`);
      expect(mail.text).toContain('which is cancelled');
      expect(mail.text).toContain(`/w/${owner.workspaceId}/invoices/${cancelled.id}`);
    }
    // The same payment told again: no second issue, no second mail.
    const told = razorpay.delivered.at(-1)!;
    await razorpay.deliver(razorpay.webhookUrl, told.raw, { 'x-razorpay-signature': told.signature, 'x-razorpay-event-id': told.eventId });
    expect((await owner.client.get(api(`/documents/${cancelled.id}/payment-issues`))).json().items).toHaveLength(1);
    expect(server.smtp.mailsTo(owner.email).filter((m) => m.subject.includes(`${cancelled.number} needs your attention`))).toHaveLength(1);

    // Paid in cash meanwhile, then the whole link paid too: over the balance.
    const over = await invoice();
    const l2 = await link(over.id, {});
    expect((await owner.client.post(api(`/documents/${over.id}/payments`), { method: 'cash', amountPaise: 1_000_00 })).statusCode).toBe(201);
    await pay(l2.url);
    expect(await doc(over.id)).toMatchObject({ status: 'partly_paid', paidPaise: 1_000_00 });
    const overIssue = (await owner.client.get(api(`/documents/${over.id}/payment-issues`))).json().items[0];
    expect(overIssue).toMatchObject({ reason: 'over_balance', balancePaise: 180_00, why: `₹1,180.00 arrived through Razorpay for ${over.number}, but only ₹180.00 was still due.` });

    // Settled: staff may not, an owner says it was kept as credit (audited); once only.
    const staff = await addMember(server, owner, 'staff');
    expect((await staff.client.post(api(`/documents/${over.id}/payment-issues/${overIssue.id}/resolve`), { resolution: 'credit' })).statusCode).toBe(403);
    const done = await owner.client.post(api(`/documents/${over.id}/payment-issues/${overIssue.id}/resolve`), { resolution: 'credit' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ resolution: 'credit', resolvedBy: expect.any(String) });
    expect((await owner.client.post(api(`/documents/${over.id}/payment-issues/${overIssue.id}/resolve`), { resolution: 'refunded' })).statusCode).toBe(409);
    expect((await owner.client.get(api(`/documents/${over.id}/payment-issues`))).json().open).toBe(0);
    const audit = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/audit?limit=50`)).json();
    expect(JSON.stringify(audit)).toContain('invoice.payment_issue_resolved');
  });
});
