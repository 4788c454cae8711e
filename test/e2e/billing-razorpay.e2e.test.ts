import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeRazorpay } from '../fakes/razorpay';
import { browserPlans, checkoutPath } from '../helpers/billing-path';
import { startBrowserSuite } from '../helpers/browser';
import type { TestServer } from '../helpers/server';

/** Issue 19's path in a real browser with Razorpay played by the local fake (test/helpers/billing-path.ts), then cancel at period end. */
let server: TestServer;
let browser: Browser;
let razorpay: FakeRazorpay;

beforeAll(async () => {
  razorpay = await new FakeRazorpay({ plan_pro: { amount: 199900, currency: 'INR' } }).start();
  ({ server, browser } = await startBrowserSuite({
    BILLING_ENABLED: 'true', BILLING_PROVIDER: 'razorpay', BILLING_PLANS: JSON.stringify(browserPlans({ plan: { razorpay: 'plan_pro' }, pack: { razorpay: 'link' } }, 'INR', 199900)),
    RAZORPAY_KEY_ID: razorpay.keyId, RAZORPAY_KEY_SECRET: razorpay.keySecret, RAZORPAY_WEBHOOK_SECRET: razorpay.webhookSecret, RAZORPAY_API_URL: razorpay.url,
  }));
  razorpay.webhookUrl = `${server.url}/api/billing/webhooks/razorpay`;
  razorpay.successUrl = (s) => `${server.url}/w/${s.notes.workspace_id}/settings/billing?checkout=success`;
}, 300_000);
afterAll(() => razorpay?.stop());

it('BILL-1 BILL-2 Razorpay: limit reached → banner → subscription page → webhooks → Pro plan active → limit lifted → cancel at period end', async () => {
  const problems = await checkoutPath(server, browser, {
    name: 'razorpay',
    more: async (page) => {
      page.once('dialog', (d) => void d.accept());
      await page.getByRole('button', { name: 'Cancel at period end' }).click();
      await page.getByText(/Ends on/).waitFor();
      expect(await page.getByRole('button', { name: 'Cancel at period end' }).count()).toBe(0);
      const shots = process.env.BILLING_SCREENSHOTS;
      if (shots) await page.screenshot({ path: `${shots}/billing-razorpay-cancelled-1280.png`, fullPage: true });
    },
  });
  expect(problems).toEqual([]);
  expect(razorpay.delivered.map((d) => [JSON.parse(d.raw).event, d.status])).toEqual([['subscription.authenticated', 200], ['subscription.activated', 200], ['subscription.charged', 200]]);
}, 180_000);
