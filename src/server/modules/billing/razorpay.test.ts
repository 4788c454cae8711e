import Razorpay from 'razorpay';
import { beforeAll, describe, expect, it } from 'vitest';
import { startFake } from '../../../../test/fakes/harness';
import { FakeRazorpay, RAZORPAY_TEST_CARD } from '../../../../test/fakes/razorpay';
import { ownerWithWorkspace } from '../../../../test/helpers/client';
import { billingReads, expectNoCardStored, hostedCheckout, providerPlans } from '../../../../test/helpers/billing-path';
import { expectNever500, LONG, oddBodies } from '../../../../test/helpers/odd-bodies';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { reconcileBilling } from './reconcile.job';

const plans = providerPlans({ plan: { razorpay: 'plan_pro' }, pack: { razorpay: 'link' } }, { currency: 'INR', pro: 199900, pack: 49900 });

let server: TestServer;
let razorpay: FakeRazorpay;
beforeAll(async () => {
  razorpay = await startFake(new FakeRazorpay({ plan_pro: { amount: 199900, currency: 'INR' } }));
  server = await startTestServer({
    BILLING_ENABLED: 'true', BILLING_PROVIDER: 'razorpay', BILLING_PLANS: JSON.stringify(plans),
    RAZORPAY_KEY_ID: razorpay.keyId, RAZORPAY_KEY_SECRET: razorpay.keySecret, RAZORPAY_WEBHOOK_SECRET: razorpay.webhookSecret, RAZORPAY_API_URL: razorpay.url,
  });
  razorpay.webhookUrl = `${server.url}/api/billing/webhooks/razorpay`;
  razorpay.successUrl = (s) => `${server.url}/w/${s.notes.workspace_id}/settings/billing?checkout=success`;
}, 120_000);

type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
const { summary, contact, account } = billingReads(() => server);

const checkout = hostedCheckout(302);

describe('BILL-2 Razorpay', () => {
  it('BILL-2 INV-5 the fake speaks the official SDK: subscriptions, cancel at cycle end, Payment Links, and validateWebhookSignature accepts what it signs', async () => {
    const sdk = new Razorpay({ key_id: razorpay.keyId, key_secret: razorpay.keySecret });
    (sdk.api as unknown as { rq: { defaults: { baseURL: string } } }).rq.defaults.baseURL = razorpay.url;
    const sub = await sdk.subscriptions.create({ plan_id: 'plan_pro', total_count: 12, notes: { workspace_id: 'w' } });
    expect(sub).toMatchObject({ status: 'created', short_url: `${razorpay.url}/subscriptions/${sub.id}/pay` });
    await fetch(sub.short_url, { redirect: 'manual' });
    expect(await sdk.subscriptions.fetch(sub.id)).toMatchObject({ status: 'active', paid_count: 1 });
    const cancelled = await sdk.subscriptions.cancel(sub.id, true);
    expect(cancelled).toMatchObject({ status: 'active', end_at: cancelled.current_end });
    await expect(sdk.subscriptions.fetch('sub_missing')).rejects.toMatchObject({ statusCode: 400, error: { code: 'BAD_REQUEST_ERROR' } });
    const wrong = new Razorpay({ key_id: razorpay.keyId, key_secret: 'wrong' });
    (wrong.api as unknown as { rq: { defaults: { baseURL: string } } }).rq.defaults.baseURL = razorpay.url;
    await expect(wrong.subscriptions.fetch(sub.id)).rejects.toMatchObject({ statusCode: 401 });

    const link = await sdk.paymentLink.create({ amount: 50000, currency: 'INR', description: 'Invoice 7', reference_id: 'INV-7', customer: { email: 'payer@example.com' }, notes: { invoice: '7' }, callback_url: 'https://example.com/back', callback_method: 'get' });
    expect(link).toMatchObject({ status: 'created', amount: 50000, short_url: `${razorpay.url}/links/${link.id}` });
    const paid = await fetch(link.short_url, { redirect: 'manual' });
    expect(paid.headers.get('location')).toMatch(/^https:\/\/example\.com\/back\?razorpay_payment_id=pay_/);
    expect(await sdk.paymentLink.fetch(link.id)).toMatchObject({ status: 'paid', amount_paid: 50000 });
    await expect(sdk.paymentLink.create({ amount: 50000, currency: 'INR', description: 'again', reference_id: 'INV-7', customer: { email: 'payer@example.com' } })).rejects.toMatchObject({ statusCode: 400 });

    const delivered = razorpay.delivered.at(-1)!;
    expect(JSON.parse(delivered.raw).event).toBe('payment_link.paid');
    expect(Razorpay.validateWebhookSignature(delivered.raw, delivered.signature, razorpay.webhookSecret)).toBe(true);
    expect(Razorpay.validateWebhookSignature(delivered.raw, delivered.signature, 'other')).toBe(false);
  }, 60_000);

  it('BILL-2 BILL-1 AUTH-9 checkout → webhook → plan active → limit lifted; receipt, invoice, audit, no card number stored; cancel at cycle end keeps the plan until then', async () => {
    const o = await ownerWithWorkspace(server, 'Razorpay Co');
    expect((await contact(o, 'a')).statusCode).toBe(201);
    expect((await contact(o, 'b')).statusCode).toBe(201);
    expect((await contact(o, 'c')).statusCode).toBe(402);

    expect(await checkout(o, { planId: 'pro' })).toBe(`${server.url}/w/${o.workspaceId}/settings/billing?checkout=success`);
    expect(razorpay.calls('/v1/subscriptions', 'POST').at(-1)!.body).toMatchObject({ plan_id: 'plan_pro', total_count: 120, notes: { workspace_id: o.workspaceId, plan_id: 'pro' } });
    expect(razorpay.delivered.every((d) => d.status === 200)).toBe(true);

    const s = await summary(o);
    expect(s).toMatchObject({ plan: { id: 'pro' }, status: 'active', provider: 'razorpay', canCancel: true, credits: { free: 100, paid: 0 } });
    expect((await contact(o, 'c')).statusCode).toBe(201);
    const receipt = await server.smtp.waitForMail(o.email, (m) => m.subject.includes('Pro plan is active'));
    expect(receipt.text).toMatch(/₹1,999\.00 a month/);
    const invoices = (await o.client.get(`/api/workspaces/${o.workspaceId}/billing/invoices`)).json().invoices;
    expect(invoices).toEqual([expect.objectContaining({ provider: 'razorpay', amountMinor: 199900, currency: 'INR', status: 'paid' })]);

    await expectNoCardStored(server, RAZORPAY_TEST_CARD);

    // No portal at Razorpay: its hosted subscription page; cancellation is Kestrel's button, at cycle end.
    const acc = await account(o);
    expect((await o.client.post(`/api/workspaces/${o.workspaceId}/billing/portal`)).json().url).toBe(`${razorpay.url}/subscriptions/${acc.subscription_id}/pay`);
    const cancel = await o.client.post(`/api/workspaces/${o.workspaceId}/billing/cancel`);
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(razorpay.calls(`/v1/subscriptions/${acc.subscription_id}/cancel`, 'POST').at(-1)!.body).toEqual({ cancel_at_cycle_end: 1 });
    expect(await account(o)).toMatchObject({ status: 'active', plan_id: 'pro', cancel_at_period_end: true });
    expect(await summary(o)).toMatchObject({ cancelAtPeriodEnd: true, canCancel: false });
    expect((await o.client.post(`/api/workspaces/${o.workspaceId}/billing/cancel`)).statusCode).toBe(409);
    const audit = (await o.client.get(`/api/workspaces/${o.workspaceId}/audit?limit=50`)).json().entries.map((e: { action: string }) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['billing.checkout_started', 'billing.plan_changed', 'billing.cancel_requested']));
    // The cycle ends: Razorpay cancels it, and the workspace is back on Free.
    await razorpay.update(acc.subscription_id, { status: 'cancelled' }, 'subscription.cancelled');
    expect(await account(o)).toMatchObject({ status: 'canceled', plan_id: 'free' });
  }, 60_000);

  it('BILL-2 INT-5 forged, unsigned, id-less and replayed webhooks change nothing; a late old event never undoes a newer state', async () => {
    const o = await ownerWithWorkspace(server, 'Razorpay Order Co');
    await checkout(o, { planId: 'pro' });
    const sub = razorpay.subscriptions.get((await account(o)).subscription_id)!;
    const oldState = razorpay.subscriptionObject({ ...sub });

    const raw = JSON.stringify({ entity: 'event', event: 'subscription.cancelled', payload: { subscription: { entity: { ...oldState, status: 'cancelled' } } } });
    expect((await razorpay.deliver(razorpay.webhookUrl, raw, { 'x-razorpay-signature': razorpay.sign(raw, 'wrong'), 'x-razorpay-event-id': 'evt_f1' })).status).toBe(401);
    expect((await razorpay.deliver(razorpay.webhookUrl, raw, { 'x-razorpay-event-id': 'evt_f2' })).status).toBe(400);
    expect((await razorpay.deliver(razorpay.webhookUrl, raw, { 'x-razorpay-signature': razorpay.sign(raw) })).status).toBe(400);
    expect((await razorpay.deliver(razorpay.webhookUrl, `${raw} `, { 'x-razorpay-signature': razorpay.sign(raw), 'x-razorpay-event-id': 'evt_f3' })).status).toBe(401);
    expect((await account(o)).status).toBe('active');

    await razorpay.update(sub.id, { status: 'halted' }, 'subscription.halted');
    expect(await account(o)).toMatchObject({ status: 'past_due', plan_id: 'pro' });
    const cancel = await razorpay.update(sub.id, { status: 'cancelled' }, 'subscription.cancelled');
    expect(await account(o)).toMatchObject({ status: 'canceled', plan_id: 'free' });
    expect((await razorpay.fire('subscription.activated', { subscription: oldState })).status).toBe(200);
    expect(await account(o)).toMatchObject({ status: 'canceled', plan_id: 'free' });
    const replay = await razorpay.deliver(razorpay.webhookUrl, cancel.raw, { 'x-razorpay-signature': cancel.signature, 'x-razorpay-event-id': cancel.id });
    expect(JSON.parse(replay.text)).toEqual({ received: true, duplicate: true });
  }, 60_000);

  it('BILL-2 the nightly reconcile reads Razorpay; an outage at checkout is a clear 502 with nothing half-created', async () => {
    const o = await ownerWithWorkspace(server, 'Razorpay Reconcile Co');
    await checkout(o, { planId: 'pro' });
    Object.assign(razorpay.subscriptions.get((await account(o)).subscription_id)!, { status: 'pending' });
    expect((await reconcileBilling(server.services)).failed).toBe(0);
    expect(await account(o)).toMatchObject({ status: 'past_due', plan_id: 'pro' });

    const other = await ownerWithWorkspace(server, 'Razorpay Outage Co');
    razorpay.failNext(502);
    const res = await other.client.post(`/api/workspaces/${other.workspaceId}/billing/checkout`, { planId: 'pro' });
    expect(res.statusCode).toBe(502);
    expect(res.json().error.message).toMatch(/Razorpay did not answer, so nothing was started or charged/);
    expect(await account(other)).toBeUndefined();
  }, 60_000);

  it('BILL-3 AUTH-9 a credit pack bought by Payment Link adds paid credits once (payment.captured and payment_link.paid) with a receipt; a refund claws them back', async () => {
    const o = await ownerWithWorkspace(server, 'Razorpay Pack Co');
    const back = await checkout(o, { packId: 'credits-500' });
    expect(back).toMatch(new RegExp(`^${server.url}/w/${o.workspaceId}/settings/billing\\?checkout=success&razorpay_payment_id=pay_`));
    expect(razorpay.calls('/v1/payment_links', 'POST').at(-1)!.body).toMatchObject({ amount: 49900, currency: 'INR', notes: { workspace_id: o.workspaceId, pack_id: 'credits-500' } });
    expect(razorpay.delivered.slice(-2).map((d) => [JSON.parse(d.raw).event, d.status])).toEqual([['payment.captured', 200], ['payment_link.paid', 200]]);
    expect((await summary(o)).credits).toEqual({ free: 0, paid: 500, total: 500 });
    await server.smtp.waitForMail(o.email, (m) => m.subject.includes('Receipt: 500 credits'));
    const link = [...razorpay.links.values()].at(-1)!;
    expect((await razorpay.refund(link.payment_id!)).status).toBe(200);
    expect((await summary(o)).credits).toEqual({ free: 0, paid: 0, total: 0 });
    const ledger = (await o.client.get(`/api/workspaces/${o.workspaceId}/billing/ledger`)).json();
    expect(ledger.entries.map((e: { kind: string }) => e.kind)).toEqual(['refund', 'purchase']);
  }, 60_000);
  it('INT-4 BILL-2 a correctly signed Razorpay body of another shape is ignored or refused with a 4xx, never a 500, and nothing is half-stored', async () => {
    const o = await ownerWithWorkspace(server, 'Odd Razorpay Co');
    const ev = (event: unknown, payload: unknown) => ({ entity: 'event', account_id: 'acc_kestrel', event, payload, created_at: Math.floor(Date.now() / 1000) });
    const charged = (sub: Record<string, unknown>, payment: Record<string, unknown>) => ev('subscription.charged', { subscription: { entity: { id: 'sub_odd', customer_id: 'cust_odd', notes: { workspace_id: o.workspaceId }, ...sub } }, payment: { entity: { id: 'pay_odd', amount: 199900, currency: 'INR', created_at: Math.floor(Date.now() / 1000), ...payment } } });
    const bodies: [string, unknown][] = [
      ...oddBodies((payload) => ev('subscription.charged', payload)),
      ...oddBodies((entity) => ev('subscription.activated', { subscription: { entity } })),
      ...oddBodies((entity) => ev('payment.captured', { payment: { entity } })),
      ['event a number', ev(5, {})],
      ['payload entries of another shape', ev('subscription.charged', { subscription: 'x', payment: [1] })],
      ['subscription id a number', ev('subscription.activated', { subscription: { entity: { id: 5, notes: { workspace_id: o.workspaceId } } } })],
      ['subscription id 10,000 chars', ev('subscription.activated', { subscription: { entity: { id: LONG, notes: { workspace_id: o.workspaceId } } } })],
      ['notes an array', ev('subscription.activated', { subscription: { entity: { id: 'sub_odd', notes: [o.workspaceId] } } })],
      ['amount 1e20', charged({}, { amount: 1e20 })],
      ['created_at 1e20', charged({}, { created_at: 1e20 })],
      ['currency a number', charged({}, { currency: 5 })],
      ['payment id an object', charged({}, { id: { a: 1 }, invoice_id: null })],
      ['payment id 10,000 chars', charged({}, { id: LONG })],
      ['customer a number', charged({ customer_id: 5 }, {})],
      ['pack notes of the wrong type', ev('payment.captured', { payment: { entity: { id: 'pay_odd_pack', notes: { workspace_id: o.workspaceId, pack_id: 5 }, email: 5 } } })],
      ['refund of another shape', ev('refund.processed', { refund: { entity: { payment_id: 5 } } })],
    ];
    let n = 0;
    await expectNever500(bodies, (raw) => razorpay.deliver(razorpay.webhookUrl, raw, { 'x-razorpay-signature': razorpay.sign(raw), 'x-razorpay-event-id': `evt_odd_${++n}` }));
    const { rows } = await server.services.database.systemPool.query(`SELECT amount_minor FROM billing_invoices WHERE workspace_id = $1`, [o.workspaceId]);
    expect(rows.filter((r) => Number(r.amount_minor) > 1e12)).toEqual([]);
    expect((await summary(o)).plan).toMatchObject({ id: 'free' });
  }, 60_000);

});
