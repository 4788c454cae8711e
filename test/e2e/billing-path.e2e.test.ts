import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spendCredits } from '../../src/server/modules/billing/credits';
import { withTenant } from '../../src/server/platform/db/tenant';
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

it('BILL-1 BILL-2 BILL-3 Stripe: limit reached → banner → checkout → webhook → Pro plan active → limit lifted; the page shows where credits went, per person', async () => {
  const problems = await checkoutPath(server, browser, {
    name: 'stripe',
    card: '4242',
    more: async (page, o) => {
      // Credits spent as AI calls and enrichment spend them (through the ledger's own use case).
      const { db } = server.services.database;
      const ctx = { workspaceId: o.workspaceId, userId: o.userId };
      for (const [n, refType] of [[7, 'ai_call'], [2, 'enrichment']] as const) {
        await withTenant(db, ctx, (tx) => spendCredits(tx, o.workspaceId, n, { refType, refId: `${refType}-fixture`, userId: o.userId }));
      }
      await page.reload();
      await page.getByRole('heading', { name: 'Where credits went, last 31 days' }).waitFor();
      const row = page.getByTestId('credit-spend').getByRole('row').filter({ hasText: '9' });
      await row.getByText('7 on AI calls, 2 on enrichment').waitFor();
      expect(await row.getByRole('cell').last().textContent()).toBe('9');
    },
  });
  expect(problems).toEqual([]);
}, 180_000);
