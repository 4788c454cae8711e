import Stripe from 'stripe';
import type { SubscriptionStatus } from '../billing.schema';
import { header } from './headers';
import { WEBHOOK_TOLERANCE_SECONDS, WebhookRefused, type BillingProvider, type CheckoutInput, type ProviderEvent, type SubscriptionState } from './provider';

const statusOf = (s: Stripe.Subscription.Status): SubscriptionStatus =>
  s === 'active' ? 'active' : s === 'trialing' ? 'trialing' : s === 'past_due' || s === 'unpaid' || s === 'incomplete' ? 'past_due' : 'canceled';

const idOf = (v: string | { id: string } | null | undefined) => (v == null ? null : typeof v === 'string' ? v : v.id);

/**
 * BILL-2, INV-5: a Stripe event read from its raw body once its `Stripe-Signature` checks out:
 * HMAC over `t.body` with the endpoint's secret, and no older than the tolerance (a replay of an
 * old delivery is refused). Throws WebhookRefused. Billing and invoicing's payment links share it.
 */
export function verifyStripeEvent(raw: Buffer, headers: Record<string, string | string[] | undefined>, webhookSecret: string): Stripe.Event {
  const signature = header(headers, 'stripe-signature');
  if (!signature) throw new WebhookRefused(400, 'Missing Stripe-Signature header.');
  try {
    return Stripe.webhooks.constructEvent(raw, signature, webhookSecret, WEBHOOK_TOLERANCE_SECONDS);
  } catch (error) {
    throw new WebhookRefused(401, `Stripe signature refused: ${(error as Error).message}`);
  }
}

/** The official SDK for one account; `apiUrl` points it elsewhere (tests: a local fake). Billing and invoicing's payment links share it. */
export function stripeClient(secretKey: string, apiUrl: string | null): Stripe {
  const api = apiUrl ? new URL(apiUrl) : null;
  return new Stripe(secretKey, {
    maxNetworkRetries: 1,
    timeout: 20_000,
    ...(api ? { host: api.hostname, port: Number(api.port || (api.protocol === 'https:' ? 443 : 80)), protocol: api.protocol.replace(':', '') as 'http' | 'https' } : {}),
  });
}

/** BILL-2: Stripe through its official SDK (Checkout, the Billing portal, subscriptions, signed webhooks). */
export function stripeProvider(options: { secretKey: string; webhookSecret: string; apiUrl: string | null }): BillingProvider {
  const stripe = stripeClient(options.secretKey, options.apiUrl);

  return {
    kind: 'stripe',
    async createCheckout(input: CheckoutInput) {
      const plan = input.item.kind === 'plan';
      const session = await stripe.checkout.sessions.create({
        mode: plan ? 'subscription' : 'payment',
        line_items: [{ price: input.item.price, quantity: 1 }],
        client_reference_id: input.workspaceId,
        ...(input.customerId ? { customer: input.customerId } : { customer_email: input.email }),
        metadata: { workspace_id: input.workspaceId, ...(input.item.kind === 'pack' ? { pack_id: input.item.pack.id } : { plan_id: input.item.plan.id }) },
        ...(plan ? { subscription_data: { metadata: { workspace_id: input.workspaceId } } } : {}),
        success_url: input.successUrl,
        cancel_url: input.cancelUrl,
      });
      if (!session.url) throw new Error('Stripe returned a checkout session without a URL');
      return { url: session.url, sessionId: session.id };
    },
    async portalUrl(input) {
      const session = await stripe.billingPortal.sessions.create({ customer: input.customerId, return_url: input.returnUrl });
      return session.url;
    },
    async readSubscription(subscriptionId: string): Promise<SubscriptionState> {
      const s = await stripe.subscriptions.retrieve(subscriptionId, { expand: ['default_payment_method'] });
      const pm = s.default_payment_method && typeof s.default_payment_method === 'object' ? s.default_payment_method : null;
      const item = s.items.data[0];
      return {
        subscriptionId: s.id,
        customerId: idOf(s.customer)!,
        status: statusOf(s.status),
        priceId: item?.price.id ?? null,
        periodStart: s.current_period_start ? new Date(s.current_period_start * 1000) : null,
        periodEnd: s.current_period_end ? new Date(s.current_period_end * 1000) : null,
        cancelAtPeriodEnd: s.cancel_at_period_end,
        workspaceId: s.metadata?.workspace_id ?? null,
        cardLast4: pm?.card?.last4 ?? null,
        cardCountry: pm?.card?.country ?? null,
      };
    },
    parseWebhook(raw, headers): ProviderEvent {
      const event = verifyStripeEvent(raw, headers, options.webhookSecret);
      const base = { id: event.id, type: event.type };
      switch (event.type) {
        case 'checkout.session.completed': {
          const s = event.data.object;
          const workspaceId = s.metadata?.workspace_id ?? s.client_reference_id ?? null;
          if (s.mode === 'subscription' && s.subscription) return { ...base, kind: 'subscription', subscriptionId: idOf(s.subscription)!, workspaceId };
          if (s.mode === 'payment' && s.payment_status === 'paid' && workspaceId && s.metadata?.pack_id)
            return { ...base, kind: 'pack_paid', workspaceId, packId: s.metadata.pack_id, paymentId: idOf(s.payment_intent) ?? s.id, customerId: idOf(s.customer), email: s.customer_details?.email ?? null };
          return { ...base, kind: 'ignored' };
        }
        case 'customer.subscription.created':
        case 'customer.subscription.updated':
        case 'customer.subscription.deleted': {
          const s = event.data.object;
          return { ...base, kind: 'subscription', subscriptionId: s.id, workspaceId: s.metadata?.workspace_id ?? null };
        }
        case 'invoice.paid':
        case 'invoice.payment_failed': {
          const i = event.data.object;
          return {
            ...base,
            kind: 'invoice',
            workspaceId: i.subscription_details?.metadata?.workspace_id ?? null,
            customerId: idOf(i.customer)!,
            invoice: { id: i.id!, number: i.number ?? null, amountMinor: event.type === 'invoice.paid' ? i.amount_paid : i.amount_due, currency: i.currency.toUpperCase(), status: i.status ?? 'open', documentUrl: i.hosted_invoice_url ?? i.invoice_pdf ?? null, issuedAt: new Date(i.created * 1000), failed: event.type === 'invoice.payment_failed' },
          };
        }
        case 'charge.refunded':
        case 'charge.dispute.created': {
          const o = event.data.object as Stripe.Charge | Stripe.Dispute;
          const paymentId = idOf(o.payment_intent as string | Stripe.PaymentIntent | null) ?? o.id;
          return { ...base, kind: 'refund', workspaceId: (o.metadata?.workspace_id as string | undefined) ?? null, paymentId, reason: event.type === 'charge.refunded' ? 'refund' : 'chargeback' };
        }
        default:
          return { ...base, kind: 'ignored' };
      }
    },
  };
}
