import { createHmac, randomBytes } from 'node:crypto';
import { FakeProvider, route, type FakeRequest, type FakeResponse } from './harness';

/**
 * A local Razorpay for tests (STYLE 13, 18), speaking the REST API as the official `razorpay`
 * SDK does (HTTP Basic key id/secret, JSON, Razorpay's `{ error: { code, description } }`):
 * subscriptions on plan ids (create, fetch, cancel now or at cycle end) whose `short_url` is the
 * hosted page, Payment Links (`/v1/payment_links` create/fetch; also for invoicing's INV-5), and
 * the hosted pages that "pay" and send the signed webhooks Razorpay would —
 * `X-Razorpay-Signature: hex HMAC-SHA256(secret, body)`, `x-razorpay-event-id` — then redirect.
 */
export const RAZORPAY_TEST_CARD = '5267318187975449';

export interface FakeRazorpaySubscription { id: string; plan_id: string; status: string; customer_id: string | null; notes: Record<string, string>; current_start: number | null; current_end: number | null; end_at: number | null; paid_count: number; total_count: number; created_at: number }
export interface FakePaymentLink { id: string; amount: number; currency: string; description: string; status: 'created' | 'paid' | 'cancelled' | 'expired'; notes: Record<string, string>; customer: Record<string, string>; callback_url: string | null; reference_id: string | null; payment_id: string | null; created_at: number }

const now = () => Math.floor(Date.now() / 1000);
const rid = (prefix: string) => `${prefix}_${randomBytes(7).toString('base64url').replace(/[-_]/g, 'x').slice(0, 14)}`;

export class FakeRazorpay extends FakeProvider {
  readonly subscriptions = new Map<string, FakeRazorpaySubscription>();
  readonly links = new Map<string, FakePaymentLink>();
  /** Payments made, by id (amount, currency, notes), for refunds. */
  readonly payments = new Map<string, { id: string; amount: number; currency: string; notes: Record<string, string> }>();
  readonly delivered: { raw: string; signature: string; eventId: string; status: number }[] = [];
  webhookUrl = '';
  /** Where a subscription's hosted page sends the buyer after paying (Razorpay: the checkout's callback). */
  successUrl: (s: FakeRazorpaySubscription) => string = () => 'about:blank';

  constructor(
    readonly plans: Record<string, { amount: number; currency: string }>,
    readonly keyId = 'rzp_test_kestrel',
    readonly keySecret = 'rzp_secret_kestrel',
    readonly webhookSecret = 'rzp_whsec_kestrel',
  ) {
    super();
  }

  protected errorBody(status: number, message: string) {
    return { error: { code: status >= 500 ? 'SERVER_ERROR' : 'BAD_REQUEST_ERROR', description: message, source: 'NA', step: 'NA', reason: 'NA', metadata: {}, field: null } };
  }

  private authorised(r: FakeRequest): boolean {
    return r.headers.authorization === `Basic ${Buffer.from(`${this.keyId}:${this.keySecret}`).toString('base64')}`;
  }

  private denied(): FakeResponse {
    return { status: 401, body: this.errorBody(401, 'The api key provided is invalid') };
  }

  sign(raw: string, secret = this.webhookSecret): string {
    return createHmac('sha256', secret).update(raw).digest('hex');
  }

  /** Builds a Razorpay webhook and posts it, signed, to Kestrel. */
  async fire(event: string, payload: Record<string, unknown>, opts: { id?: string } = {}): Promise<{ status: number; text: string; raw: string; id: string; signature: string }> {
    const id = opts.id ?? rid('evt');
    const raw = JSON.stringify({ entity: 'event', account_id: 'acc_kestrel', event, contains: Object.keys(payload), payload: Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, { entity: v }])), created_at: now() });
    const signature = this.sign(raw);
    const res = await this.deliver(this.webhookUrl, raw, { 'x-razorpay-signature': signature, 'x-razorpay-event-id': id });
    this.delivered.push({ raw, signature, eventId: id, status: res.status });
    return { ...res, raw, id, signature };
  }

  subscriptionObject(s: FakeRazorpaySubscription) {
    return {
      id: s.id, entity: 'subscription', plan_id: s.plan_id, customer_id: s.customer_id, status: s.status, current_start: s.current_start, current_end: s.current_end, ended_at: s.status === 'cancelled' ? now() : null,
      quantity: 1, notes: s.notes, charge_at: s.current_end, start_at: s.current_start, end_at: s.end_at, auth_attempts: 0, total_count: s.total_count, paid_count: s.paid_count,
      customer_notify: true, created_at: s.created_at, expire_by: null, short_url: `${this.url}/subscriptions/${s.id}/pay`, has_scheduled_changes: false, change_scheduled_at: null,
      source: 'api', payment_method: 'card', offer_id: null, remaining_count: s.total_count - s.paid_count,
    };
  }

  linkObject(l: FakePaymentLink) {
    return {
      id: l.id, entity: 'payment_link', amount: l.amount, amount_paid: l.status === 'paid' ? l.amount : 0, currency: l.currency, accept_partial: false, first_min_partial_amount: 0, description: l.description,
      customer: l.customer, notify: { email: false, sms: false }, reminder_enable: false, notes: l.notes, callback_url: l.callback_url, callback_method: 'get', reference_id: l.reference_id,
      status: l.status, short_url: `${this.url}/links/${l.id}`, upi_link: false, expire_by: 0, expired_at: 0, cancelled_at: 0, created_at: l.created_at, updated_at: now(), user_id: '',
      payments: l.payment_id ? [{ payment_id: l.payment_id, amount: l.amount, method: 'card', status: 'captured', created_at: now() }] : null,
    };
  }

  private payment(amount: number, currency: string, notes: Record<string, string>, extra: Record<string, unknown> = {}) {
    const p = { id: rid('pay'), amount, currency, notes };
    this.payments.set(p.id, p);
    // The card stays at Razorpay: only its network and last 4 ever appear.
    return { ...p, entity: 'payment', status: 'captured', method: 'card', captured: true, email: 'buyer@example.com', contact: '+919999999999', card: { id: rid('card'), entity: 'card', name: 'Test', last4: RAZORPAY_TEST_CARD.slice(-4), network: 'MasterCard', type: 'credit', international: false }, created_at: now(), ...extra };
  }

  /** Changes a subscription at "Razorpay" (a failed renewal, the cycle end) and sends `subscription.<event>`. */
  async update(id: string, change: Partial<FakeRazorpaySubscription>, event = 'subscription.updated') {
    const s = this.subscriptions.get(id)!;
    Object.assign(s, change);
    return this.fire(event, { subscription: this.subscriptionObject(s) });
  }

  /** Razorpay refunds a payment (refund.processed) or reports a dispute. */
  refund(paymentId: string, kind: 'refund' | 'dispute' = 'refund') {
    const p = this.payments.get(paymentId)!;
    return kind === 'refund'
      ? this.fire('refund.processed', { refund: { id: rid('rfnd'), entity: 'refund', amount: p.amount, currency: p.currency, payment_id: p.id, notes: {}, status: 'processed', created_at: now() }, payment: { ...p, entity: 'payment', status: 'refunded' } })
      : this.fire('payment.dispute.created', { dispute: { id: rid('disp'), entity: 'dispute', payment_id: p.id, amount: p.amount, currency: p.currency, phase: 'chargeback', status: 'open', created_at: now() }, payment: { ...p, entity: 'payment' } });
  }

  /** The subscription's hosted page paying with the test card: authenticated, activated, charged; then the redirect. */
  private async paySubscription(s: FakeRazorpaySubscription) {
    const t = now();
    Object.assign(s, { status: 'authenticated', customer_id: s.customer_id ?? rid('cust') });
    await this.fire('subscription.authenticated', { subscription: this.subscriptionObject(s) });
    Object.assign(s, { status: 'active', current_start: t, current_end: t + 30 * 86400, paid_count: 1 });
    const plan = this.plans[s.plan_id]!;
    const pay = this.payment(plan.amount, plan.currency, {}, { invoice_id: rid('inv'), customer_id: s.customer_id });
    await this.fire('subscription.activated', { subscription: this.subscriptionObject(s) });
    await this.fire('subscription.charged', { subscription: this.subscriptionObject(s), payment: pay });
  }

  /** A Payment Link's page paying: payment.captured (the link's notes copied onto the payment) and payment_link.paid. */
  private async payLink(l: FakePaymentLink) {
    const pay = this.payment(l.amount, l.currency, l.notes, { email: l.customer.email ?? null });
    l.status = 'paid';
    l.payment_id = pay.id;
    await this.fire('payment.captured', { payment: pay });
    await this.fire('payment_link.paid', { payment_link: this.linkObject(l), payment: pay, order: { id: rid('order'), entity: 'order', amount: l.amount, status: 'paid' } });
  }

  protected routes = [
    route('POST', '/v1/subscriptions', (r) => {
      if (!this.authorised(r)) return this.denied();
      const b = r.body as { plan_id?: string; total_count?: number; notes?: Record<string, string>; customer_id?: string };
      if (!b.plan_id || !this.plans[b.plan_id]) return { status: 400, body: this.errorBody(400, 'The id provided does not exist') };
      if (!b.total_count) return { status: 400, body: this.errorBody(400, 'The total count field is required.') };
      const s: FakeRazorpaySubscription = { id: rid('sub'), plan_id: b.plan_id, status: 'created', customer_id: b.customer_id ?? null, notes: b.notes ?? {}, current_start: null, current_end: null, end_at: null, paid_count: 0, total_count: b.total_count, created_at: now() };
      this.subscriptions.set(s.id, s);
      return { status: 200, body: this.subscriptionObject(s) };
    }),
    route('GET', '/v1/subscriptions/:id', (r) => {
      if (!this.authorised(r)) return this.denied();
      const s = this.subscriptions.get(r.params.id!);
      return s ? { status: 200, body: this.subscriptionObject(s) } : { status: 400, body: this.errorBody(400, 'The id provided does not exist') };
    }),
    route('POST', '/v1/subscriptions/:id/cancel', (r) => {
      if (!this.authorised(r)) return this.denied();
      const s = this.subscriptions.get(r.params.id!);
      if (!s) return { status: 400, body: this.errorBody(400, 'The id provided does not exist') };
      if (s.status !== 'active' && s.status !== 'authenticated') return { status: 400, body: this.errorBody(400, 'Subscription is not cancellable in cancelled status.') };
      if ((r.body as { cancel_at_cycle_end?: number } | undefined)?.cancel_at_cycle_end) s.end_at = s.current_end;
      else s.status = 'cancelled';
      return { status: 200, body: this.subscriptionObject(s) };
    }),
    route('GET', '/subscriptions/:id/pay', async (r): Promise<FakeResponse> => {
      const s = this.subscriptions.get(r.params.id!);
      if (!s) return { status: 404, raw: 'No such subscription', headers: { 'content-type': 'text/plain' } };
      if (s.status === 'created') await this.paySubscription(s);
      return { status: 302, raw: '', headers: { location: this.successUrl(s) } };
    }),
    route('POST', '/v1/payment_links', (r) => {
      if (!this.authorised(r)) return this.denied();
      const b = r.body as { amount?: number; currency?: string; description?: string; notes?: Record<string, string>; customer?: Record<string, string>; callback_url?: string; reference_id?: string };
      if (!Number.isInteger(b.amount) || b.amount! < 100) return { status: 400, body: this.errorBody(400, 'The amount must be atleast INR 1.00') };
      if ([...this.links.values()].some((l) => b.reference_id && l.reference_id === b.reference_id)) return { status: 400, body: this.errorBody(400, `payment link with given reference_id ${b.reference_id} already exists`) };
      const l: FakePaymentLink = { id: rid('plink'), amount: b.amount!, currency: b.currency ?? 'INR', description: b.description ?? '', status: 'created', notes: b.notes ?? {}, customer: b.customer ?? {}, callback_url: b.callback_url ?? null, reference_id: b.reference_id ?? null, payment_id: null, created_at: now() };
      this.links.set(l.id, l);
      return { status: 200, body: this.linkObject(l) };
    }),
    route('GET', '/v1/payment_links/:id', (r) => {
      if (!this.authorised(r)) return this.denied();
      const l = this.links.get(r.params.id!);
      return l ? { status: 200, body: this.linkObject(l) } : { status: 400, body: this.errorBody(400, 'The id provided does not exist') };
    }),
    route('GET', '/links/:id', async (r): Promise<FakeResponse> => {
      const l = this.links.get(r.params.id!);
      if (!l) return { status: 404, raw: 'No such payment link', headers: { 'content-type': 'text/plain' } };
      if (l.status === 'created') await this.payLink(l);
      const back = new URL(l.callback_url ?? 'about:blank');
      back.searchParams.set('razorpay_payment_id', l.payment_id!);
      back.searchParams.set('razorpay_payment_link_id', l.id);
      back.searchParams.set('razorpay_payment_link_status', 'paid');
      return { status: 302, raw: '', headers: { location: back.toString() } };
    }),
  ];
}
