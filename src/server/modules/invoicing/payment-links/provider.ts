import type { LinkProviderKind } from '../invoicing.schema';

/**
 * INV-5: what invoicing needs of a payment-link provider, whichever it is (Stripe, Razorpay). The shop's own account: its key and webhook secret, never the
 * operator's billing account.
 */
export interface PaymentLinkProvider {
  kind: LinkProviderKind;
  /** A hosted page where the customer pays `amountPaise` (INR) for the invoice; answers the provider's link id and address. */
  createLink(input: LinkInput): Promise<{ linkId: string; url: string }>;
  /** Verifies the signature over the raw body (and its age) and reads the event; throws WebhookRefused. */
  parseWebhook(raw: Buffer, headers: Record<string, string | string[] | undefined>): LinkEvent;
}

export interface LinkInput {
  workspaceId: string;
  documentId: string;
  /** The invoice number, shown to the customer on the provider's page. */
  number: string;
  /** The provider's own reference for the link (Razorpay's `reference_id`, unique per account): the invoice number, with `-2`, `-3`… for later links. */
  reference: string;
  buyerName: string;
  supplierName: string;
  amountPaise: number;
}

export type LinkEvent =
  | {
      id: string; type: string; kind: 'paid';
      /** The link paid; null when the event names only the payment (Razorpay's payment.captured), then `documentId` says whose it is. */
      linkId: string | null;
      documentId?: string | null;
      /** The workspace the provider's notes name, when they do: an event for another workspace is not taken. */
      workspaceId?: string | null;
      paymentId: string; amountPaise: number; currency: string; paidAt: Date }
  | { id: string; type: string; kind: 'ignored' };

/** The credentials a workspace keeps for a provider, opened from their sealed form. */
export interface LinkCredentials { keyId: string | null; secretKey: string; webhookSecret: string }
