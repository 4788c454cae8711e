import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import QRCode from 'qrcode';
import { beforeAll, expect, it } from 'vitest';
import { startFake } from '../fakes/harness';
import { FakeRazorpay } from '../fakes/razorpay';
import { FakeMeta } from '../fakes/meta';
import { heading, startBrowserSuite } from '../helpers/browser';
import { issueInvoice, openAsOwner, shoot, shopWithSeries, todayInIndia } from '../helpers/invoicing-browser';
import { type TestServer } from '../helpers/server';

/**
 * What came after the first invoicing path, in a browser. INV-5: the shop connects its own Razorpay
 * account, takes an instalment through a Razorpay link (partly paid), and a link paid after the
 * balance was settled in cash shows as "Needs attention". INV-2: the invoice goes on WhatsApp inside
 * the 24-hour window and shows in the customer's inbox conversation; a discount on the whole invoice
 * changes the live totals. INV-3/INV-4: a vendor's bill attached to an expense, and its GST in
 * GSTR-3B table 4.
 */
let server: TestServer;
let browser: Browser;
let razorpay: FakeRazorpay;
let wa: FakeMeta;
const problems: string[] = [];

beforeAll(async () => {
  razorpay = await startFake(new FakeRazorpay({}, 'rzp_test_UdupiShop1', 'udupiKeySecret0001', 'udupi-webhook-secret'));
  wa = await startFake(new FakeMeta());
  ({ server, browser } = await startBrowserSuite({ RAZORPAY_API_URL: razorpay.url, WHATSAPP_GRAPH_URL: wa.url, WHATSAPP_GRAPH_VERSION: 'v21.0' }));
}, 300_000);

/** An issued invoice of ₹1,000 + 18 % GST = ₹1,180, due today. */
const saree = (extra: Record<string, unknown> = {}) => ({ documentDate: todayInIndia(), dueDate: todayInIndia(), buyerName: 'Chamundi Stores', lines: [{ description: 'Mysore silk saree', hsn: '5007', uqc: 'PCS', quantityMilli: 1000, unitPricePaise: 1_000_00, rateBps: 1800 }], ...extra });

it('INV-5 INV-3 an owner connects Razorpay, a Razorpay link takes an instalment (partly paid), and a link paid after the rest came in cash needs attention', async () => {
  const owner = await shopWithSeries(server, 'Udupi Cashews', 'UC');
  const inv = await issueInvoice(owner, saree());
  razorpay.webhookUrl = `${server.url}/api/invoicing/webhooks/razorpay/${owner.workspaceId}`;

  const page = await openAsOwner(browser, server, owner, `/w/${owner.workspaceId}/invoices/settings`, problems);
  await heading(page, 'Invoicing settings');
  const card = page.getByRole('region', { name: 'Razorpay' });
  await card.getByText('Razorpay is not connected.').waitFor();
  await expect(card.getByLabel('Razorpay webhook address').textContent()).resolves.toBe(`${server.services.config.publicUrl}/api/invoicing/webhooks/razorpay/${owner.workspaceId}`);
  await card.getByLabel('Key id').fill('sk_test_not_razorpay');
  await card.getByLabel('Key secret').fill(razorpay.keySecret);
  await card.getByLabel('Webhook secret').fill(razorpay.webhookSecret);
  await card.getByRole('button', { name: 'Connect Razorpay' }).click();
  // A Stripe key in the Razorpay card is named as the field to fix.
  await expect.poll(() => card.getByLabel('Key id').getAttribute('aria-invalid')).toBe('true');
  await card.getByLabel('Key id').fill(razorpay.keyId);
  await card.getByRole('button', { name: 'Connect Razorpay' }).click();
  await card.getByText(`Razorpay connected · key id ${razorpay.keyId} · secret ending 0001`).waitFor();
  await shoot(page, 'razorpay-settings');

  // An instalment of ₹400 through Razorpay.
  await page.goto(`/w/${owner.workspaceId}/invoices/${inv.id}`);
  await heading(page, `Invoice ${inv.number}`);
  await page.getByRole('button', { name: 'Make a payment link' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('Through Razorpay.').waitFor();
  await dialog.getByLabel('Amount (₹)').fill('400');
  await dialog.getByRole('button', { name: 'Make link' }).click();
  await page.getByText('Asks for ₹400.00 through Razorpay').waitFor();
  const first = (await page.getByLabel('Link address').textContent())!;
  expect(first.startsWith(`${razorpay.url}/links/plink_`)).toBe(true);
  expect(razorpay.links.get(first.split('/').at(-1)!)).toMatchObject({ amount: 400_00, reference_id: inv.number });

  // The customer pays on Razorpay's page; its signed webhook records the payment.
  expect((await fetch(first, { redirect: 'manual' })).status).toBe(302);
  await page.reload();
  await expect.poll(() => page.getByTestId('status-chip').textContent()).toBe('Partly paid');
  await expect.poll(() => page.getByTestId('balance').textContent()).toBe('₹780.00');
  await page.getByRole('region', { name: 'Payments' }).getByText(/Payment link/).waitFor();

  // A link for the rest goes out; the customer pays cash at the counter; then pays the link too.
  // The paid link is no longer the open one: "Make a payment link" again, for the balance by default.
  await page.getByText('1 paid through a link.').waitFor();
  await page.getByRole('button', { name: 'Make a payment link' }).click();
  await expect.poll(() => dialog.getByLabel('Amount (₹)').inputValue()).toBe('780.00');
  await dialog.getByRole('button', { name: 'Make link' }).click();
  await page.getByText('Asks for ₹780.00 through Razorpay').waitFor();
  const second = (await page.getByLabel('Link address').textContent())!;
  expect(second).not.toBe(first);
  await page.getByRole('button', { name: 'Record payment' }).click();
  await dialog.getByLabel('Method').selectOption('cash');
  await dialog.getByRole('button', { name: 'Record payment' }).click();
  await expect.poll(() => page.getByTestId('status-chip').textContent()).toBe('Paid');
  expect((await fetch(second, { redirect: 'manual' })).status).toBe(302);
  await page.reload();
  const attention = page.getByRole('region', { name: 'Needs attention' });
  await attention.getByText(`₹780.00 arrived through Razorpay for ${inv.number}`, { exact: false }).waitFor();
  await attention.getByText(/Refund it from your Razorpay dashboard/).waitFor();
  // Not recorded on the invoice: it stays paid with nothing due.
  await expect(page.getByTestId('balance').textContent()).resolves.toBe('₹0.00');
  await shoot(page, 'document-needs-attention');
  await attention.getByRole('button', { name: 'Keep as credit' }).click();
  await page.getByRole('region', { name: 'Payments settled by hand' }).getByText(/Kept as credit on/).waitFor();
  expect(problems).toEqual([]);
}, 240_000);

it('INV-2 an owner sends the invoice on WhatsApp inside the 24-hour window and finds it in the customer\'s inbox conversation', async () => {
  const owner = await shopWithSeries(server, 'Hassan Spices', 'HS');
  const ws = (p: string) => `/api/workspaces/${owner.workspaceId}${p}`;
  const put = await owner.client.patch(ws('/channel-settings'), { whatsapp: { phoneNumberId: wa.phoneNumberId, businessAccountId: wa.wabaId, accessToken: wa.token, appSecret: wa.appSecret, verifyToken: 'verify-me-0123456789' } });
  expect(put.statusCode, put.body).toBe(200);
  const hook = `${server.url}${new URL(put.json().whatsapp.webhookUrl).pathname}`;
  expect((await wa.inbound(hook, { from: '919845012345', name: 'Ravi Kumar', text: 'Please send the bill' })).status).toBe(200);
  const contactId = (await server.services.database.system.execute(sql`SELECT contact_id FROM visitors WHERE phone LIKE ${'%919845012345'} AND workspace_id = ${owner.workspaceId}`)).rows[0]!.contact_id as string;
  const inv = await issueInvoice(owner, saree({ buyerName: 'Ravi Kumar', contactId }));

  const page = await openAsOwner(browser, server, owner, `/w/${owner.workspaceId}/invoices/${inv.id}`, problems);
  await heading(page, `Invoice ${inv.number}`);
  await page.getByRole('button', { name: 'Send on WhatsApp' }).click();
  const dialog = page.getByRole('dialog', { name: `Send ${inv.number} on WhatsApp` });
  await dialog.getByText("The PDF goes into the customer's WhatsApp conversation").waitFor();
  await shoot(page, 'document-whatsapp-dialog');
  await dialog.getByRole('button', { name: 'Send', exact: true }).click();
  await page.locator('#main').getByText(`${inv.number} is on its way on WhatsApp`, { exact: false }).waitFor();
  await expect.poll(() => wa.sent.filter((m) => m.to === '919845012345' && m.type === 'document').length).toBe(1);
  await expect.poll(() => page.getByTestId('status-chip').textContent()).toBe('Sent');

  await page.goto(`/w/${owner.workspaceId}/inbox`);
  await page.getByRole('list', { name: 'Conversations' }).getByText('Ravi Kumar').click();
  const log = page.getByRole('list', { name: 'Messages' });
  await log.getByText('Please send the bill').waitFor();
  await log.getByText(`Tax invoice ${inv.number} from Hassan Spices LLP for ₹1,180.00`, { exact: false }).waitFor();
  expect(problems).toEqual([]);
}, 240_000);

it('INV-2 an owner gives a discount on the whole invoice, as a percentage and then in rupees, and the live totals follow', async () => {
  const owner = await shopWithSeries(server, 'Mysuru Weaves', 'MW');
  const page = await openAsOwner(browser, server, owner, `/w/${owner.workspaceId}/invoices/new`, problems);
  await heading(page, 'New invoice');
  await page.getByLabel('Bill to (name)').fill('Walk-in customer');
  const line1 = page.getByRole('listitem', { name: 'Line 1' });
  await line1.getByRole('textbox', { name: 'Description' }).fill('Silk saree');
  await line1.getByLabel('HSN/SAC').fill('5007');
  await line1.getByLabel('Price (₹)').fill('1000');
  await page.getByRole('button', { name: 'Add line' }).click();
  const line2 = page.getByRole('listitem', { name: 'Line 2' });
  await line2.getByRole('textbox', { name: 'Description' }).fill('Silk stole');
  await line2.getByLabel('HSN/SAC').fill('5007');
  await line2.getByLabel('Price (₹)').fill('500');
  await expect.poll(() => page.getByTestId('grand-total').textContent()).toBe('₹1,770.00');

  // 10 % off ₹1,500 → ₹1,350 taxable; GST 18 % ₹243 → ₹1,593.
  const totals = page.getByRole('region', { name: 'Live totals' });
  await page.getByLabel('Invoice discount %').fill('10');
  await expect.poll(() => page.getByTestId('grand-total').textContent()).toBe('₹1,593.00');
  await expect.poll(() => totals.textContent()).toContain('Discount (before tax)-₹150.00');
  expect(await totals.textContent()).toContain('Taxable value₹1,350.00');
  // ₹200 off → ₹1,300 taxable; GST ₹234 → ₹1,534.
  await page.getByRole('group', { name: 'Invoice discount in' }).getByRole('button', { name: 'Rupees' }).click();
  await page.getByLabel('Invoice discount ₹').fill('200');
  await expect.poll(() => page.getByTestId('grand-total').textContent()).toBe('₹1,534.00');
  await expect.poll(() => totals.textContent()).toContain('Taxable value₹1,300.00');
  await shoot(page, 'editor-invoice-discount');

  await page.getByRole('button', { name: 'Save and issue' }).click();
  await heading(page, /^Invoice MW\//);
  await expect.poll(() => page.getByTestId('invoice-discount').textContent()).toContain('Invoice discount ₹200.00');
  await expect(page.getByTestId('grand-total').textContent()).resolves.toBe('₹1,534.00');
  const saved = (await owner.client.get(owner.api('/documents'))).json().items[0];
  expect((await owner.client.get(owner.api(`/documents/${saved.id}`))).json()).toMatchObject({ discount: { kind: 'amount', paise: 200_00 }, taxablePaise: 1_300_00, grandTotalPaise: 1_534_00 });
  expect(problems).toEqual([]);
}, 240_000);

it('INV-3 INV-4 an owner attaches the vendor\'s bill to an expense and sees its GST in GSTR-3B table 4', async () => {
  const owner = await shopWithSeries(server, 'Hubballi Hardware', 'HH');
  const page = await openAsOwner(browser, server, owner, `/w/${owner.workspaceId}/invoices/expenses`, problems);
  await heading(page, 'Expenses');
  await page.getByText('No expenses in this month yet.').waitFor();
  await page.getByLabel('Description').fill('Shop rent');
  await page.getByLabel('Amount before GST (₹)').fill('3000');
  await page.getByLabel(/GST paid/).fill('540');
  await page.getByLabel('Vendor GSTIN').fill('29AAGCB7383J1Z4');
  await page.getByRole('button', { name: 'Record expense' }).click();
  await expect.poll(() => page.getByTestId('expense-totals').textContent()).toContain('input tax credit ₹540.00');

  const bill = await QRCode.toBuffer('Rent receipt, November', { type: 'png', width: 120, margin: 1 });
  await page.getByLabel('Attach bill for Shop rent').setInputFiles({ name: 'rent-receipt.png', mimeType: 'image/png', buffer: bill });
  const download = page.getByRole('link', { name: 'Download the bill for Shop rent' });
  await download.waitFor();
  await page.getByText('Replace bill').waitFor();
  const got = await page.request.get((await download.getAttribute('href'))!);
  expect(got.status()).toBe(200);
  expect(got.headers()['content-type']).toBe('image/png');
  expect(Buffer.from(await got.body()).equals(bill)).toBe(true);
  await shoot(page, 'expenses-bill');

  // The vendor is in Karnataka like the shop: ₹540 is CGST ₹270 + SGST ₹270 of eligible credit.
  await page.getByRole('navigation', { name: 'Invoicing' }).getByRole('link', { name: 'Reports & GST' }).click();
  await heading(page, 'Reports & GST');
  const row = page.getByTestId('gstr3b-itc').getByRole('row', { name: /All other ITC/ });
  await expect.poll(() => row.textContent()).toMatch(/270\.00.*270\.00/);
  const net = page.getByTestId('gstr3b-itc').getByRole('row', { name: /Net ITC available/ });
  expect(await net.textContent()).toMatch(/270\.00.*270\.00/);
  await shoot(page, 'reports-table-4');
  expect(problems).toEqual([]);
}, 240_000);
