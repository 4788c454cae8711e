import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakePaddle } from '../fakes/paddle';
import { browserPlans, checkoutPath } from '../helpers/billing-path';
import { startBrowserSuite } from '../helpers/browser';
import type { TestServer } from '../helpers/server';

/** Issue 19's path in a real browser with Paddle Billing played by the local fake (test/helpers/billing-path.ts). */
let server: TestServer;
let browser: Browser;
let paddle: FakePaddle;

beforeAll(async () => {
  paddle = await new FakePaddle({ pri_pro: { amount: 4900, currency: 'USD', recurring: true }, pri_pack: { amount: 1000, currency: 'USD', recurring: false } }).start();
  ({ server, browser } = await startBrowserSuite({ BILLING_ENABLED: 'true', BILLING_PROVIDER: 'paddle', BILLING_PLANS: JSON.stringify(browserPlans({ plan: { paddle: 'pri_pro' }, pack: { paddle: 'pri_pack' } })), PADDLE_API_KEY: paddle.apiKey, PADDLE_WEBHOOK_SECRET: paddle.webhookSecret, PADDLE_ENVIRONMENT: paddle.url }));
  paddle.webhookUrl = `${server.url}/api/billing/webhooks/paddle`;
  paddle.successUrl = (t) => `${server.url}/w/${String(t.custom_data?.workspace_id)}/settings/billing?checkout=success`;
}, 300_000);
afterAll(() => paddle?.stop());

it('BILL-1 BILL-2 Paddle: limit reached → banner → hosted checkout → notification → Pro plan active → limit lifted', async () => {
  expect(await checkoutPath(server, browser, { name: 'paddle' })).toEqual([]);
  expect(paddle.delivered.map((d) => [JSON.parse(d.raw).event_type, d.status])).toEqual([['subscription.created', 200], ['transaction.completed', 200]]);
}, 180_000);
