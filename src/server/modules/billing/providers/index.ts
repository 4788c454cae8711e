import type { BillingConfig } from '../billing.config';
import type { BillingProvider } from './provider';
import { paddleProvider } from './paddle';
import { razorpayProvider } from './razorpay';
import { stripeProvider } from './stripe';

const cache = new WeakMap<BillingConfig, BillingProvider | null>();

/** BILL-2: the operator's one payment provider (config BILLING_PROVIDER), or null. */
export function billingProvider(billing: BillingConfig): BillingProvider | null {
  if (cache.has(billing)) return cache.get(billing)!;
  let provider: BillingProvider | null = null;
  if (billing.provider === 'stripe' && billing.stripe) provider = stripeProvider(billing.stripe);
  if (billing.provider === 'paddle' && billing.paddle) provider = paddleProvider(billing.paddle);
  if (billing.provider === 'razorpay' && billing.razorpay) provider = razorpayProvider(billing.razorpay);
  cache.set(billing, provider);
  return provider;
}
