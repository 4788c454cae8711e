import type { BillingProviderKind, CreditPack, Plan } from '../billing.config';
import type { SubscriptionStatus } from '../billing.schema';

/** BILL-2: what Kestrel needs of a payment provider, whichever it is. Only billing metadata crosses it. */
export interface BillingProvider {
  kind: BillingProviderKind;
  /** The provider's hosted checkout for a plan (a subscription) or a credit pack (one payment). */
  createCheckout(input: CheckoutInput): Promise<{ url: string; sessionId: string }>;
  /** The provider's customer portal (change the card, cancel at period end), or its equivalent. */
  portalUrl(input: { customerId: string; subscriptionId: string | null; returnUrl: string }): Promise<string>;
  /** Cancels at the end of the paid period, for a provider with no portal that does it (Razorpay). */
  cancelAtPeriodEnd?(subscriptionId: string): Promise<void>;
  /** The subscription as the provider holds it now: the truth an event is checked against. */
  readSubscription(subscriptionId: string): Promise<SubscriptionState>;
  /** Verifies the signature over the raw body (and its age) and reads the event; throws WebhookRefused. */
  parseWebhook(raw: Buffer, headers: Record<string, string | string[] | undefined>): ProviderEvent;
}

export interface CheckoutInput {
  workspaceId: string;
  customerId: string | null;
  email: string;
  item: { kind: 'plan'; plan: Plan; price: string } | { kind: 'pack'; pack: CreditPack; price: string };
  successUrl: string;
  cancelUrl: string;
}

export interface SubscriptionState {
  subscriptionId: string;
  customerId: string;
  status: SubscriptionStatus;
  /** The provider's price id, mapped back to a plan by the operator's catalog. */
  priceId: string | null;
  periodStart: Date | null;
  periodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  workspaceId: string | null;
  cardLast4: string | null;
  cardCountry: string | null;
}

export type ProviderEvent =
  | { id: string; type: string; kind: 'subscription'; subscriptionId: string; workspaceId: string | null }
  | { id: string; type: string; kind: 'pack_paid'; workspaceId: string; packId: string; paymentId: string; customerId: string | null; email: string | null }
  | { id: string; type: string; kind: 'invoice'; workspaceId: string | null; customerId: string; invoice: { id: string; number: string | null; amountMinor: number; currency: string; status: string; documentUrl: string | null; issuedAt: Date; failed: boolean } }
  | { id: string; type: string; kind: 'refund'; workspaceId: string | null; paymentId: string; reason: 'refund' | 'chargeback' }
  | { id: string; type: string; kind: 'ignored' };

/** A forged, stale or unreadable webhook: 400 or 401 and nothing changes. */
export class WebhookRefused extends Error {
  constructor(
    public readonly status: 400 | 401,
    message: string,
  ) {
    super(message);
  }
}

export const WEBHOOK_TOLERANCE_SECONDS = 300;
