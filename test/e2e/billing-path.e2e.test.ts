import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeStripe } from '../fakes/stripe';
import { browserPlans, checkoutPath } from '../helpers/billing-path';
import { startBrowserSuite } from '../helpers/browser';
import type { TestServer } from '../helpers/server';

/** Issue 19's path in a real browser with Stripe played by the local fake (test/helpers/billing-path.ts). */
let server: TestServer;
let browser: Browser;
let stripe: FakeStripe;

beforeAll(async () => {
  stripe = await new FakeStripe().start();
  ({ server, browser } = await startBrowserSuite({ BILLING_ENABLED: 'true', BILLING_PROVIDER: 'stripe', BILLING_PLANS: JSON.stringify(browserPlans({ plan: { stripe: 'price_pro' }, pack: { stripe: 'price_pack' } })), STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_WEBHOOK_SECRET: stripe.webhookSecret, STRIPE_API_URL: stripe.url }));
  stripe.webhookUrl = `${server.url}/api/billing/webhooks/stripe`;
}, 300_000);
afterAll(() => stripe?.stop());

it('BILL-1 BILL-2 Stripe: limit reached → banner → checkout → webhook → Pro plan active → limit lifted', async () => {
  expect(await checkoutPath(server, browser, { name: 'stripe', card: '4242' })).toEqual([]);
}, 180_000);
