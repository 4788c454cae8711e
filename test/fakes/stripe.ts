import { createHmac, randomBytes } from 'node:crypto';
import { FakeProvider, route, type FakeRequest, type FakeResponse } from './harness';

/**
 * A local Stripe for tests (STYLE 13, 18), speaking the REST API as the official `stripe` SDK
 * does (form-encoded requests, JSON objects, Stripe's `{ error: { type, message } }`):
 * Checkout Sessions, the hosted checkout page (which "pays" with a test card, fires the signed
 * webhooks Stripe would — `Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")` — and
 * redirects to the success URL), subscriptions, the billing portal and refunds; and for a shop's
 * own sales (INV-5) prices with inline product data and Payment Links, whose hosted page pays the
 * link's amount and fires `checkout.session.completed` naming the link.
 */
export const TEST_CARD = '4242424242424242';

interface Session { id: string; mode: 'subscription' | 'payment'; price: string; customer: string | null; customer_email: string | null; client_reference_id: string | null; metadata: Record<string, string>; subscription_metadata: Record<string, string>; success_url: string; cancel_url: string; status: 'open' | 'complete'; subscription: string | null; payment_intent: string | null }
export interface FakeSubscription { id: string; customer: string; status: string; price: string; metadata: Record<string, string>; current_period_start: number; current_period_end: number; cancel_at_period_end: boolean }

interface FakePrice { id: string; currency: string; unit_amount: number; product: string; name: string }
interface FakeLink { id: string; price: string; quantity: number; metadata: Record<string, string>; payment_intent_metadata: Record<string, string>; limit: number | null; completed: number; active: boolean }

export class FakeStripe extends FakeProvider {
  readonly sessions = new Map<string, Session>();
  readonly prices = new Map<string, FakePrice>();
  readonly links = new Map<string, FakeLink>();
  readonly subscriptions = new Map<string, FakeSubscription>();
  /** Every webhook delivered: its body and Kestrel's answer. */
  readonly delivered: { raw: string; header: string; status: number }[] = [];
  /** Where webhooks go (Kestrel's /api/billing/webhooks/stripe). */
  webhookUrl = '';

  constructor(readonly secretKey = 'sk_test_kestrel', readonly webhookSecret = 'whsec_kestrel_test') {
    super();
  }

  protected errorBody(status: number, message: string) {
    return { error: { type: status >= 500 ? 'api_error' : 'invalid_request_error', message } };
  }

  private authorised(r: FakeRequest): boolean {
    return r.headers.authorization === `Bearer ${this.secretKey}`;
  }

  /** Signs `raw` as Stripe does; `at` in seconds (default now). */
  sign(raw: string, at = Math.floor(Date.now() / 1000), secret = this.webhookSecret): string {
    return `t=${at},v1=${createHmac('sha256', secret).update(`${at}.${raw}`).digest('hex')}`;
  }

  /** Builds a Stripe event and posts it, signed, to Kestrel; answers Kestrel's status. */
  async fire(type: string, object: unknown, opts: { id?: string; at?: number } = {}): Promise<{ status: number; text: string; raw: string; id: string }> {
    const id = opts.id ?? `evt_${randomBytes(8).toString('hex')}`;
    const raw = JSON.stringify({ id, object: 'event', api_version: '2024-06-20', created: Math.floor(Date.now() / 1000), type, livemode: false, data: { object } });
    const header = this.sign(raw, opts.at);
    const res = await this.deliver(this.webhookUrl, raw, { 'stripe-signature': header });
    this.delivered.push({ raw, header, status: res.status });
    return { ...res, raw, id };
  }

  subscriptionObject(s: FakeSubscription) {
    return {
      id: s.id,
      object: 'subscription',
      customer: s.customer,
      status: s.status,
      metadata: s.metadata,
      cancel_at_period_end: s.cancel_at_period_end,
      current_period_start: s.current_period_start,
      current_period_end: s.current_period_end,
      // The card Stripe keeps; only its last 4 and country ever reach Kestrel.
      default_payment_method: { id: 'pm_test', object: 'payment_method', card: { brand: 'visa', last4: TEST_CARD.slice(-4), country: 'US', exp_month: 12, exp_year: 2030 } },
      items: { object: 'list', data: [{ id: `si_${s.id}`, object: 'subscription_item', price: { id: s.price, object: 'price' } }] },
    };
  }

  /** Changes a subscription at "Stripe" (a portal cancel, a renewal) and fires `customer.subscription.updated`. */
  async update(id: string, change: Partial<FakeSubscription>, type = 'customer.subscription.updated') {
    const s = this.subscriptions.get(id)!;
    Object.assign(s, change);
    return this.fire(type, this.subscriptionObject(s));
  }

  /** The hosted checkout page paying with the test card: webhooks first, then the redirect. */
  private async pay(session: Session) {
    const customer = session.customer ?? `cus_${randomBytes(6).toString('hex')}`;
    session.customer = customer;
    session.status = 'complete';
    const now = Math.floor(Date.now() / 1000);
    if (session.mode === 'subscription') {
      const sub: FakeSubscription = { id: `sub_${randomBytes(6).toString('hex')}`, customer, status: 'active', price: session.price, metadata: session.subscription_metadata, current_period_start: now, current_period_end: now + 30 * 86400, cancel_at_period_end: false };
      this.subscriptions.set(sub.id, sub);
      session.subscription = sub.id;
      await this.fire('checkout.session.completed', this.sessionObject(session));
      await this.fire('invoice.paid', {
        id: `in_${randomBytes(6).toString('hex')}`, object: 'invoice', customer, number: `KST-${now}`, amount_paid: 4900, amount_due: 4900, currency: 'usd', status: 'paid', created: now,
        hosted_invoice_url: `${this.url}/invoices/${sub.id}`, subscription_details: { metadata: session.subscription_metadata },
      });
    } else {
      session.payment_intent = `pi_${randomBytes(6).toString('hex')}`;
      await this.fire('checkout.session.completed', this.sessionObject(session));
    }
  }

  linkObject(l: FakeLink) {
    return { id: l.id, object: 'payment_link', active: l.active, currency: this.prices.get(l.price)!.currency, metadata: l.metadata, url: `${this.url}/l/${l.id}`, restrictions: l.limit ? { completed_sessions: { count: l.completed, limit: l.limit } } : null };
  }

  /** The customer pays a Payment Link on its hosted page: a completed Checkout Session for the link's amount, announced by webhook. */
  async payLink(id: string): Promise<{ status: number; paymentIntent: string | null }> {
    const l = this.links.get(id);
    if (!l || !l.active || (l.limit !== null && l.completed >= l.limit)) return { status: 410, paymentIntent: null };
    const price = this.prices.get(l.price)!;
    l.completed += 1;
    if (l.limit !== null && l.completed >= l.limit) l.active = false;
    const paymentIntent = `pi_${randomBytes(8).toString('hex')}`;
    const session = {
      id: `cs_test_${randomBytes(8).toString('hex')}`, object: 'checkout.session', mode: 'payment', payment_link: l.id, payment_intent: paymentIntent, payment_status: 'paid', status: 'complete',
      amount_total: price.unit_amount * l.quantity, amount_subtotal: price.unit_amount * l.quantity, currency: price.currency, metadata: l.metadata, customer: null, customer_details: { email: 'buyer@example.in' },
    };
    await this.fire('checkout.session.completed', session);
    return { status: 200, paymentIntent };
  }

  sessionObject(s: Session) {
    return {
      id: s.id, object: 'checkout.session', mode: s.mode, customer: s.customer, client_reference_id: s.client_reference_id, metadata: s.metadata, subscription: s.subscription,
      payment_intent: s.payment_intent, payment_status: s.status === 'complete' ? 'paid' : 'unpaid', status: s.status, url: `${this.url}/pay/${s.id}`, customer_details: { email: s.customer_email },
    };
  }

  protected routes = [
    route('POST', '/v1/checkout/sessions', (r) => {
      if (!this.authorised(r)) return { status: 401, body: this.errorBody(401, 'Invalid API Key provided') };
      const b = r.body as Record<string, any>;
      const price = b.line_items?.[0]?.price;
      if (!price || !b.success_url) return { status: 400, body: this.errorBody(400, 'Missing required param: line_items[0][price].') };
      const s: Session = {
        id: `cs_test_${randomBytes(8).toString('hex')}`, mode: b.mode, price, customer: b.customer ?? null, customer_email: b.customer_email ?? null, client_reference_id: b.client_reference_id ?? null,
        metadata: b.metadata ?? {}, subscription_metadata: b.subscription_data?.metadata ?? {}, success_url: b.success_url, cancel_url: b.cancel_url, status: 'open', subscription: null, payment_intent: null,
      };
      this.sessions.set(s.id, s);
      return { status: 200, body: this.sessionObject(s) };
    }),
    route('POST', '/v1/prices', (r) => {
      if (!this.authorised(r)) return { status: 401, body: this.errorBody(401, 'Invalid API Key provided') };
      const b = r.body as Record<string, any>;
      const amount = Number(b.unit_amount);
      if (!b.currency || !Number.isInteger(amount) || amount < 1) return { status: 400, body: this.errorBody(400, 'Missing required param: unit_amount.') };
      if (!b.product && !b.product_data?.name) return { status: 400, body: this.errorBody(400, 'Missing required param: product_data[name].') };
      const p: FakePrice = { id: `price_${randomBytes(8).toString('hex')}`, currency: b.currency, unit_amount: amount, product: b.product ?? `prod_${randomBytes(6).toString('hex')}`, name: b.product_data?.name ?? '' };
      this.prices.set(p.id, p);
      return { status: 200, body: { id: p.id, object: 'price', active: true, currency: p.currency, unit_amount: p.unit_amount, product: p.product, type: 'one_time' } };
    }),
    route('POST', '/v1/payment_links', (r) => {
      if (!this.authorised(r)) return { status: 401, body: this.errorBody(401, 'Invalid API Key provided') };
      const b = r.body as Record<string, any>;
      const item = b.line_items?.[0];
      if (!item?.price || !this.prices.has(item.price)) return { status: 400, body: this.errorBody(400, `No such price: '${item?.price ?? ''}'`) };
      const l: FakeLink = {
        id: `plink_${randomBytes(8).toString('hex')}`, price: item.price, quantity: Number(item.quantity ?? 1), metadata: b.metadata ?? {}, payment_intent_metadata: b.payment_intent_data?.metadata ?? {},
        limit: b.restrictions?.completed_sessions?.limit ? Number(b.restrictions.completed_sessions.limit) : null, completed: 0, active: true,
      };
      this.links.set(l.id, l);
      return { status: 200, body: this.linkObject(l) };
    }),
    route('GET', '/l/:id', async (r): Promise<FakeResponse> => {
      const paid = await this.payLink(r.params.id!);
      return paid.status === 200
        ? { status: 200, raw: '<!doctype html><title>Paid</title><p>Thanks for your payment</p>', headers: { 'content-type': 'text/html' } }
        : { status: paid.status, raw: 'This link is no longer active', headers: { 'content-type': 'text/plain' } };
    }),
    route('GET', '/pay/:id', async (r): Promise<FakeResponse> => {
      const s = this.sessions.get(r.params.id!);
      if (!s) return { status: 404, raw: 'No such checkout session', headers: { 'content-type': 'text/plain' } };
      if (s.status === 'open') await this.pay(s);
      return { status: 303, raw: '', headers: { location: s.success_url } };
    }),
    route('GET', '/v1/subscriptions/:id', (r) => {
      if (!this.authorised(r)) return { status: 401, body: this.errorBody(401, 'Invalid API Key provided') };
      const s = this.subscriptions.get(r.params.id!);
      return s ? { status: 200, body: this.subscriptionObject(s) } : { status: 404, body: this.errorBody(404, `No such subscription: '${r.params.id}'`) };
    }),
    route('POST', '/v1/billing_portal/sessions', (r) => {
      if (!this.authorised(r)) return { status: 401, body: this.errorBody(401, 'Invalid API Key provided') };
      const b = r.body as Record<string, string>;
      return { status: 200, body: { id: `bps_${randomBytes(6).toString('hex')}`, object: 'billing_portal.session', customer: b.customer, return_url: b.return_url, url: `${this.url}/portal/${b.customer}` } };
    }),
  ];
}
