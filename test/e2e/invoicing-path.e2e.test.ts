import { simpleParser } from 'mailparser';
import type { Browser } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { ownerWithWorkspace } from '../helpers/client';
import { heading, openPage, signIn, startBrowserSuite } from '../helpers/browser';
import { shoot } from '../helpers/invoicing-browser';
import { type TestServer } from '../helpers/server';

/**
 * Issue 18's person's path in a real browser: an owner in Karnataka enters the GSTIN (the check
 * digit is checked as they type), adds a numbering series and a product with its HSN, records a
 * purchase of 50 (valued at cost), quotes a Maharashtra company from the CRM (IGST, a line discount,
 * live totals) and turns the quote into the invoice, takes part payment (partly paid), credits one returned stand with a credit note, sells
 * one over the counter in Bengaluru (CGST+SGST),
 * sees the low-stock alert and the month's GSTR-3B, and downloads GSTR-1 as JSON and spreadsheet. (Payment links, INV-5: invoicing-money.e2e.test.ts.)
 */
let server: TestServer;
let browser: Browser;
const problems: string[] = [];

beforeAll(async () => ({ server, browser } = await startBrowserSuite()), 300_000);

it('INV-1 INV-2 INV-3 INV-4 an owner in Karnataka sets up GST, stocks a product valued at cost, quotes a Maharashtra company and turns the quote into an IGST invoice, emails it with the PDF, takes part payment, credits a return, sells over the counter with CGST+SGST, sees low stock, GSTR-3B (cards on a phone) and downloads GSTR-1', async () => {
  const owner = await ownerWithWorkspace(server, 'Bengaluru Traders');
  expect((await owner.client.post(`/api/workspaces/${owner.workspaceId}/companies`, { name: 'Pune Distributors' })).statusCode).toBe(201);
  const { page } = await openPage(browser, server.url, problems, { timezoneId: 'Asia/Kolkata', locale: 'en-IN' });
  const home = `/w/${owner.workspaceId}/invoices`;
  await signIn(page, owner.email, owner.password, home);
  await heading(page, 'Invoices');
  await page.getByText('Set up invoicing first').waitFor();
  await shoot(page, 'empty');

  // GST identity: a mistyped GSTIN is caught by its check digit before saving.
  await page.getByRole('link', { name: 'Enter GST details' }).click();
  await heading(page, 'Invoicing settings');
  await page.getByLabel('Legal name').fill('Bengaluru Traders Pvt Ltd');
  await page.getByLabel('GSTIN').fill('29AAGCB7383J1Z5');
  await page.getByText(/check (digit|character)/i).first().waitFor();
  await page.getByLabel('GSTIN').fill('29AAGCB7383J1Z4');
  await page.getByText('Valid · state 29').waitFor();
  await page.getByRole('button', { name: 'Save business details' }).click();
  await page.getByText('Saved.').waitFor();
  await page.getByLabel('Prefix').fill('INV');
  await page.getByRole('button', { name: 'Add series' }).click();
  await page.getByText('INV/2026-27/0042').waitFor();
  await page.getByLabel('Document').selectOption('credit_note');
  await page.getByLabel('Prefix').fill('CN');
  await page.getByRole('button', { name: 'Add series' }).click();
  await page.getByText('CN/2026-27/0042').waitFor();
  await page.getByLabel('Document').selectOption('quote');
  await page.getByLabel('Prefix').fill('QT');
  await page.getByRole('button', { name: 'Add series' }).click();
  await page.getByText('QT/2026-27/0042').waitFor();

  // A product with its HSN, and a purchase of 50.
  await page.getByRole('navigation', { name: 'Invoicing' }).getByRole('link', { name: 'Products & stock' }).click();
  await heading(page, 'Products & stock');
  await page.getByRole('button', { name: 'Add product' }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill('Laptop stand');
  await dialog.getByLabel('SKU').fill('LS-1');
  await dialog.getByLabel('HSN or SAC code').fill('8471');
  await dialog.getByLabel('Price (₹)').fill('1250');
  await dialog.getByLabel('Unit cost (₹)').fill('900');
  await dialog.getByLabel('Reorder level').fill('10');
  await dialog.getByRole('button', { name: 'Save product' }).click();
  await page.getByText('0 in stock · low').waitFor();
  await page.getByRole('button', { name: 'Record stock for Laptop stand' }).click();
  await dialog.getByLabel('Quantity').fill('50');
  await dialog.getByRole('button', { name: 'Record' }).click();
  await page.getByText('50 in stock', { exact: true }).waitFor();
  // Stock valued at cost: 50 × ₹900.
  await expect.poll(() => page.getByTestId('stock-value').textContent()).toContain('₹45,000.00');
  await shoot(page, 'products');

  // A quote to the CRM company in Maharashtra: IGST, 10 % off the line, totals live; then it becomes the invoice.
  await page.getByRole('navigation', { name: 'Invoicing' }).getByRole('link', { name: 'Documents' }).click();
  await page.getByRole('link', { name: 'New quote' }).click();
  await heading(page, 'New quote');
  await page.getByRole('combobox', { name: 'Company from the CRM' }).fill('Pune');
  await page.getByRole('option', { name: /Pune Distributors/ }).click();
  await expect.poll(() => page.getByLabel('Bill to (name)').inputValue()).toBe('Pune Distributors');
  await page.getByLabel('Buyer GSTIN').fill('27AAPFU0939F1ZV');
  const line1 = page.getByRole('listitem', { name: 'Line 1' });
  await line1.getByLabel('Product or service').selectOption({ label: 'Laptop stand (LS-1)' });
  await line1.getByLabel('Quantity').fill('46');
  await line1.getByLabel(/Discount %/).fill('10');
  // 46 × ₹1,250 = ₹57,500, less 10 % = ₹51,750 taxable; IGST 18 % = ₹9,315; total ₹61,065.
  await expect.poll(() => page.getByTestId('tax-regime').textContent()).toBe('IGST (other state)');
  await expect.poll(() => page.getByTestId('grand-total').textContent()).toBe('₹61,065.00');
  await shoot(page, 'editor');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await heading(page, 'Quote (draft)');
  await page.getByRole('button', { name: 'Issue quote' }).click();
  await heading(page, /^Quote QT\/\d{4}-\d{2}\/0001$/);
  await page.getByRole('link', { name: 'Make invoice' }).click();
  await heading(page, /^Invoice from quote QT\/\d{4}-\d{2}\/0001$/);
  await expect.poll(() => page.getByLabel('Buyer GSTIN').inputValue()).toBe('27AAPFU0939F1ZV');
  await expect.poll(() => page.getByTestId('tax-regime').textContent()).toBe('IGST (other state)');
  await expect.poll(() => page.getByTestId('grand-total').textContent()).toBe('₹61,065.00');
  await page.getByRole('button', { name: 'Save and issue' }).click();
  await heading(page, /^Invoice INV\/\d{4}-\d{2}\/0001$/);
  await page.getByText('Maharashtra (27)').waitFor();
  const pdfHref = await page.getByRole('link', { name: 'Download PDF' }).getAttribute('href');
  const pdf = await page.request.get(pdfHref!);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');

  // Sent by email through the workspace's mail: the PDF arrives attached and the invoice is sent.
  await page.getByRole('button', { name: 'Send by email' }).click();
  await dialog.getByLabel('Email address').fill('accounts@pune-distributors.example');
  await dialog.getByRole('button', { name: 'Send', exact: true }).click();
  await page.locator('#main').getByText(/is on its way to accounts@pune-distributors\.example with the PDF attached/).waitFor();
  const mail = await simpleParser((await server.smtp.waitForMail('accounts@pune-distributors.example')).raw);
  expect(mail.subject).toMatch(/INV\/\d{4}-\d{2}\/0001/);
  expect(mail.attachments.map((x) => x.contentType)).toContain('application/pdf');
  await expect.poll(() => page.getByTestId('status-chip').textContent()).toBe('Sent');

  // Part payment by UPI: partly paid, ₹41,065 still due.
  await page.getByRole('button', { name: 'Record payment' }).click();
  await dialog.getByLabel('Amount (₹)').fill('20000');
  await dialog.getByLabel('Reference').fill('UPI 4242');
  await dialog.getByRole('button', { name: 'Record payment' }).click();
  await expect.poll(() => page.getByTestId('status-chip').textContent()).toBe('Partly paid');
  await expect.poll(() => page.getByTestId('balance').textContent()).toBe('₹41,065.00');
  await shoot(page, 'invoice');

  // One stand comes back: a credit note against the invoice, its lines prefilled, quantity cut to 1.
  // ₹1,250 less 10 % = ₹1,125; IGST ₹202.50; ₹1,327.50 rounds to ₹1,328.
  const invoiceNumber = (await page.getByRole('heading', { level: 1 }).textContent())!.replace('Invoice ', '');
  await page.getByRole('link', { name: 'Credit note' }).click();
  await heading(page, `Credit note for ${invoiceNumber}`);
  await page.getByRole('listitem', { name: 'Line 1' }).getByLabel('Quantity').fill('1');
  await expect.poll(() => page.getByTestId('grand-total').textContent()).toBe('₹1,328.00');
  await page.getByRole('button', { name: 'Save and issue' }).click();
  await heading(page, /^Credit note CN\/\d{4}-\d{2}\/0001$/);

  // A walk-in sale at the counter in Bengaluru: CGST + SGST.
  await page.goto(`${home}/new`);
  await heading(page, 'New invoice');
  await page.getByLabel('Bill to (name)').fill('Walk-in customer');
  await page.getByRole('listitem', { name: 'Line 1' }).getByLabel('Product or service').selectOption({ label: 'Laptop stand (LS-1)' });
  await expect.poll(() => page.getByTestId('tax-regime').textContent()).toBe('CGST + SGST (same state)');
  await expect.poll(() => page.getByTestId('grand-total').textContent()).toBe('₹1,475.00');
  await page.getByRole('button', { name: 'Save and issue' }).click();
  await heading(page, /^Invoice INV\/\d{4}-\d{2}\/0002$/);

  // Stock is 50 − 46 + 1 − 1 = 4, below the reorder level of 10: the alert is on the invoices page.
  await page.getByRole('link', { name: 'All invoices' }).click();
  await heading(page, 'Invoices');
  await expect.poll(() => page.getByTestId('low-stock').textContent()).toContain('Laptop stand (4 left, reorder at 10)');
  await page.getByRole('button', { name: 'Partly paid' }).click();
  await expect.poll(() => page.getByRole('link', { name: /Walk-in customer/ }).count()).toBe(0);
  await page.getByRole('link', { name: /Pune Distributors/ }).waitFor();
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await page.getByRole('link', { name: /Walk-in customer/ }).waitFor();
  await shoot(page, 'list');

  // This month's GSTR-3B: ₹51,750 + ₹1,250 − ₹1,125 taxable; IGST ₹9,315 − ₹202.50; CGST = SGST = ₹112.50.
  await page.getByRole('navigation', { name: 'Invoicing' }).getByRole('link', { name: 'Reports & GST' }).click();
  await heading(page, 'Reports & GST');
  const row = page.getByTestId('gstr3b').getByRole('row', { name: /Taxable outward supplies/ });
  await expect.poll(() => row.textContent()).toContain('51,875.00');
  expect(await row.textContent()).toContain('9,112.50');
  expect(await row.textContent()).toContain('112.50');
  await expect.poll(() => page.getByTestId('ageing').textContent()).toContain('₹42,540.00');
  // GSTR-1 for the month, as the portal's JSON: the invoice to Pune under b2b, the credit note under cdnr.
  const gstr1 = await page.request.get((await page.getByRole('link', { name: 'Download GSTR-1 (JSON)' }).getAttribute('href'))!);
  expect(gstr1.status()).toBe(200);
  const g = await gstr1.json();
  expect(g.b2b[0]).toMatchObject({ ctin: '27AAPFU0939F1ZV', inv: [{ val: 61065, pos: '27', itms: [{ itm_det: { txval: 51750, rt: 18, iamt: 9315 } }] }] });
  expect(g.cdnr[0]).toMatchObject({ ctin: '27AAPFU0939F1ZV', nt: [{ val: 1328 }] });
  const sheet = await page.request.get((await page.getByRole('link', { name: 'GSTR-1 spreadsheet' }).getAttribute('href'))!);
  expect(sheet.headers()['content-type']).toContain('spreadsheetml');
  await shoot(page, 'reports');
  // On a phone the GSTR-3B rows are cards: every figure, Cess included, shows without scrolling sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  const card = page.getByTestId('gstr3b-cards').getByRole('listitem').filter({ hasText: 'Taxable outward supplies' });
  await expect.poll(() => card.textContent()).toMatch(/Cess\s*0\.00/);
  expect(await card.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  await page.setViewportSize({ width: 1280, height: 900 });
  expect(problems).toEqual([]);
}, 240_000);
