import { stripeClient, verifyStripeEvent } from '../../billing';
import type { LinkCredentials, LinkEvent, PaymentLinkProvider } from './provider';

const idOf = (v: string | { id: string } | null | undefined) => (v == null ? null : typeof v === 'string' ? v : v.id);

/**
 * INV-5: Stripe Payment Links through the official SDK. A price for the amount due is made on the
 * shop's account, then a link that takes one completed payment; the invoice's ids travel as
 * metadata (on the link and on the payment). A paid link arrives as `checkout.session.completed`
 * naming the link; its signature is checked by billing's Stripe verification.
 */
export function stripeLinks(credentials: LinkCredentials, apiUrl: string | null): PaymentLinkProvider {
  const stripe = stripeClient(credentials.secretKey, apiUrl);
  return {
    kind: 'stripe',
    async createLink(input) {
      const metadata = { workspace_id: input.workspaceId, invoice_id: input.documentId, invoice_number: input.number };
      const price = await stripe.prices.create({ currency: 'inr', unit_amount: input.amountPaise, product_data: { name: `Invoice ${input.number} from ${input.supplierName}`.slice(0, 250) } });
      const link = await stripe.paymentLinks.create({
        line_items: [{ price: price.id, quantity: 1 }],
        metadata,
        payment_intent_data: { metadata, description: `Invoice ${input.number}` },
        restrictions: { completed_sessions: { limit: 1 } },
      });
      return { linkId: link.id, url: link.url };
    },
    parseWebhook(raw, headers): LinkEvent {
      const event = verifyStripeEvent(raw, headers, credentials.webhookSecret);
      const base = { id: event.id, type: event.type };
      if (event.type === 'checkout.session.completed' || event.type === 'checkout.session.async_payment_succeeded') {
        const s = event.data.object;
        const linkId = idOf(s.payment_link);
        if (s.mode === 'payment' && s.payment_status === 'paid' && linkId && s.amount_total != null) {
          return { ...base, kind: 'paid', linkId, paymentId: idOf(s.payment_intent) ?? s.id, amountPaise: s.amount_total, currency: (s.currency ?? 'inr').toUpperCase(), paidAt: new Date(event.created * 1000) };
        }
      }
      return { ...base, kind: 'ignored' };
    },
  };
}
