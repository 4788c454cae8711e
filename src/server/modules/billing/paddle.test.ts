import { Paddle, type Environment } from '@paddle/paddle-node-sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { startFake } from '../../../../test/fakes/harness';
import { FakePaddle, PADDLE_TEST_CARD } from '../../../../test/fakes/paddle';
import { ownerWithWorkspace } from '../../../../test/helpers/client';
import { billingReads, expectNoCardStored, hostedCheckout, providerPlans } from '../../../../test/helpers/billing-path';
import { expectNever500, LONG, oddBodies } from '../../../../test/helpers/odd-bodies';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { reconcileBilling } from './reconcile.job';

const plans = providerPlans({ plan: { paddle: 'pri_pro' }, pack: { paddle: 'pri_pack' } });

let server: TestServer;
let paddle: FakePaddle;
beforeAll(async () => {
  paddle = await startFake(new FakePaddle({ pri_pro: { amount: 4900, currency: 'USD', recurring: true }, pri_pack: { amount: 1000, currency: 'USD', recurring: false } }));
  server = await startTestServer({ BILLING_ENABLED: 'true', BILLING_PROVIDER: 'paddle', BILLING_PLANS: JSON.stringify(plans), PADDLE_API_KEY: paddle.apiKey, PADDLE_WEBHOOK_SECRET: paddle.webhookSecret, PADDLE_ENVIRONMENT: paddle.url });
  paddle.webhookUrl = `${server.url}/api/billing/webhooks/paddle`;
  paddle.successUrl = (t) => `${server.url}/w/${String(t.custom_data?.workspace_id)}/settings/billing?checkout=success`;
}, 120_000);

type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
const { summary, contact, account } = billingReads(() => server);

const checkout = hostedCheckout(302, () => new RegExp(`^${paddle.url}/pay\\?_ptxn=txn_`));

describe('BILL-2 Paddle Billing', () => {
  it('BILL-2 the fake speaks the official SDK: a transaction, a subscription, a portal session, and Webhooks.unmarshal accepts what it signs', async () => {
    const sdk = new Paddle(paddle.apiKey, { environment: paddle.url as Environment });
    const txn = await sdk.transactions.create({ items: [{ priceId: 'pri_pro', quantity: 1 }], customData: { workspace_id: 'w' } });
    expect(txn.checkout?.url).toBe(`${paddle.url}/pay?_ptxn=${txn.id}`);
    expect(paddle.calls('/transactions', 'POST').at(-1)!.body).toMatchObject({ items: [{ price_id: 'pri_pro', quantity: 1 }], custom_data: { workspace_id: 'w' } });
    await fetch(txn.checkout!.url!, { redirect: 'manual' });
    const sub = [...paddle.subscriptions.values()].at(-1)!;
    const read = await sdk.subscriptions.get(sub.id);
    expect(read).toMatchObject({ id: sub.id, status: 'active', customData: { workspace_id: 'w' }, items: [{ price: { id: 'pri_pro' } }] });
    const portal = await sdk.customerPortalSessions.create(sub.customer_id, [sub.id]);
    expect(portal.urls.general.overview).toBe(`${paddle.url}/portal/${sub.customer_id}`);
    await expect(new Paddle('wrong', { environment: paddle.url as Environment }).subscriptions.get(sub.id)).rejects.toMatchObject({ code: 'authentication_malformed' });

    const delivered = paddle.delivered.at(-1)!;
    const event = await sdk.webhooks.unmarshal(delivered.raw, paddle.webhookSecret, delivered.header);
    expect(event.eventType).toBe('transaction.completed');
    await expect(sdk.webhooks.unmarshal(delivered.raw, 'pdl_ntfset_wrong', delivered.header)).rejects.toThrow(/signature verification failed/);
  }, 60_000);

  it('BILL-2 BILL-1 AUTH-9 checkout → notification → plan active → limit lifted; receipt mailed, invoice listed, audit written, no card number stored', async () => {
    const o = await ownerWithWorkspace(server, 'Paddle Co');
    expect((await contact(o, 'a')).statusCode).toBe(201);
    expect((await contact(o, 'b')).statusCode).toBe(201);
    expect((await contact(o, 'c')).statusCode).toBe(402);

    const back = await checkout(o, { planId: 'pro' });
    expect(back).toBe(`${server.url}/w/${o.workspaceId}/settings/billing?checkout=success`);
    expect(paddle.calls('/transactions', 'POST').at(-1)!.body).toMatchObject({ items: [{ price_id: 'pri_pro', quantity: 1 }], custom_data: { workspace_id: o.workspaceId, plan_id: 'pro' } });
    expect(paddle.delivered.every((d) => d.status === 200)).toBe(true);

    const s = await summary(o);
    expect(s).toMatchObject({ plan: { id: 'pro' }, status: 'active', provider: 'paddle', cancelAtPeriodEnd: false, canCancel: false, credits: { free: 100, paid: 0 } });
    expect((await contact(o, 'c')).statusCode).toBe(201);
    const receipt = await server.smtp.waitForMail(o.email, (m) => m.subject.includes('Pro plan is active'));
    expect(receipt.text).toMatch(/\$49\.00 a month/);
    const invoices = (await o.client.get(`/api/workspaces/${o.workspaceId}/billing/invoices`)).json().invoices;
    expect(invoices).toEqual([expect.objectContaining({ provider: 'paddle', amountMinor: 4900, currency: 'USD', status: 'paid', number: expect.stringMatching(/^KST-/) })]);
    const audit = (await o.client.get(`/api/workspaces/${o.workspaceId}/audit?limit=50`)).json().entries.map((e: { action: string }) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['billing.checkout_started', 'billing.plan_changed']));

    await expectNoCardStored(server, PADDLE_TEST_CARD);

    // The portal is Paddle's; a cancel there ends the plan at the period's end, not now.
    const portal = await o.client.post(`/api/workspaces/${o.workspaceId}/billing/portal`);
    expect(portal.json().url).toBe(`${paddle.url}/portal/${(await account(o)).customer_id}`);
    const acc = await account(o);
    expect((await paddle.cancelAtPeriodEnd(acc.subscription_id)).status).toBe(200);
    expect(await account(o)).toMatchObject({ status: 'active', plan_id: 'pro', cancel_at_period_end: true });
    expect((await o.client.post(`/api/workspaces/${o.workspaceId}/billing/cancel`)).json().error.code).toBe('use_portal');
    expect((await paddle.update(acc.subscription_id, { status: 'canceled' }, 'subscription.canceled')).status).toBe(200);
    expect(await account(o)).toMatchObject({ status: 'canceled', plan_id: 'free' });
  }, 60_000);

  it('BILL-2 INT-5 forged, stale, malformed and replayed notifications change nothing; a late old one never undoes a newer state', async () => {
    const o = await ownerWithWorkspace(server, 'Paddle Order Co');
    await checkout(o, { planId: 'pro' });
    const sub = paddle.subscriptions.get((await account(o)).subscription_id)!;
    const oldState = paddle.subscriptionObject({ ...sub });

    const raw = JSON.stringify({ event_id: 'evt_forged', event_type: 'subscription.canceled', occurred_at: new Date().toISOString(), data: { ...oldState, status: 'canceled' } });
    expect((await paddle.deliver(paddle.webhookUrl, raw, { 'paddle-signature': paddle.sign(raw, undefined, 'pdl_ntfset_wrong') })).status).toBe(401);
    expect((await paddle.deliver(paddle.webhookUrl, raw, { 'paddle-signature': paddle.sign(raw, Math.floor(Date.now() / 1000) - 600) })).status).toBe(401);
    expect((await paddle.deliver(paddle.webhookUrl, raw, { 'paddle-signature': 'h1=abc' })).status).toBe(400);
    expect((await paddle.deliver(paddle.webhookUrl, raw, {})).status).toBe(400);
    expect((await paddle.deliver(paddle.webhookUrl, `${raw} `, { 'paddle-signature': paddle.sign(raw) })).status).toBe(401);
    expect((await account(o)).status).toBe('active');

    // A failed renewal: past due keeps the plan; then cancelled; then the old "active" arrives late and the cancel is replayed.
    await paddle.update(sub.id, { status: 'past_due' }, 'subscription.past_due');
    expect(await account(o)).toMatchObject({ status: 'past_due', plan_id: 'pro' });
    const cancel = await paddle.update(sub.id, { status: 'canceled' }, 'subscription.canceled');
    expect(await account(o)).toMatchObject({ status: 'canceled', plan_id: 'free' });
    expect((await paddle.fire('subscription.updated', oldState)).status).toBe(200);
    expect(await account(o)).toMatchObject({ status: 'canceled', plan_id: 'free' });
    const replay = await paddle.deliver(paddle.webhookUrl, cancel.raw, { 'paddle-signature': paddle.sign(cancel.raw) });
    expect(JSON.parse(replay.text)).toEqual({ received: true, duplicate: true });
  }, 60_000);

  it('BILL-2 the nightly reconcile reads Paddle; an outage at checkout is a clear 502 with nothing half-created', async () => {
    const o = await ownerWithWorkspace(server, 'Paddle Reconcile Co');
    await checkout(o, { planId: 'pro' });
    Object.assign(paddle.subscriptions.get((await account(o)).subscription_id)!, { status: 'past_due' });
    const r = await reconcileBilling(server.services);
    expect(r.failed).toBe(0);
    expect(await account(o)).toMatchObject({ status: 'past_due', plan_id: 'pro' });

    const other = await ownerWithWorkspace(server, 'Paddle Outage Co');
    paddle.failNext(503);
    const res = await other.client.post(`/api/workspaces/${other.workspaceId}/billing/checkout`, { planId: 'pro' });
    expect(res.statusCode).toBe(502);
    expect(res.json().error.message).toMatch(/Paddle did not answer, so nothing was started or charged/);
    expect(await account(other)).toBeUndefined();
  }, 60_000);

  it('BILL-3 AUTH-9 a credit pack bought through Paddle adds paid credits with a receipt; a refund claws them back', async () => {
    const o = await ownerWithWorkspace(server, 'Paddle Pack Co');
    await checkout(o, { packId: 'credits-500' });
    expect((await summary(o)).credits).toEqual({ free: 0, paid: 500, total: 500 });
    await server.smtp.waitForMail(o.email, (m) => m.subject.includes('Receipt: 500 credits'));
    const txn = [...paddle.transactions.values()].at(-1)!;
    expect(txn.subscription_id).toBeNull();
    expect((await paddle.refund(txn.id)).status).toBe(200);
    expect((await summary(o)).credits).toEqual({ free: 0, paid: 0, total: 0 });
    const ledger = (await o.client.get(`/api/workspaces/${o.workspaceId}/billing/ledger`)).json();
    expect(ledger.entries.map((e: { kind: string }) => e.kind)).toEqual(['refund', 'purchase']);
  }, 60_000);
  it('INT-4 BILL-2 a correctly signed Paddle body of another shape is ignored or refused with a 4xx, never a 500, and nothing is half-stored', async () => {
    const o = await ownerWithWorkspace(server, 'Odd Paddle Co');
    let n = 0;
    const ev = (type: unknown, data: unknown, id: unknown = `evt_odd_${++n}`) => ({ event_id: id, event_type: type, occurred_at: new Date().toISOString(), data });
    const txn = (over: Record<string, unknown>) => ev('transaction.completed', { id: `txn_odd_${++n}`, subscription_id: 'sub_odd', customer_id: 'ctm_odd', currency_code: 'USD', billed_at: new Date().toISOString(), details: { totals: { grand_total: '4900' } }, custom_data: { workspace_id: o.workspaceId }, ...over });
    const bodies: [string, unknown][] = [
      ...oddBodies((data) => ev('transaction.completed', data)),
      ...oddBodies((data) => ev('subscription.updated', data)),
      ['event id a number', ev('subscription.updated', { id: 'sub_odd' }, 5)],
      ['event id 10,000 chars', ev('subscription.updated', { id: 'sub_odd' }, LONG)],
      ['type a number', ev(5, { id: 'sub_odd' })],
      ['subscription id a number', ev('subscription.updated', { id: 5, custom_data: { workspace_id: o.workspaceId } })],
      ['subscription id 10,000 chars', ev('subscription.updated', { id: LONG, custom_data: { workspace_id: o.workspaceId } })],
      ['custom_data a string', ev('subscription.updated', { id: 'sub_odd', custom_data: 'x' })],
      ['amount 1e20', txn({ details: { totals: { grand_total: '1e20' } } })],
      ['amount a number', txn({ details: { totals: { grand_total: 1e20 } } })],
      ['billed_at 1e20', txn({ billed_at: 1e20 })],
      ['billed_at not a date', txn({ billed_at: 'soon' })],
      ['currency a number', txn({ currency_code: 5 })],
      ['invoice number a number', txn({ invoice_number: 5 })],
      ['transaction id 10,000 chars', txn({ id: LONG, invoice_number: LONG })],
      ['customer a number', txn({ customer_id: 5 })],
      ['pack with ids of the wrong type', ev('transaction.completed', { id: 'txn_odd_pack', customer_id: 5, custom_data: { workspace_id: o.workspaceId, pack_id: 5 } })],
      ['adjustment of another shape', ev('adjustment.created', { action: 'refund', status: 'approved', transaction_id: 5 })],
    ];
    await expectNever500(bodies, (raw) => paddle.deliver(paddle.webhookUrl, raw, { 'paddle-signature': paddle.sign(raw) }));
    const { rows } = await server.services.database.systemPool.query(`SELECT amount_minor FROM billing_invoices WHERE workspace_id = $1`, [o.workspaceId]);
    expect(rows.filter((r) => Number(r.amount_minor) > 1e12)).toEqual([]);
    expect((await summary(o)).plan).toMatchObject({ id: 'free' });
  }, 60_000);

});
