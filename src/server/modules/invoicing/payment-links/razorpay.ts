import { notesOf, razorpayClient, str, verifyRazorpayEvent } from '../../billing';
import type { LinkCredentials, LinkEvent, PaymentLinkProvider } from './provider';

/**
 * INV-5: Razorpay Payment Links on the shop's own account through the official `razorpay` SDK
 * (pointed at `RAZORPAY_API_URL` as billing does, docs/decisions/018). A link asks for the amount in
 * paise with the invoice number as its `reference_id`; Razorpay's own SMS and email are off, the
 * shop sends the link itself (email, WhatsApp, the PDF). The invoice's ids travel as notes, which
 * Razorpay copies onto the payment. Paid arrives as `payment_link.paid` (naming the link) and
 * `payment.captured` (the payment with the link's notes): both carry the payment id, so the one
 * that comes second records nothing. Signed `X-Razorpay-Signature` = hex HMAC-SHA256 of the raw
 * body with the webhook secret, checked by billing's Razorpay verification.
 */
export function razorpayLinks(credentials: LinkCredentials, apiUrl: string | null): PaymentLinkProvider {
  if (!credentials.keyId) throw new Error('A Razorpay account needs its key id.');
  const razorpay = razorpayClient(credentials.keyId, credentials.secretKey, apiUrl);
  return {
    kind: 'razorpay',
    async createLink(input) {
      try {
        const link = await razorpay.paymentLink.create({
          amount: input.amountPaise,
          currency: 'INR',
          accept_partial: false,
          reference_id: input.reference.slice(0, 40),
          description: `Invoice ${input.number} from ${input.supplierName}`.slice(0, 2048),
          customer: { name: input.buyerName.slice(0, 100) },
          notify: { sms: false, email: false },
          reminder_enable: false,
          notes: { workspace_id: input.workspaceId, invoice_id: input.documentId, invoice_number: input.number },
        });
        return { linkId: link.id, url: link.short_url };
      } catch (error) {
        // The SDK rejects with Razorpay's `{ statusCode, error: { code, description } }`, not an Error.
        const e = error as { error?: { description?: string }; message?: string };
        throw new Error(e?.error?.description ?? e?.message ?? 'Razorpay refused the request');
      }
    },
    parseWebhook(raw, headers): LinkEvent {
      const event = verifyRazorpayEvent(raw, headers, credentials.webhookSecret);
      const base = { id: event.id, type: event.type };
      if (event.type !== 'payment_link.paid' && event.type !== 'payment.captured') return { ...base, kind: 'ignored' };
      const payment = event.payload.payment?.entity;
      const link = event.payload.payment_link?.entity;
      const notes = { ...notesOf(payment), ...notesOf(link) };
      const paymentId = str(payment?.id);
      const documentId = str(notes.invoice_id);
      if (!paymentId || !Number.isSafeInteger(payment?.amount) || (!link?.id && !documentId)) return { ...base, kind: 'ignored' };
      const at = typeof payment.created_at === 'number' ? payment.created_at : event.createdAt ?? Date.now() / 1000;
      return {
        ...base, kind: 'paid', linkId: str(link?.id), documentId, workspaceId: str(notes.workspace_id), paymentId,
        amountPaise: payment.amount, currency: String(payment.currency ?? 'INR').toUpperCase(), paidAt: new Date(at * 1000),
      };
    },
  };
}
