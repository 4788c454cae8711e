import { createHmac, timingSafeEqual } from 'node:crypto';
import { Environment, Paddle, type Subscription } from '@paddle/paddle-node-sdk';
import type { SubscriptionStatus } from '../billing.schema';
import { header } from './headers';
import { WEBHOOK_TOLERANCE_SECONDS, WebhookRefused, type BillingProvider, type CheckoutInput, type ProviderEvent, type SubscriptionState } from './provider';

const statusOf = (s: Subscription['status']): SubscriptionStatus => (s === 'active' ? 'active' : s === 'trialing' ? 'trialing' : s === 'past_due' ? 'past_due' : 'canceled');

/** Paddle's amounts are strings of minor units ("4900"). */
const minor = (v: string | undefined | null) => {
  const n = Number(v ?? 0);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
};

/**
 * `Paddle-Signature: ts=…;h1=…` is HMAC-SHA256 over `ts:rawBody` with the notification
 * destination's secret. Several `h1` may come while a secret is rotated; one matching is enough.
 * The SDK's own `webhooks.unmarshal` allows 5 seconds of age and is asynchronous; this allows the
 * same tolerance as the other providers (INT-5) and a replay is refused by the event inbox.
 */
export function verifyPaddleSignature(raw: Buffer, signature: string, secret: string, now = Date.now()): void {
  let ts = '';
  const h1: string[] = [];
  for (const part of signature.split(';')) {
    const [key, value] = part.split('=', 2) as [string, string | undefined];
    if (key === 'ts' && value) ts = value;
    if (key === 'h1' && value) h1.push(value);
  }
  if (!/^\d{1,12}$/.test(ts) || !h1.length) throw new WebhookRefused(400, 'The Paddle-Signature header is not ts=…;h1=….');
  if (Math.abs(now / 1000 - Number(ts)) > WEBHOOK_TOLERANCE_SECONDS) throw new WebhookRefused(401, 'Paddle signature refused: the timestamp is outside the tolerance.');
  const expected = createHmac('sha256', secret).update(`${ts}:`).update(raw).digest();
  const ok = h1.some((h) => /^[0-9a-f]{64}$/i.test(h) && timingSafeEqual(Buffer.from(h, 'hex'), expected));
  if (!ok) throw new WebhookRefused(401, 'Paddle signature refused: no h1 matches the body.');
}

interface PaddleEvent {
  event_id: string;
  event_type: string;
  data: Record<string, any>;
}

/** BILL-2: Paddle Billing through its official SDK (transaction checkout, customer portal, subscriptions, signed notifications). */
export function paddleProvider(options: { apiKey: string; webhookSecret: string; environment: string }): BillingProvider {
  // The SDK takes `production`, `sandbox`, or any base URL in the same option (tests: a local fake).
  const environment = options.environment === 'sandbox' ? Environment.sandbox : options.environment === 'production' ? Environment.production : (options.environment.replace(/\/+$/, '') as Environment);
  const paddle = new Paddle(options.apiKey, { environment });

  return {
    kind: 'paddle',
    async createCheckout(input: CheckoutInput) {
      const customData = { workspace_id: input.workspaceId, ...(input.item.kind === 'pack' ? { pack_id: input.item.pack.id } : { plan_id: input.item.plan.id }) };
      // A transaction for the price; Paddle answers its hosted checkout URL (the default payment link with `_ptxn`).
      const txn = await paddle.transactions.create({
        items: [{ priceId: input.item.price, quantity: 1 }],
        customData,
        collectionMode: 'automatic',
        ...(input.customerId ? { customerId: input.customerId } : {}),
      });
      if (!txn.checkout?.url) throw new Error('Paddle returned a transaction without a checkout URL');
      return { url: txn.checkout.url, sessionId: txn.id };
    },
    async portalUrl(input) {
      const session = await paddle.customerPortalSessions.create(input.customerId, input.subscriptionId ? [input.subscriptionId] : []);
      return session.urls.general.overview;
    },
    async readSubscription(subscriptionId: string): Promise<SubscriptionState> {
      const s = await paddle.subscriptions.get(subscriptionId);
      const period = s.currentBillingPeriod;
      const workspaceId = typeof s.customData?.workspace_id === 'string' ? s.customData.workspace_id : null;
      return {
        subscriptionId: s.id,
        customerId: s.customerId,
        status: statusOf(s.status),
        priceId: s.items[0]?.price.id ?? null,
        periodStart: period ? new Date(period.startsAt) : null,
        periodEnd: period ? new Date(period.endsAt) : null,
        // A cancellation from the portal is a scheduled change: it takes effect at the period's end.
        cancelAtPeriodEnd: s.scheduledChange?.action === 'cancel',
        workspaceId,
        // Paddle keeps the card with the transaction, not the subscription; nothing of it is needed here.
        cardLast4: null,
        cardCountry: null,
      };
    },
    parseWebhook(raw, headers): ProviderEvent {
      const signature = header(headers, 'paddle-signature');
      if (!signature) throw new WebhookRefused(400, 'Missing Paddle-Signature header.');
      verifyPaddleSignature(raw, signature, options.webhookSecret);
      let event: PaddleEvent;
      try {
        event = JSON.parse(raw.toString('utf8')) as PaddleEvent;
      } catch {
        throw new WebhookRefused(400, 'The Paddle notification is not JSON.');
      }
      if (typeof event?.event_id !== 'string' || typeof event.event_type !== 'string' || !event.data || typeof event.data !== 'object') throw new WebhookRefused(400, 'The Paddle notification has no event_id, event_type or data.');
      const base = { id: event.event_id.slice(0, 200), type: event.event_type };
      const d = event.data;
      const custom = (d.custom_data ?? {}) as Record<string, unknown>;
      const workspaceId = typeof custom.workspace_id === 'string' ? custom.workspace_id : null;
      if (event.event_type.startsWith('subscription.') && typeof d.id === 'string') return { ...base, kind: 'subscription', subscriptionId: d.id, workspaceId };
      switch (event.event_type) {
        case 'transaction.completed':
        case 'transaction.payment_failed': {
          if (typeof d.id !== 'string') return { ...base, kind: 'ignored' };
          const failed = event.event_type === 'transaction.payment_failed';
          if (!d.subscription_id && !failed && workspaceId && typeof custom.pack_id === 'string')
            return { ...base, kind: 'pack_paid', workspaceId, packId: custom.pack_id, paymentId: d.id, customerId: d.customer_id ?? null, email: null };
          if (!d.subscription_id || typeof d.customer_id !== 'string') return { ...base, kind: 'ignored' };
          return {
            ...base,
            kind: 'invoice',
            workspaceId,
            customerId: d.customer_id,
            invoice: { id: d.id, number: d.invoice_number ?? null, amountMinor: minor(d.details?.totals?.grand_total), currency: String(d.currency_code ?? 'USD').toUpperCase(), status: failed ? 'failed' : 'paid', documentUrl: null, issuedAt: new Date(d.billed_at ?? d.created_at ?? Date.now()), failed },
          };
        }
        case 'adjustment.created':
        case 'adjustment.updated': {
          // A refund counts once Paddle approved it; a chargeback as soon as it is reported.
          const refund = d.action === 'refund' && d.status === 'approved';
          const chargeback = d.action === 'chargeback';
          if ((!refund && !chargeback) || typeof d.transaction_id !== 'string') return { ...base, kind: 'ignored' };
          return { ...base, kind: 'refund', workspaceId: null, paymentId: d.transaction_id, reason: refund ? 'refund' : 'chargeback' };
        }
        default:
          return { ...base, kind: 'ignored' };
      }
    },
  };
}
