import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { runCli } from '../../src/server/cli';
import { csv, importFile } from '../../src/server/modules/imports/imports.fixtures';
import { ownerWithWorkspace, TestClient, uniqueEmail } from '../helpers/client';
import { heading, openPage, signIn, startBrowserSuite } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * The details a person notices (issue 13, point 8), in a real browser against a real server:
 * the development mailbox shows mail without CSP errors, two-step setup has a QR code and says
 * "On", a saved view survives a reload and is what export takes, an undone import leaves no
 * stale counts, money reads in the workspace's locale.
 */

let server: TestServer;
let browser: Browser;
const problems: string[] = [];
const shots = 'test-results/details';

beforeAll(async () => {
  ({ server, browser } = await startBrowserSuite());
  mkdirSync(shots, { recursive: true });
}, 300_000);

/** Desktop and phone screenshots of what the page shows now. */
async function screenshots(page: Page, name: string) {
  await page.screenshot({ path: `${shots}/${name}-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${shots}/${name}-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

it('SEC-1 the development mailbox shows an email as its HTML, styled, with no Content-Security-Policy violation', async () => {
  // With no mail server the mails are kept whole, as on a fresh `npm start`.
  const dev = await startTestServer({ SMTP_URL: '' });
  const email = uniqueEmail('mailbox');
  expect((await new TestClient(dev.app).post('/api/auth/sign-up', { name: 'Kim', email, password: 'long enough pw', ageConfirmed: true })).statusCode).toBe(202);
  // Only a signed-in operator of the instance reads it (SEC-1), as `kestrel user create --operator` makes one.
  const operator = uniqueEmail('operator');
  const { config } = dev.services;
  const cliEnv = { NODE_ENV: 'test', DATABASE_URL: config.DATABASE_URL!, DATABASE_POOL_SIZE: '2', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'kestrel-details-')), KESTREL_SECRET_KEYS: config.KESTREL_SECRET_KEYS!, KESTREL_SESSION_SECRET: config.KESTREL_SESSION_SECRET! };
  const quiet = { write: () => true };
  expect(await runCli(['user', 'create', '--email', operator, '--name', 'Opal Operator', '--password', 'operator password', '--operator'], { env: cliEnv, stdout: quiet, stderr: quiet })).toBe(0);
  const { page } = await openPage(browser, dev.url, problems);
  await page.goto('/sign-in');
  await page.getByLabel('Email', { exact: true }).fill(operator);
  await page.getByLabel('Password', { exact: true }).fill('operator password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname !== '/sign-in');
  await page.goto('/dev/mailbox');
  await heading(page, 'Development mailbox');
  await page.getByRole('list', { name: 'Messages' }).getByRole('button', { name: /sign-in code/ }).first().click();
  const body = page.getByRole('document', { name: 'Email body' });
  await body.getByText(/Your sign-in code is/).waitFor();
  // Its inline styles apply (the page's policy refused them before), through the CSSOM.
  const styled = await body.evaluate((host) => {
    const wrapper = host.shadowRoot!.firstElementChild as HTMLElement;
    return { maxWidth: getComputedStyle(wrapper).maxWidth, scripts: host.shadowRoot!.querySelectorAll('script').length };
  });
  expect(styled).toEqual({ maxWidth: '560px', scripts: 0 });
  await screenshots(page, 'mailbox');
  expect(problems).toEqual([]);
});

it('AUTH-6 two-step setup shows a QR code to scan, and the badge says On as soon as it is on', async () => {
  const owner = await ownerWithWorkspace(server, 'Two Step Co');
  const { page } = await openPage(browser, server.url, problems);
  const profile = `/w/${owner.workspaceId}/settings/profile`;
  await signIn(page, owner.email, owner.password, profile);
  const section = page.getByRole('region', { name: /Two-step verification/ });
  await section.getByText('Off', { exact: true }).waitFor();
  await section.getByRole('button', { name: 'Set up two-step verification' }).click();
  const qr = section.getByRole('img', { name: 'QR code to add Kestrel to an authenticator app' });
  await qr.waitFor();
  // A real image: decoded, and square.
  const size = await qr.evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    return { w: img.naturalWidth, h: img.naturalHeight, src: img.src.slice(0, 27) };
  });
  expect(size.w).toBeGreaterThan(20);
  expect(size.w).toBe(size.h);
  expect(size.src).toBe('data:image/svg+xml;charset=');
  await screenshots(page, 'two-step-setup');
  const secret = (await section.getByLabel('Setup key').innerText()).replace(/\s+/g, '');
  await section.getByLabel('Code from the app').fill(await generate({ secret }));
  await section.getByRole('button', { name: 'Turn on' }).click();
  await section.getByRole('list', { name: 'Recovery codes' }).waitFor();
  // While the recovery codes are shown it is already on, and says so.
  await section.getByText('On', { exact: true }).waitFor();
  await page.reload();
  await page.getByRole('region', { name: /Two-step verification/ }).getByText('On', { exact: true }).waitFor();
  expect(problems).toEqual([]);
});

it('CRM-6 CRM-8 a saved view stays selected after a reload and export takes it; CRM-7 counts refresh after an import is undone', async () => {
  const owner = await ownerWithWorkspace(server, 'Views Co');
  const api = (p: string) => `/api/workspaces/${owner.workspaceId}${p}`;
  const imp = await importFile(server, owner, csv([['Name', 'Email', 'Lifecycle'], ['Ada Lovelace', 'ada@example.com', 'customer'], ['Bob Lead', 'bob@example.com', 'lead']]));
  expect(imp).toMatchObject({ status: 'completed', created: 2 });
  const view = (await owner.client.post(api('/views'), { name: 'Customers', definition: { object: 'contacts', filter: { match: 'all', conditions: [{ field: 'lifecycle', op: 'eq', value: 'customer' }] } } })).json();

  const { page } = await openPage(browser, server.url, problems);
  const contacts = `/w/${owner.workspaceId}/contacts`;
  await signIn(page, owner.email, owner.password, contacts);
  await page.getByText('2 contacts', { exact: true }).waitFor();
  await page.getByLabel('View', { exact: true }).selectOption({ label: 'Customers' });
  await page.waitForURL((u) => u.searchParams.get('view') === view.id);
  await page.getByText('1 contacts match', { exact: true }).waitFor();
  await page.reload();
  await expect.poll(() => page.getByLabel('View', { exact: true }).inputValue()).toBe(view.id);
  const table = page.getByRole('table');
  await table.getByRole('link', { name: 'Ada Lovelace' }).waitFor();
  expect(await table.getByRole('link', { name: 'Bob Lead' }).count()).toBe(0);
  // Export takes the view on screen.
  await page.getByRole('button', { name: 'Export' }).click();
  const csvLink = page.getByRole('link', { name: 'CSV (spreadsheet)' });
  expect(await csvLink.getAttribute('href')).toContain(`viewId=${view.id}`);
  const download = await Promise.all([page.waitForEvent('download'), csvLink.click()]).then(([d]) => d);
  const exported = await (await download.createReadStream()).toArray();
  const text = Buffer.concat(exported as Buffer[]).toString('utf8');
  expect(text).toContain('Ada Lovelace');
  expect(text).not.toContain('bob@example.com');
  await screenshots(page, 'saved-view');

  // Undo the import from its page, then back to contacts without reloading: no stale count.
  await page.getByLabel('View', { exact: true }).selectOption({ label: 'All contacts' });
  await page.getByText('2 contacts', { exact: true }).waitFor();
  await page.getByRole('navigation').getByRole('link', { name: 'Import' }).click();
  await page.getByRole('link', { name: 'people.csv' }).click();
  await page.getByRole('button', { name: 'Undo this import' }).click();
  await page.getByRole('button', { name: 'Yes, undo the import' }).click();
  await page.getByText(/This import was undone/).waitFor();
  await page.getByRole('navigation').getByRole('link', { name: 'Contacts' }).click();
  await page.getByText('No contacts yet').waitFor();
  expect(problems).toEqual([]);
});

it('CRM-3 the workspace currency and locale format money: an Indian workspace groups rupees in lakhs on the deals table', async () => {
  const owner = await ownerWithWorkspace(server, 'Rupee Co');
  const api = (p: string) => `/api/workspaces/${owner.workspaceId}${p}`;
  const profile = await owner.client.patch(`/api/workspaces/${owner.workspaceId}`, { country: 'IN', currency: 'INR', state: 'KA', timeZone: 'Asia/Kolkata' });
  expect(profile.statusCode, profile.body).toBe(200);
  const deal = await owner.client.post(api('/deals'), { name: 'Bakery fit-out', amount: '1250000.50', currency: 'INR' });
  expect(deal.statusCode, deal.body).toBe(201);
  const { page } = await openPage(browser, server.url, problems);
  await signIn(page, owner.email, owner.password, `/w/${owner.workspaceId}/deals`);
  await page.getByRole('table').getByText('₹12,50,000.50').waitFor();
  await screenshots(page, 'deals-inr');
  expect(problems).toEqual([]);
});

it('BILL-4 on a server without billing, Settings → Billing says so and asks none of the billing routes', async () => {
  const owner = await ownerWithWorkspace(server, 'No Billing Co');
  const { page } = await openPage(browser, server.url, problems);
  const asked: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes(`/api/workspaces/${owner.workspaceId}/billing`)) asked.push(r.url());
  });
  await signIn(page, owner.email, owner.password, `/w/${owner.workspaceId}/settings/billing`);
  await page.getByText('No billing on this server').waitFor();
  expect(asked).toEqual([]);
  expect(problems).toEqual([]);
});
