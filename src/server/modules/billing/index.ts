/** What other modules use of billing: counting what a workspace's plan limits (BILL-1), and charging AI calls against the plan's credits. */
export { admit, billingEnabled, consume } from './limits';
export { chargeAiCall, releaseAiCall, type AiCharge } from './charge';
/** The payment providers' SDK clients and webhook verification, shared with invoicing's payment links (INV-5). */
export { WebhookRefused } from './providers/provider';
export { notesOf, razorpayClient, str, verifyRazorpayEvent } from './providers/razorpay';
export { stripeClient, verifyStripeEvent } from './providers/stripe';
