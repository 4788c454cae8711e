import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeStripe } from '../fakes/stripe';
import { ownerWithWorkspace } from '../helpers/client';
import { ensureWebBuild, heading, launchChromium, noSidewaysScroll, openPage, signIn } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * Issue 19's path in a real browser, with Stripe played by the local fake: an owner on Free at
 * the contacts limit sees the banner, upgrades through the hosted checkout (the fake's page
 * fires the signed webhooks, then redirects back), comes back to an active Pro plan, and the
 * limit is lifted.
 */
let server: TestServer;
let browser: Browser;
let stripe: FakeStripe;
const problems: string[] = [];
const shots = process.env.BILLING_SCREENSHOTS ?? '';

const plans = {
  defaultPlan: 'free',
  plans: [
    { id: 'free', name: 'Free', priceMinor: 0, currency: 'USD', limits: { seats: 3, contacts: 2, ai_runs: 50, emails: 500 } },
    { id: 'pro', name: 'Pro', priceMinor: 4900, currency: 'USD', limits: { seats: 25, contacts: 100_000, ai_runs: 10_000, emails: 100_000 }, monthlyCredits: 1000, prices: { stripe: 'price_pro' } },
  ],
  packs: [{ id: 'credits-500', credits: 500, priceMinor: 1000, currency: 'USD', prices: { stripe: 'price_pack' } }],
};

beforeAll(async () => {
  await ensureWebBuild();
  stripe = await new FakeStripe().start();
  server = await startTestServer({ BILLING_ENABLED: 'true', BILLING_PROVIDER: 'stripe', BILLING_PLANS: JSON.stringify(plans), STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_WEBHOOK_SECRET: stripe.webhookSecret, STRIPE_API_URL: stripe.url });
  stripe.webhookUrl = `${server.url}/api/billing/webhooks/stripe`;
  browser = await launchChromium();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await stripe?.stop();
});

it('BILL-1 BILL-2 Stripe: limit reached → banner → checkout → webhook → Pro plan active → limit lifted', async () => {
  const o = await ownerWithWorkspace(server, 'Banner Bakery');
  const contact = (n: string) => o.client.post(`/api/workspaces/${o.workspaceId}/contacts`, { firstName: n });
  expect((await contact('Ada')).statusCode).toBe(201);
  expect((await contact('Bo')).statusCode).toBe(201);
  expect((await contact('Cy')).statusCode).toBe(402);

  const { page, context } = await openPage(browser, server.url, problems);
  const billingPath = `/w/${o.workspaceId}/settings/billing`;
  await signIn(page, o.email, o.password, billingPath);
  await heading(page, 'Billing');
  await page.getByText("This workspace has reached its plan's limit of contacts.").waitFor();
  await page.getByRole('progressbar', { name: 'contacts' }).waitFor();
  if (shots) await page.screenshot({ path: `${shots}/billing-free-1280.png`, fullPage: true });

  await page.getByRole('button', { name: 'Upgrade to Pro' }).click();
  await page.waitForURL((u) => u.pathname === billingPath && u.search.includes('checkout=success'));
  await page.getByText('Your plan', { exact: true }).waitFor();
  await page.getByRole('heading', { name: /Pro plan/ }).waitFor();
  await page.getByText(/Card ending 4242/).waitFor();
  await page.getByText('1,000 credits a month').first().waitFor();
  expect(await page.getByText("This workspace has reached its plan's limit").count()).toBe(0);
  if (shots) await page.screenshot({ path: `${shots}/billing-pro-1280.png`, fullPage: true });
  expect((await contact('Cy')).statusCode).toBe(201);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await heading(page, 'Billing');
  await page.getByRole('heading', { name: /Pro plan/ }).waitFor();
  expect(await noSidewaysScroll(page)).toBe(true);
  if (shots) await page.screenshot({ path: `${shots}/billing-pro-390.png`, fullPage: true });
  await context.close();
  expect(problems).toEqual([]);
}, 180_000);
