import type { Browser } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { ownerWithWorkspace } from '../helpers/client';
import { heading, noSidewaysScroll, openPage, signIn, startBrowserSuite } from '../helpers/browser';
import { type TestServer } from '../helpers/server';

/**
 * Issue 17's screens for sending accounts and templates in a real browser: the owner adds an SMTP
 * account (the local sink), sends a test through it, writes a template with a merge field and
 * previews it with a real contact found by search — values escaped, a missing value named.
 */
let server: TestServer;
let browser: Browser;
const problems: string[] = [];
const shots = process.env.OUTREACH_SCREENSHOTS ?? '';

beforeAll(async () => ({ server, browser } = await startBrowserSuite()), 300_000);

it('MAIL-1 MAIL-2 the owner adds an SMTP account, sends a test, writes a template and previews it with a real contact', async () => {
  const owner = await ownerWithWorkspace(server, 'Lantern Books');
  const api = (p: string) => `/api/workspaces/${owner.workspaceId}${p}`;
  expect((await owner.client.post(api('/contacts'), { firstName: 'Rosa <i>', lastName: 'Diaz', emails: ['rosa.diaz@example.test'] })).statusCode).toBe(201);

  const { page } = await openPage(browser, server.url, problems);
  await signIn(page, owner.email, owner.password, `/w/${owner.workspaceId}/settings/sending-accounts`);
  await heading(page, 'Sending accounts');
  await page.getByText('No sending accounts yet').waitFor();

  // An SMTP account: the test server's own sink stands in for the business's mail server.
  await page.getByLabel('From name').fill('Lantern Books');
  await page.getByLabel('From address').fill('news@lantern.example');
  await page.getByLabel('SMTP host').fill('127.0.0.1');
  await page.getByLabel('Port', { exact: true }).fill(String(server.smtp.port));
  await page.getByLabel(/^Password/).fill('sink-password-1');
  await page.getByRole('button', { name: 'Add account' }).click();
  await page.getByText('news@lantern.example was added.').waitFor();
  const card = page.getByRole('region', { name: 'Lantern Books <news@lantern.example>' });
  await expect(card.getByTestId('account-status').textContent()).resolves.toBe('Ready');
  await expect(card.textContent()).resolves.toContain('Passwordset');
  expect(await page.content()).not.toContain('sink-password-1');

  await card.getByRole('button', { name: 'Send a test' }).click();
  await card.getByText(`A test mail went to ${owner.email}.`).waitFor();
  await server.smtp.waitForMail(owner.email, (m) => m.subject === 'Test from Lantern Books through Kestrel');

  await card.getByRole('button', { name: 'Use for marketing by default' }).click();
  await card.getByText('Default for marketing').waitFor();
  // MAIL-1: Remove asks first and says where the mail it sends goes instead; Keep it keeps it.
  await card.getByRole('button', { name: 'Remove news@lantern.example' }).click();
  const confirm = card.getByRole('group', { name: 'Confirm: remove news@lantern.example' });
  await confirm.getByText("It sends your marketing mail (campaigns and sequences). From now on that leaves from Kestrel's own address, with your business's name.").waitFor();
  await confirm.getByRole('button', { name: 'Keep it' }).click();
  await card.getByRole('button', { name: 'Remove news@lantern.example' }).waitFor();
  if (shots) await page.screenshot({ path: `${shots}/sending-accounts-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await noSidewaysScroll(page)).toBe(true);
  if (shots) await page.screenshot({ path: `${shots}/sending-accounts-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  // A template with a merge field, previewed with the contact found by search.
  await page.getByRole('link', { name: 'Templates' }).first().click();
  await heading(page, 'Email templates');
  await page.getByText('No templates yet').waitFor();
  await page.getByRole('button', { name: 'New template' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Welcome');
  await page.getByLabel('Subject').fill('Welcome, ');
  await page.getByLabel('Subject').press('End');
  await page.getByLabel('Merge field').selectOption({ label: 'Contact: first name' });
  await page.getByRole('button', { name: 'Insert field' }).click();
  await expect.poll(() => page.getByLabel('Subject').inputValue()).toBe('Welcome, {{contact.firstName}}');
  await page.getByLabel('Body').fill('<p>Hello {{contact.firstName}} {{contact.lastName}}, from {{company.name}}.</p>');

  // MAIL-2: the preview is filled in at once, with the workspace's first contact; another can be searched for.
  await expect.poll(() => page.getByTestId('preview-subject').textContent(), { timeout: 10_000 }).toBe('Welcome, Rosa <i>');
  await page.getByText('(your first contact)').waitFor();
  await page.getByRole('button', { name: 'Another contact' }).click();
  await page.getByLabel('Preview with a contact').fill('Rosa');
  await page.getByRole('button', { name: /Rosa <i> Diaz/ }).click();
  const preview = page.getByTestId('template-preview');
  await expect.poll(() => page.getByTestId('preview-subject').textContent(), { timeout: 10_000 }).toBe('Welcome, Rosa <i>');
  await preview.getByText("This contact's mail would not be sent").waitFor();
  await expect(preview.textContent()).resolves.toContain('This contact has no value for {{company.name}}');
  const frame = page.frameLocator('iframe[title="Email body preview"]');
  await expect.poll(() => frame.locator('p').textContent()).toBe('Hello Rosa <i> Diaz, from {{company.name}}.');
  // The contact's "<i>" is text, not markup.
  await expect(frame.locator('i').count()).resolves.toBe(0);

  // A fallback clears the warning.
  await page.getByLabel('Body').fill('<p>Hello {{contact.firstName}}, from {{company.name | "your team"}}.</p>');
  await expect.poll(() => frame.locator('p').textContent(), { timeout: 10_000 }).toBe('Hello Rosa <i>, from your team.');
  await expect(preview.getByText("This contact's mail would not be sent").count()).resolves.toBe(0);
  await page.getByRole('button', { name: 'Save template' }).click();
  await page.getByText('"Welcome" is saved.').waitFor();
  await page.getByRole('listitem').filter({ hasText: 'Welcome, [first name]' }).waitFor();
  if (shots) await page.screenshot({ path: `${shots}/templates-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await noSidewaysScroll(page)).toBe(true);
  if (shots) await page.screenshot({ path: `${shots}/templates-390.png`, fullPage: true });

  // MAIL-1: removed after the question, the account is gone and mail leaves from Kestrel's own address again.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole('link', { name: 'Settings' }).first().click();
  await page.getByRole('link', { name: 'Sending accounts' }).first().click();
  await heading(page, 'Sending accounts');
  await page.getByRole('button', { name: 'Remove news@lantern.example' }).click();
  await page.getByRole('group', { name: 'Confirm: remove news@lantern.example' }).getByRole('button', { name: 'Remove', exact: true }).click();
  await page.getByText('No sending accounts yet').waitFor();
  expect((await owner.client.get(api('/outreach/sending-accounts'))).json().items).toEqual([]);
  expect(problems).toEqual([]);
}, 240_000);
