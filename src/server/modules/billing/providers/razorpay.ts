import Razorpay from 'razorpay';
import type { SubscriptionStatus } from '../billing.schema';
import { header } from './headers';
import { WebhookRefused, type BillingProvider, type CheckoutInput, type ProviderEvent, type SubscriptionState } from './provider';

/**
 * Razorpay's subscription states: `created` (no mandate yet) and `authenticated` (mandate given,
 * first charge pending) are not paid yet; `pending`/`halted` are failed renewals still retried.
 */
const statusOf = (s: string): SubscriptionStatus =>
  s === 'active' ? 'active' : s === 'pending' || s === 'halted' ? 'past_due' : s === 'created' || s === 'authenticated' ? 'none' : 'canceled';

const seconds = (v: unknown) => (typeof v === 'number' && v > 0 ? new Date(v * 1000) : null);
/** The notes Kestrel put on a Razorpay entity (Razorpay copies a link's notes onto its payment). */
export const notesOf = (entity: any): Record<string, unknown> => (entity?.notes && typeof entity.notes === 'object' && !Array.isArray(entity.notes) ? entity.notes : {});
/** A non-empty string from Razorpay's JSON, else null. */
export const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

/** The official SDK for one account. Billing and invoicing's payment links share it. */
export function razorpayClient(keyId: string, keySecret: string, apiUrl: string | null): Razorpay {
  const razorpay = new Razorpay({ key_id: keyId, key_secret: keySecret });
  // The SDK has no host option; its axios instance is the documented `api.rq` (see docs/decisions/018).
  if (apiUrl) (razorpay.api as unknown as { rq: { defaults: { baseURL: string } } }).rq.defaults.baseURL = apiUrl.replace(/\/+$/, '');
  return razorpay;
}

export interface RazorpayEvent {
  /** `x-razorpay-event-id`, by which the inbox refuses a replay. */
  id: string;
  type: string;
  /** Unix seconds, when the event says. */
  createdAt: number | null;
  payload: Record<string, { entity?: any } | undefined>;
}

/**
 * BILL-2, INV-5: a Razorpay webhook read from its raw body once `X-Razorpay-Signature` (hex
 * HMAC-SHA256 of the body with the webhook secret) checks out through the SDK's
 * `validateWebhookSignature`, with its event id. Throws WebhookRefused. Billing and invoicing's
 * payment links share it.
 */
export function verifyRazorpayEvent(raw: Buffer, headers: Record<string, string | string[] | undefined>, webhookSecret: string): RazorpayEvent {
  const signature = header(headers, 'x-razorpay-signature');
  if (!signature) throw new WebhookRefused(400, 'Missing X-Razorpay-Signature header.');
  const eventId = header(headers, 'x-razorpay-event-id');
  if (!eventId || eventId.length > 200) throw new WebhookRefused(400, 'Missing x-razorpay-event-id header.');
  let valid = false;
  try {
    valid = Razorpay.validateWebhookSignature(raw.toString('utf8'), signature, webhookSecret);
  } catch {
    valid = false;
  }
  if (!valid) throw new WebhookRefused(401, 'Razorpay signature refused: it does not match the body.');
  let event: { event?: unknown; created_at?: unknown; payload?: Record<string, { entity?: any }> };
  try {
    event = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new WebhookRefused(400, 'The Razorpay webhook is not JSON.');
  }
  if (typeof event?.event !== 'string' || !event.payload || typeof event.payload !== 'object') throw new WebhookRefused(400, 'The Razorpay webhook has no event or payload.');
  return { id: eventId, type: event.event, createdAt: typeof event.created_at === 'number' ? event.created_at : null, payload: event.payload };
}

/** A subscription runs this many monthly cycles at most (Razorpay needs a count); ten years. */
const TOTAL_COUNT = 120;

/**
 * BILL-2: Razorpay through its official SDK: subscriptions on the operator's plan ids (their
 * hosted `short_url` is the checkout), Payment Links for credit packs, cancel at cycle end,
 * webhooks signed `X-Razorpay-Signature` (HMAC-SHA256 hex of the raw body) with the event id in
 * `x-razorpay-event-id` (the inbox refuses a replay by it).
 */
export function razorpayProvider(options: { keyId: string; keySecret: string; webhookSecret: string; apiUrl: string | null }): BillingProvider {
  const razorpay = razorpayClient(options.keyId, options.keySecret, options.apiUrl);

  const readSubscription = async (subscriptionId: string): Promise<SubscriptionState & { shortUrl: string | null }> => {
    const s = (await razorpay.subscriptions.fetch(subscriptionId)) as any;
    const periodEnd = seconds(s.current_end);
    const endAt = seconds(s.end_at);
    return {
      subscriptionId: s.id,
      // A subscription bought without a saved customer has none; its own id stands for the payer.
      customerId: str(s.customer_id) ?? s.id,
      status: statusOf(String(s.status)),
      priceId: str(s.plan_id),
      periodStart: seconds(s.current_start),
      periodEnd,
      // Cancelled at cycle end: Razorpay keeps it active and moves its end to the current cycle's end.
      cancelAtPeriodEnd: s.status === 'active' && !!endAt && !!periodEnd && endAt.getTime() <= periodEnd.getTime(),
      workspaceId: str(notesOf(s).workspace_id),
      cardLast4: null,
      cardCountry: null,
      shortUrl: str(s.short_url),
    };
  };

  return {
    kind: 'razorpay',
    async createCheckout(input: CheckoutInput) {
      if (input.item.kind === 'plan') {
        const s = await razorpay.subscriptions.create({ plan_id: input.item.price, total_count: TOTAL_COUNT, quantity: 1, customer_notify: 1, notes: { workspace_id: input.workspaceId, plan_id: input.item.plan.id } });
        if (!s.short_url) throw new Error('Razorpay returned a subscription without a short_url');
        return { url: s.short_url, sessionId: s.id };
      }
      const pack = input.item.pack;
      const link = await razorpay.paymentLink.create({
        amount: pack.priceMinor,
        currency: pack.currency,
        description: `${pack.credits} Kestrel credits`,
        customer: { email: input.email },
        notify: { email: false, sms: false },
        notes: { workspace_id: input.workspaceId, pack_id: pack.id },
        callback_url: input.successUrl,
        callback_method: 'get',
      });
      return { url: link.short_url, sessionId: link.id };
    },
    async portalUrl(input) {
      // Razorpay has no customer portal: the subscription's own hosted page is where its card is changed.
      if (!input.subscriptionId) throw new Error('Razorpay has no portal for a workspace without a subscription');
      const s = await readSubscription(input.subscriptionId);
      if (!s.shortUrl) throw new Error('Razorpay returned a subscription without a short_url');
      return s.shortUrl;
    },
    async cancelAtPeriodEnd(subscriptionId: string) {
      await razorpay.subscriptions.cancel(subscriptionId, true);
    },
    readSubscription,
    parseWebhook(raw, headers): ProviderEvent {
      const event = verifyRazorpayEvent(raw, headers, options.webhookSecret);
      const base = { id: event.id, type: event.type };
      const sub = event.payload.subscription?.entity;
      const payment = event.payload.payment?.entity;
      switch (event.type) {
        case 'subscription.charged': {
          // A cycle paid: the receipt. The subscription's state comes with subscription.activated and the reconcile job.
          if (!sub?.id || !payment?.id) return { ...base, kind: 'ignored' };
          return {
            ...base,
            kind: 'invoice',
            workspaceId: str(notesOf(sub).workspace_id),
            customerId: str(sub.customer_id) ?? sub.id,
            invoice: { id: String(payment.invoice_id ?? payment.id), number: null, amountMinor: Number.isSafeInteger(payment.amount) ? payment.amount : 0, currency: String(payment.currency ?? 'INR').toUpperCase(), status: 'paid', documentUrl: null, issuedAt: seconds(payment.created_at) ?? new Date(), failed: false },
          };
        }
        case 'payment_link.paid':
        case 'payment.captured': {
          // A credit pack: the Payment Link's notes (copied onto its payment) name the workspace and pack.
          const notes = { ...notesOf(payment), ...notesOf(event.payload.payment_link?.entity) };
          const workspaceId = str(notes.workspace_id);
          const packId = str(notes.pack_id);
          if (!workspaceId || !packId || !payment?.id) return { ...base, kind: 'ignored' };
          return { ...base, kind: 'pack_paid', workspaceId, packId, paymentId: String(payment.id), customerId: str(payment.customer_id), email: str(payment.email) };
        }
        case 'refund.processed':
        case 'payment.dispute.created': {
          const entity = event.type === 'refund.processed' ? event.payload.refund?.entity : event.payload.dispute?.entity;
          const paymentId = str(entity?.payment_id);
          if (!paymentId) return { ...base, kind: 'ignored' };
          return { ...base, kind: 'refund', workspaceId: null, paymentId, reason: event.type === 'refund.processed' ? 'refund' : 'chargeback' };
        }
        default:
          if (event.type.startsWith('subscription.') && sub?.id) return { ...base, kind: 'subscription', subscriptionId: String(sub.id), workspaceId: str(notesOf(sub).workspace_id) };
          return { ...base, kind: 'ignored' };
      }
    },
  };
}
