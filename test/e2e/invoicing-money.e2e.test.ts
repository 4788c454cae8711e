import type { Browser } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { startFake } from '../fakes/harness';
import { FakeStripe } from '../fakes/stripe';
import { heading, startBrowserSuite } from '../helpers/browser';
import { issueInvoice, openAsOwner, shoot, shopWithSeries, todayInIndia } from '../helpers/invoicing-browser';
import { type TestServer } from '../helpers/server';

/**
 * Money in and out, in a browser. INV-5: the owner connects the shop's Stripe account in Invoicing
 * settings, makes a payment link for part of an invoice, the customer pays it on Stripe's page, and
 * the invoice shows "Partly paid" with the payment by link. INV-3/INV-4: a purchase at a cost, an
 * expense, and the month's profit on the reports page.
 */
let server: TestServer;
let browser: Browser;
let stripe: FakeStripe;
const problems: string[] = [];

beforeAll(async () => {
  stripe = await startFake(new FakeStripe('sk_test_shop_e2e', 'whsec_shop_e2e'));
  ({ server, browser } = await startBrowserSuite({ STRIPE_API_URL: stripe.url }));
}, 300_000);

it('INV-5 an owner connects Stripe, sends a payment link for part of an invoice, the customer pays and the invoice is partly paid', async () => {
  const owner = await shopWithSeries(server, 'Mangaluru Spices', 'MS');
  const inv = await issueInvoice(owner, { documentDate: '2026-11-20', dueDate: '2026-12-20', buyerName: 'Udupi Stores', lines: [{ description: 'Pepper, 1 kg', hsn: '0904', uqc: 'KGS', quantityMilli: 10_000, unitPricePaise: 800_00, rateBps: 500 }] });
  stripe.webhookUrl = `${server.url}/api/invoicing/webhooks/stripe/${owner.workspaceId}`;

  const page = await openAsOwner(browser, server, owner, `/w/${owner.workspaceId}/invoices/settings`, problems);
  await heading(page, 'Invoicing settings');
  await page.getByText('Stripe is not connected.').waitFor();
  await page.getByLabel('Secret key').fill(stripe.secretKey);
  await page.getByLabel('Webhook signing secret').fill(stripe.webhookSecret);
  await page.getByRole('button', { name: 'Connect Stripe' }).click();
  await page.getByText('Stripe connected · secret ending').waitFor();
  await expect(page.getByLabel('Stripe webhook address').textContent()).resolves.toBe(stripe.webhookUrl.replace(server.url, server.services.config.publicUrl));
  await shoot(page, 'links-settings');

  await page.goto(`${server.url}/w/${owner.workspaceId}/invoices/${inv.id}`);
  await heading(page, `Invoice ${inv.number}`);
  await page.getByRole('button', { name: 'Make a payment link' }).click();
  await page.getByLabel('Amount (₹)').fill('3000');
  await page.getByRole('button', { name: 'Make link' }).click();
  const link = page.getByLabel('Link address');
  await link.waitFor();
  const url = (await link.textContent())!;
  expect(url).toMatch(/\/l\/plink_/);
  await page.getByText('Asks for ₹3,000.00').waitFor();
  await shoot(page, 'links-invoice');

  // The customer pays on Stripe's page; its webhook records the payment.
  expect((await fetch(url)).status).toBe(200);
  await page.reload();
  await expect.poll(() => page.getByTestId('status-chip').textContent()).toBe('Partly paid');
  await page.getByText(/Payment link · stripe pi_/).waitFor();
  await expect(page.getByTestId('balance').textContent()).resolves.toBe('₹5,400.00');
  await shoot(page, 'links-paid');
  expect(problems).toEqual([]);
}, 180_000);

it('INV-3 INV-4 an owner buys stock at a cost, sells some, records the rent, and sees the month\'s profit', async () => {
  const owner = await shopWithSeries(server, 'Hosapete Paints', 'HP');
  const { api } = owner;
  const product = (await owner.client.post(api('/products'), { sku: 'EMUL-20', name: 'Emulsion 20 L', hsn: '3209', uqc: 'NOS', pricePaise: 4_000_00, rateBps: 1800 })).json();

  const page = await openAsOwner(browser, server, owner, `/w/${owner.workspaceId}/invoices/products`, problems);
  await heading(page, /Products/);
  await page.getByRole('button', { name: /stock/i }).first().click();
  await page.getByLabel('Quantity').fill('10');
  await page.getByLabel(/Cost per unit/).fill('2500');
  await page.getByRole('button', { name: 'Record', exact: true }).click();
  await expect.poll(async () => (await owner.client.get(api(`/products/${product.id}`))).json().costPricePaise).toBe(2_500_00);

  await issueInvoice(owner, { documentDate: todayInIndia(), buyerName: 'Walk-in', lines: [{ productId: product.id, description: 'Emulsion 20 L', hsn: '3209', uqc: 'NOS', quantityMilli: 4000, unitPricePaise: 4_000_00, rateBps: 1800 }] });

  await page.goto(`${server.url}/w/${owner.workspaceId}/invoices/expenses`);
  await heading(page, 'Expenses');
  await page.getByText('No expenses in this month yet.').waitFor();
  await page.getByLabel('Description').fill('Shop rent');
  await page.getByLabel('Amount before GST (₹)').fill('3000');
  await page.getByLabel(/GST paid/).fill('540');
  await page.getByLabel('Vendor GSTIN').fill('29AAGCB7383J1Z5');
  await page.getByRole('button', { name: 'Record expense' }).click();
  await page.getByText(/check (digit|character)/i).first().waitFor();
  await page.getByLabel('Vendor GSTIN').fill('29AAGCB7383J1Z4');
  await page.getByRole('button', { name: 'Record expense' }).click();
  await expect.poll(() => page.getByTestId('expense-totals').textContent()).toContain('input tax credit ₹540.00');
  await shoot(page, 'expenses');

  // Sales ₹16,000 − 4 × ₹2,500 − rent ₹3,000 = ₹3,000.
  await page.goto(`${server.url}/w/${owner.workspaceId}/invoices/reports`);
  await heading(page, 'Reports & GST');
  const profit = page.getByTestId('profit');
  await expect.poll(() => profit.textContent()).toMatch(/Sales.*₹16,000\.00.*Cost of goods.*-?₹10,000\.00.*Expenses.*-?₹3,000\.00.*Profit₹3,000\.00/);
  await shoot(page, 'profit');
  expect(problems).toEqual([]);
}, 180_000);
