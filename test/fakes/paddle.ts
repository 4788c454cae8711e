import { createHmac, randomBytes } from 'node:crypto';
import { FakeProvider, route, type FakeRequest, type FakeResponse } from './harness';

/**
 * A local Paddle Billing for tests (STYLE 13, 18), speaking the API as the official
 * `@paddle/paddle-node-sdk` does (JSON in snake_case, `{ data, meta }` answers, Paddle's
 * `{ error: { type, code, detail } }`): transactions with a hosted checkout URL (`/pay?_ptxn=…`,
 * which "pays" with a test card, sends the signed notifications Paddle would —
 * `Paddle-Signature: ts=…;h1=HMAC-SHA256(secret, "ts:body")` — and redirects back), subscriptions
 * (get, cancel at the next billing period), customer portal sessions and adjustments (refunds).
 */
export const PADDLE_TEST_CARD = '4000056655665556';

export interface FakePaddlePrice {
  amount: number;
  currency: string;
  /** A monthly price makes a subscription; a one-off price a single payment. */
  recurring: boolean;
}

interface Txn { id: string; status: 'ready' | 'completed' | 'past_due'; customer_id: string | null; price_id: string; custom_data: Record<string, unknown> | null; subscription_id: string | null; invoice_number: string | null; created_at: string; billed_at: string | null }
export interface FakePaddleSubscription { id: string; status: 'active' | 'past_due' | 'canceled' | 'paused' | 'trialing'; customer_id: string; price_id: string; custom_data: Record<string, unknown> | null; starts_at: string; ends_at: string; scheduled_change: { action: 'cancel'; effective_at: string } | null }

const iso = (ms: number) => new Date(ms).toISOString();
const pid = (prefix: string) => `${prefix}_01${randomBytes(12).toString('hex').slice(0, 24)}`;

export class FakePaddle extends FakeProvider {
  readonly transactions = new Map<string, Txn>();
  readonly subscriptions = new Map<string, FakePaddleSubscription>();
  readonly delivered: { raw: string; header: string; status: number }[] = [];
  /** Where notifications go (Kestrel's /api/billing/webhooks/paddle). */
  webhookUrl = '';
  /** Where the hosted checkout sends the buyer after paying (set in Paddle's dashboard; here by the test). */
  successUrl: (txn: Txn) => string = () => 'about:blank';

  constructor(
    readonly prices: Record<string, FakePaddlePrice>,
    readonly apiKey = 'pdl_sdbx_apikey_kestrel',
    readonly webhookSecret = 'pdl_ntfset_kestrel_test',
  ) {
    super();
  }

  protected errorBody(status: number, message: string) {
    const code = status === 401 ? 'authentication_malformed' : status === 404 ? 'not_found' : status >= 500 ? 'internal_error' : 'bad_request';
    return { error: { type: status >= 500 ? 'api_error' : 'request_error', code, detail: message, documentation_url: `https://developer.paddle.com/errors/shared/${code}` }, meta: { request_id: randomBytes(8).toString('hex') } };
  }

  private ok(data: unknown, status = 200): FakeResponse {
    return { status, body: { data, meta: { request_id: randomBytes(8).toString('hex') } } };
  }

  private authorised(r: FakeRequest): boolean {
    return r.headers.authorization?.toLowerCase() === `bearer ${this.apiKey}`.toLowerCase();
  }

  /** Signs `raw` as Paddle does; `at` in seconds (default now). */
  sign(raw: string, at = Math.floor(Date.now() / 1000), secret = this.webhookSecret): string {
    return `ts=${at};h1=${createHmac('sha256', secret).update(`${at}:${raw}`).digest('hex')}`;
  }

  /** Builds a Paddle notification and posts it, signed, to Kestrel. */
  async fire(type: string, data: unknown, opts: { id?: string; at?: number } = {}): Promise<{ status: number; text: string; raw: string; id: string; header: string }> {
    const id = opts.id ?? pid('evt');
    const raw = JSON.stringify({ event_id: id, event_type: type, occurred_at: iso(Date.now()), notification_id: pid('ntf'), data });
    const header = this.sign(raw, opts.at);
    const res = await this.deliver(this.webhookUrl, raw, { 'paddle-signature': header });
    this.delivered.push({ raw, header, status: res.status });
    return { ...res, raw, id, header };
  }

  priceObject(id: string) {
    const p = this.prices[id]!;
    return {
      id, product_id: 'pro_01kestrel', description: id, type: 'standard', name: id, tax_mode: 'account_setting',
      billing_cycle: p.recurring ? { interval: 'month', frequency: 1 } : null, trial_period: null,
      unit_price: { amount: String(p.amount), currency_code: p.currency }, unit_price_overrides: [], quantity: { minimum: 1, maximum: 1 },
      status: 'active', custom_data: null, import_meta: null, created_at: iso(0), updated_at: iso(0),
    };
  }

  subscriptionObject(s: FakePaddleSubscription) {
    const price = this.priceObject(s.price_id);
    return {
      id: s.id, status: s.status, customer_id: s.customer_id, address_id: 'add_01kestrel', business_id: null, currency_code: price.unit_price.currency_code,
      created_at: s.starts_at, updated_at: iso(Date.now()), started_at: s.starts_at, first_billed_at: s.starts_at, next_billed_at: s.status === 'canceled' || s.scheduled_change ? null : s.ends_at,
      paused_at: null, canceled_at: s.status === 'canceled' ? iso(Date.now()) : null, discount: null, collection_mode: 'automatic', billing_details: null,
      current_billing_period: s.status === 'canceled' ? null : { starts_at: s.starts_at, ends_at: s.ends_at },
      billing_cycle: { interval: 'month', frequency: 1 }, scheduled_change: s.scheduled_change ? { ...s.scheduled_change, resume_at: null } : null,
      management_urls: { update_payment_method: `${this.url}/manage/${s.id}/card`, cancel: `${this.url}/manage/${s.id}/cancel` },
      items: [{ status: 'active', quantity: 1, recurring: true, created_at: s.starts_at, updated_at: s.starts_at, previously_billed_at: s.starts_at, next_billed_at: s.ends_at, trial_dates: null, price, product: { id: 'pro_01kestrel', name: 'Kestrel', description: null, type: 'standard', tax_category: 'saas', image_url: null, custom_data: null, status: 'active', import_meta: null, created_at: iso(0), updated_at: iso(0) } }],
      custom_data: s.custom_data, import_meta: null,
    };
  }

  transactionObject(t: Txn) {
    const p = this.prices[t.price_id]!;
    const total = String(p.amount);
    return {
      id: t.id, status: t.status, customer_id: t.customer_id, address_id: t.customer_id ? 'add_01kestrel' : null, business_id: null, custom_data: t.custom_data, currency_code: p.currency,
      origin: t.subscription_id && t.invoice_number ? 'subscription_recurring' : 'api', subscription_id: t.subscription_id, invoice_id: t.invoice_number ? `inv_${t.id.slice(4)}` : null, invoice_number: t.invoice_number,
      collection_mode: 'automatic', discount_id: null, billing_details: null, billing_period: null,
      items: [{ price: this.priceObject(t.price_id), quantity: 1, proration: null }],
      details: { tax_rates_used: [], totals: { subtotal: total, discount: '0', tax: '0', total, credit: '0', credit_to_balance: '0', balance: '0', grand_total: total, fee: null, earnings: null, currency_code: p.currency }, adjusted_totals: null, payout_totals: null, adjusted_payout_totals: null, line_items: [] },
      // The card stays at Paddle; only its type, last 4 and expiry ever appear.
      payments: t.status === 'completed' ? [{ payment_attempt_id: pid('pay'), stored_payment_method_id: pid('paymtd'), payment_method_id: null, amount: total, status: 'captured', error_code: null, method_details: { type: 'card', card: { type: 'visa', last4: PADDLE_TEST_CARD.slice(-4), expiry_month: 12, expiry_year: 2030, cardholder_name: 'Test' } }, created_at: t.billed_at, captured_at: t.billed_at }] : [],
      checkout: { url: `${this.url}/pay?_ptxn=${t.id}` },
      created_at: t.created_at, updated_at: iso(Date.now()), billed_at: t.billed_at,
    };
  }

  /** Changes a subscription at "Paddle" (a portal cancel, a failed renewal) and sends `subscription.<type>`. */
  async update(id: string, change: Partial<FakePaddleSubscription>, type = 'subscription.updated') {
    const s = this.subscriptions.get(id)!;
    Object.assign(s, change);
    return this.fire(type, this.subscriptionObject(s));
  }

  /** The customer cancels in Paddle's portal: it ends at the period's end. */
  cancelAtPeriodEnd(id: string) {
    const s = this.subscriptions.get(id)!;
    return this.update(id, { scheduled_change: { action: 'cancel', effective_at: s.ends_at } });
  }

  /** Paddle refunds a transaction (approved adjustment). */
  refund(transactionId: string, action: 'refund' | 'chargeback' = 'refund') {
    const t = this.transactions.get(transactionId)!;
    const p = this.prices[t.price_id]!;
    return this.fire('adjustment.created', {
      id: pid('adj'), action, transaction_id: t.id, subscription_id: t.subscription_id, customer_id: t.customer_id, reason: 'requested by customer', credit_applied_to_balance: null, currency_code: p.currency, status: 'approved',
      items: [], totals: { subtotal: String(p.amount), tax: '0', total: String(p.amount), fee: '0', earnings: '0', currency_code: p.currency }, payout_totals: null, tax_rates_used: [], created_at: iso(Date.now()), updated_at: iso(Date.now()),
    });
  }

  /** The hosted checkout paying with the test card: notifications first, then the redirect. */
  private async pay(t: Txn) {
    const now = Date.now();
    t.customer_id ??= pid('ctm');
    t.status = 'completed';
    t.billed_at = iso(now);
    if (this.prices[t.price_id]!.recurring) {
      const sub: FakePaddleSubscription = { id: pid('sub'), status: 'active', customer_id: t.customer_id, price_id: t.price_id, custom_data: t.custom_data, starts_at: iso(now), ends_at: iso(now + 30 * 86_400_000), scheduled_change: null };
      this.subscriptions.set(sub.id, sub);
      t.subscription_id = sub.id;
      t.invoice_number = `KST-${this.transactions.size}`;
      await this.fire('subscription.created', this.subscriptionObject(sub));
    }
    await this.fire('transaction.completed', this.transactionObject(t));
  }

  protected routes = [
    route('POST', '/transactions', (r) => {
      if (!this.authorised(r)) return { status: 401, body: this.errorBody(401, 'Authentication header included, but incorrectly formatted') };
      const b = r.body as { items?: { price_id?: string; quantity?: number }[]; custom_data?: Record<string, unknown>; customer_id?: string };
      const price = b.items?.[0]?.price_id;
      if (!price || !this.prices[price]) return { status: 400, body: this.errorBody(400, `items[0].price_id: price ${price} not found`) };
      const t: Txn = { id: pid('txn'), status: 'ready', customer_id: b.customer_id ?? null, price_id: price, custom_data: b.custom_data ?? null, subscription_id: null, invoice_number: null, created_at: iso(Date.now()), billed_at: null };
      this.transactions.set(t.id, t);
      return this.ok(this.transactionObject(t), 201);
    }),
    route('GET', '/transactions/:id', (r) => {
      if (!this.authorised(r)) return { status: 401, body: this.errorBody(401, 'Authentication header included, but incorrectly formatted') };
      const t = this.transactions.get(r.params.id!);
      return t ? this.ok(this.transactionObject(t)) : { status: 404, body: this.errorBody(404, `Transaction ${r.params.id} not found`) };
    }),
    route('GET', '/pay', async (r): Promise<FakeResponse> => {
      const t = this.transactions.get(r.query._ptxn ?? '');
      if (!t) return { status: 404, raw: 'No such transaction', headers: { 'content-type': 'text/plain' } };
      if (t.status === 'ready') await this.pay(t);
      return { status: 302, raw: '', headers: { location: this.successUrl(t) } };
    }),
    route('GET', '/subscriptions/:id', (r) => {
      if (!this.authorised(r)) return { status: 401, body: this.errorBody(401, 'Authentication header included, but incorrectly formatted') };
      const s = this.subscriptions.get(r.params.id!);
      return s ? this.ok(this.subscriptionObject(s)) : { status: 404, body: this.errorBody(404, `Subscription ${r.params.id} not found`) };
    }),
    route('POST', '/subscriptions/:id/cancel', (r) => {
      if (!this.authorised(r)) return { status: 401, body: this.errorBody(401, 'Authentication header included, but incorrectly formatted') };
      const s = this.subscriptions.get(r.params.id!);
      if (!s) return { status: 404, body: this.errorBody(404, `Subscription ${r.params.id} not found`) };
      if ((r.body as { effective_from?: string } | undefined)?.effective_from === 'immediately') s.status = 'canceled';
      else s.scheduled_change = { action: 'cancel', effective_at: s.ends_at };
      return this.ok(this.subscriptionObject(s));
    }),
    route('POST', '/customers/:id/portal-sessions', (r) => {
      if (!this.authorised(r)) return { status: 401, body: this.errorBody(401, 'Authentication header included, but incorrectly formatted') };
      const ids = ((r.body as { subscription_ids?: string[] } | undefined)?.subscription_ids ?? []) as string[];
      return this.ok({
        id: pid('cpls'), customer_id: r.params.id, created_at: iso(Date.now()),
        urls: { general: { overview: `${this.url}/portal/${r.params.id}` }, subscriptions: ids.map((id) => ({ id, cancel_subscription: `${this.url}/portal/${r.params.id}/cancel/${id}`, update_subscription_payment_method: `${this.url}/portal/${r.params.id}/card/${id}` })) },
      }, 201);
    }),
  ];
}
