import type { Browser } from 'playwright-core';
import QRCode from 'qrcode';
import { beforeAll, expect, it } from 'vitest';
import { heading, startBrowserSuite } from '../helpers/browser';
import { openAsOwner, shoot, shopWithSeries } from '../helpers/invoicing-browser';
import { type TestServer } from '../helpers/server';

/**
 * INV-2 in a browser: the owner enters the bank account and UPI id and uploads a logo in Invoicing
 * settings, then gives ₹150 off one line of an invoice (the ₹ side of the discount toggle).
 */
let server: TestServer;
let browser: Browser;
const problems: string[] = [];

beforeAll(async () => ({ server, browser } = await startBrowserSuite()), 300_000);

it('INV-2 an owner sets bank and UPI details and a logo, and gives a rupee discount on an invoice line', async () => {
  const owner = await shopWithSeries(server, 'Mysuru Silks', 'MS');
  const { api } = owner;
  const page = await openAsOwner(browser, server, owner, `/w/${owner.workspaceId}/invoices/settings`, problems);
  await heading(page, 'Invoicing settings');
  const bank = page.getByRole('region', { name: 'Payment details' });
  await bank.getByLabel('Account name').fill('Mysuru Silks Pvt Ltd');
  await bank.getByLabel('Account number').fill('50200012345678');
  await bank.getByLabel('IFSC').fill('hdfc1001234');
  await bank.getByText('Four letters, a zero, then six letters or digits.').waitFor();
  await bank.getByLabel('IFSC').fill('hdfc0001234');
  await bank.getByLabel(/^Bank\b/).fill('HDFC Bank');
  await bank.getByLabel('Branch').fill('Sayyaji Rao Road, Mysuru');
  await bank.getByLabel('UPI id').fill('mysurusilks@okhdfcbank');
  await bank.getByRole('button', { name: 'Save payment details' }).click();
  await bank.getByText('Saved.').waitFor();
  expect((await owner.client.get(api('/settings'))).json()).toMatchObject({ bankIfsc: 'HDFC0001234', upiId: 'mysurusilks@okhdfcbank', bankBranch: 'Sayyaji Rao Road, Mysuru' });

  const logo = page.getByRole('region', { name: 'Logo' });
  await logo.getByText('No logo').waitFor();
  const png = await QRCode.toBuffer('Mysuru Silks', { type: 'png', width: 160, margin: 1 });
  await logo.locator('input[type=file]').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png });
  const img = logo.getByRole('img', { name: 'Your logo' });
  await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth)).toBe(160);
  await logo.getByText('Replace logo').waitFor();
  await shoot(page, 'branding-settings');

  await page.goto(`${server.url}/w/${owner.workspaceId}/invoices`);
  await page.getByRole('link', { name: 'New invoice' }).first().click();
  await heading(page, 'New invoice');
  await page.getByLabel('Bill to (name)').fill('Walk-in customer');
  const line1 = page.getByRole('listitem', { name: 'Line 1' });
  await line1.getByRole('textbox', { name: 'Description' }).fill('Silk saree');
  await line1.getByLabel('HSN/SAC').fill('5007');
  await line1.getByLabel('Price (₹)').fill('1000');
  await line1.getByLabel('Discount %').fill('10');
  // 10 % off ₹1,000 → ₹900 taxable.
  await expect.poll(() => page.getByTestId('line-0-total').textContent()).toContain('Taxable ₹900.00');
  await line1.getByRole('button', { name: 'Rupees' }).click();
  await line1.getByLabel('Discount ₹').fill('150');
  // ₹150 off → ₹850 taxable; GST 18 % ₹153 → ₹1,003.
  await expect.poll(() => page.getByTestId('line-0-total').textContent()).toBe('Taxable ₹850.00 · with tax ₹1,003.00');
  await expect.poll(() => page.getByTestId('grand-total').textContent()).toBe('₹1,003.00');
  await shoot(page, 'editor-amount-discount');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await heading(page, /Invoice/);
  const docs = (await owner.client.get(api('/documents'))).json().items as { id: string }[];
  const saved = (await owner.client.get(api(`/documents/${docs[0]!.id}`))).json();
  expect(saved.lines[0].discount).toEqual({ kind: 'amount', paise: 150_00 });
  expect(saved.grandTotalPaise).toBe(1003_00);

  // Opened again, the editor shows the rupee discount as ₹.
  await page.goto(`${server.url}/w/${owner.workspaceId}/invoices/${saved.id}/edit`);
  await expect.poll(() => page.getByRole('listitem', { name: 'Line 1' }).getByLabel('Discount ₹').inputValue()).toBe('150.00');
  expect(problems).toEqual([]);
}, 240_000);

it('INV-1 where stock may go below zero, issuing an invoice for more than is in stock says so on the invoice, and the product shows as low', async () => {
  const shop = await shopWithSeries(server, 'Hubballi Crockery', 'HC');
  expect((await shop.client.request('PUT', shop.api('/settings'), { legalName: 'Hubballi Crockery LLP', gstin: '29AAGCB7383J1Z4', allowNegativeStock: true })).statusCode).toBe(200);
  expect((await shop.client.post(shop.api('/products'), { sku: 'MUG', name: 'Mug', hsn: '6912', uqc: 'NOS', pricePaise: 150_00, rateBps: 500 })).statusCode).toBe(201);
  const page = await openAsOwner(browser, server, shop, `/w/${shop.workspaceId}/invoices/new`, problems);
  await heading(page, 'New invoice');
  await page.getByLabel('Bill to (name)').fill('Walk-in customer');
  const line = page.getByRole('listitem', { name: 'Line 1' });
  await line.getByLabel('Product or service').selectOption({ label: 'Mug (MUG)' });
  await line.getByLabel('Quantity').fill('2');
  await expect.poll(() => page.getByTestId('grand-total').textContent()).toBe('₹315.00');
  await page.getByRole('button', { name: 'Save and issue' }).click();
  await heading(page, /^Invoice HC\/\d{4}-\d{2}\/0001$/);
  await page.getByText('Stock is now below zero for Mug (-2): record the purchase or an adjustment when the goods arrive.').waitFor();
  await page.goto(`${server.url}/w/${shop.workspaceId}/invoices/products`);
  await heading(page, 'Products & stock');
  await page.getByText('-2 in stock · low', { exact: true }).waitFor();
  await shoot(page, 'products-below-zero');
  expect(problems).toEqual([]);
}, 180_000);
