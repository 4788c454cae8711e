import { beforeAll, describe, expect, it } from 'vitest';
import { ownerWithWorkspace } from '../../../../test/helpers/client';
import { startFake } from '../../../../test/fakes/harness';
import { FakeStripe, TEST_CARD } from '../../../../test/fakes/stripe';
import { billingReads, expectNoCardStored, hostedCheckout, providerPlans } from '../../../../test/helpers/billing-path';
import { expectNever500, LONG, oddBodies } from '../../../../test/helpers/odd-bodies';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { reconcileBilling } from './reconcile.job';

const plans = providerPlans({ plan: { stripe: 'price_pro' }, pack: { stripe: 'price_pack' } });

let server: TestServer;
let stripe: FakeStripe;
beforeAll(async () => {
  stripe = await startFake(new FakeStripe());
  server = await startTestServer({ BILLING_ENABLED: 'true', BILLING_PROVIDER: 'stripe', BILLING_PLANS: JSON.stringify(plans), STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_WEBHOOK_SECRET: stripe.webhookSecret, STRIPE_API_URL: stripe.url });
  stripe.webhookUrl = `${server.url}/api/billing/webhooks/stripe`;
}, 120_000);

type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
const { summary, contact, account } = billingReads(() => server);

const checkout = hostedCheckout(303);

describe('BILL-2 Stripe', () => {
  it('BILL-2 BILL-1 AUTH-9 checkout → webhook → plan active → limit lifted; receipt mailed, invoice listed, audit written, no card number stored', async () => {
    const o = await ownerWithWorkspace(server, 'Stripe Co');
    expect((await contact(o, 'a')).statusCode).toBe(201);
    expect((await contact(o, 'b')).statusCode).toBe(201);
    const limited = await contact(o, 'c');
    expect(limited.statusCode).toBe(402);
    expect(limited.json().error.message).toMatch(/Free plan includes 2 contacts/);

    const back = await checkout(o, { planId: 'pro' });
    expect(back).toBe(`${server.url}/w/${o.workspaceId}/settings/billing?checkout=success`);
    const created = stripe.calls('/v1/checkout/sessions', 'POST').at(-1)!;
    expect(created.body).toMatchObject({ mode: 'subscription', client_reference_id: o.workspaceId, line_items: [{ price: 'price_pro', quantity: '1' }] });
    expect(stripe.delivered.every((d) => d.status === 200)).toBe(true);

    const s = await summary(o);
    expect(s).toMatchObject({ plan: { id: 'pro' }, status: 'active', provider: 'stripe', card: { last4: '4242', country: 'US' }, credits: { free: 100, paid: 0 } });
    expect((await contact(o, 'c')).statusCode).toBe(201);
    const receipt = await server.smtp.waitForMail(o.email, (m) => m.subject.includes('Pro plan is active'));
    expect(receipt.text).toMatch(/\$49\.00 a month/);
    const invoices = (await o.client.get(`/api/workspaces/${o.workspaceId}/billing/invoices`)).json().invoices;
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({ amountMinor: 4900, currency: 'USD', status: 'paid', documentUrl: expect.stringContaining('/invoices/sub_') });
    const audit = (await o.client.get(`/api/workspaces/${o.workspaceId}/audit?limit=50`)).json().entries.map((e: { action: string }) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['billing.checkout_started', 'billing.plan_changed']));

    await expectNoCardStored(server, TEST_CARD);
    // The portal is Stripe's own.
    const portal = await o.client.post(`/api/workspaces/${o.workspaceId}/billing/portal`);
    expect(portal.json().url).toBe(`${stripe.url}/portal/${(await account(o)).customer_id}`);
  }, 60_000);

  it('BILL-2 INT-5 forged, stale and replayed webhooks change nothing; a late old event never undoes a newer state', async () => {
    const o = await ownerWithWorkspace(server, 'Order Co');
    await checkout(o, { planId: 'pro' });
    const acc = await account(o);
    const sub = stripe.subscriptions.get(acc.subscription_id)!;
    const oldState = stripe.subscriptionObject({ ...sub });

    // Forged (wrong secret), stale (outside 300 s), unsigned.
    const raw = JSON.stringify({ id: 'evt_forged', object: 'event', type: 'customer.subscription.deleted', created: 1, data: { object: { ...oldState, status: 'canceled' } } });
    const forged = await stripe.deliver(stripe.webhookUrl, raw, { 'stripe-signature': stripe.sign(raw, undefined, 'whsec_wrong') });
    expect(forged.status).toBe(401);
    const stale = await stripe.deliver(stripe.webhookUrl, raw, { 'stripe-signature': stripe.sign(raw, Math.floor(Date.now() / 1000) - 600) });
    expect(stale.status).toBe(401);
    expect((await stripe.deliver(stripe.webhookUrl, raw, {})).status).toBe(400);
    expect((await account(o)).status).toBe('active');

    // Cancelled at Stripe; then an old "active" update arrives late, and the cancel is replayed.
    const cancel = await stripe.update(sub.id, { status: 'canceled' }, 'customer.subscription.deleted');
    expect(cancel.status).toBe(200);
    expect(await account(o)).toMatchObject({ status: 'canceled', plan_id: 'free' });
    const late = await stripe.fire('customer.subscription.updated', oldState);
    expect(late.status).toBe(200);
    expect(await account(o)).toMatchObject({ status: 'canceled', plan_id: 'free' });
    const replay = await stripe.deliver(stripe.webhookUrl, cancel.raw, { 'stripe-signature': stripe.sign(cancel.raw) });
    expect(JSON.parse(replay.text)).toEqual({ received: true, duplicate: true });
    const audit = (await o.client.get(`/api/workspaces/${o.workspaceId}/audit?limit=50`)).json().entries.filter((e: { action: string }) => e.action === 'billing.plan_changed');
    expect(audit).toHaveLength(2);
  }, 60_000);

  it('BILL-2 the nightly reconcile catches up a change whose webhook never arrived', async () => {
    const o = await ownerWithWorkspace(server, 'Reconcile Co');
    await checkout(o, { planId: 'pro' });
    const sub = stripe.subscriptions.get((await account(o)).subscription_id)!;
    Object.assign(sub, { status: 'past_due', cancel_at_period_end: true });
    const r = await reconcileBilling(server.services);
    expect(r.failed).toBe(0);
    expect(r.subscriptions).toBeGreaterThanOrEqual(1);
    expect(await account(o)).toMatchObject({ status: 'past_due', plan_id: 'pro', cancel_at_period_end: true });
  }, 60_000);

  it('BILL-2 a provider outage at checkout: a clear 502 and nothing half-created', async () => {
    const o = await ownerWithWorkspace(server, 'Outage Co');
    stripe.failNext(500, 500);
    const res = await o.client.post(`/api/workspaces/${o.workspaceId}/billing/checkout`, { planId: 'pro' });
    expect(res.statusCode).toBe(502);
    expect(res.json().error).toMatchObject({ code: 'billing_provider_unavailable', message: expect.stringMatching(/Stripe did not answer, so nothing was started or charged/) });
    expect(await account(o)).toBeUndefined();
  }, 30_000);

  it('BILL-3 AUTH-9 a credit pack bought through checkout adds paid credits with a receipt; a refund claws them back', async () => {
    const o = await ownerWithWorkspace(server, 'Pack Co');
    await checkout(o, { packId: 'credits-500' });
    expect((await summary(o)).credits).toEqual({ free: 0, paid: 500, total: 500 });
    await server.smtp.waitForMail(o.email, (m) => m.subject.includes('Receipt: 500 credits'));
    const session = [...stripe.sessions.values()].at(-1)!;
    const refund = await stripe.fire('charge.refunded', { id: 'ch_1', object: 'charge', payment_intent: session.payment_intent, metadata: {} });
    expect(refund.status).toBe(200);
    expect((await summary(o)).credits).toEqual({ free: 0, paid: 0, total: 0 });
    const ledger = (await o.client.get(`/api/workspaces/${o.workspaceId}/billing/ledger`)).json();
    expect(ledger.entries.map((e: { kind: string }) => e.kind)).toEqual(['refund', 'purchase']);
  }, 60_000);
  it('INT-4 BILL-2 a correctly signed Stripe body of another shape is ignored or refused with a 4xx, never a 500, and nothing is half-stored', async () => {
    const o = await ownerWithWorkspace(server, 'Odd Stripe Co');
    const ev = (type: string, object: unknown, id: unknown = `evt_odd_${Math.random().toString(36).slice(2)}`) => ({ id, object: 'event', created: Math.floor(Date.now() / 1000), type, data: { object } });
    const invoice = (over: Record<string, unknown>) => ev('invoice.paid', { id: 'in_odd', object: 'invoice', customer: 'cus_odd', currency: 'usd', amount_paid: 4900, amount_due: 4900, status: 'paid', created: Math.floor(Date.now() / 1000), subscription_details: { metadata: { workspace_id: o.workspaceId } }, ...over });
    const bodies: [string, unknown][] = [
      ...oddBodies((data) => ({ id: 'evt_odd_env', object: 'event', type: 'invoice.paid', data })),
      ...oddBodies((object) => ev('checkout.session.completed', object)),
      ['event id a number', ev('customer.subscription.updated', { id: 'sub_odd', metadata: {} }, 5)],
      ['event id an object', ev('customer.subscription.updated', { id: 'sub_odd', metadata: {} }, { a: 1 })],
      ['event id 10,000 chars', ev('invoice.paid', {}, LONG)],
      ['type a number', { id: 'evt_odd_type', object: 'event', type: 5, data: { object: {} } }],
      ['type an array', { id: 'evt_odd_type2', object: 'event', type: ['invoice.paid'], data: { object: {} } }],
      ['subscription id a number', ev('customer.subscription.updated', { id: 5, metadata: { workspace_id: o.workspaceId } })],
      ['subscription id 10,000 chars', ev('customer.subscription.updated', { id: LONG, metadata: { workspace_id: o.workspaceId } })],
      ['metadata a string', ev('customer.subscription.updated', { id: 'sub_odd', metadata: 'x' })],
      ['workspace id a number', ev('checkout.session.completed', { id: 'cs_odd', mode: 'payment', payment_status: 'paid', metadata: { workspace_id: 5, pack_id: 'credits-500' } })],
      ['invoice amount 1e20', invoice({ amount_paid: 1e20 })],
      ['invoice created 1e20', invoice({ created: 1e20 })],
      ['invoice amount a string', invoice({ amount_paid: 'lots' })],
      ['invoice currency a number', invoice({ currency: 5 })],
      ['invoice id 10,000 chars', invoice({ id: LONG, number: LONG, hosted_invoice_url: LONG })],
      ['invoice id a number', invoice({ id: 5 })],
      ['refund payment a number', ev('charge.refunded', { id: 5, payment_intent: 5, metadata: 'x' })],
    ];
    const answers = await expectNever500(bodies, (raw) => stripe.deliver(stripe.webhookUrl, raw, { 'stripe-signature': stripe.sign(raw) }));
    expect(answers.length).toBe(bodies.length);
    // Nothing of the odd invoices reached the workspace: no invoice with an amount or date no column holds.
    const { rows } = await server.services.database.systemPool.query(`SELECT amount_minor, issued_at FROM billing_invoices WHERE workspace_id = $1`, [o.workspaceId]);
    expect(rows.filter((r) => Number(r.amount_minor) !== 4900)).toEqual([]);
    expect((await summary(o)).plan).toMatchObject({ id: 'free' });
  }, 60_000);
});
