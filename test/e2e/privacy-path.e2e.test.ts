import type { Browser } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { ownerWithWorkspace } from '../helpers/client';
import { heading, noSidewaysScroll, openPage, signIn, startBrowserSuite } from '../helpers/browser';
import { type TestServer } from '../helpers/server';

/**
 * Issue 20's person's path in a real browser: the owner opens Settings → Data, exports everything
 * (progress, then a download link that works once), finds a person by email (results grouped by
 * module) and erases them after confirming; the same lookup then finds nothing.
 */
let server: TestServer;
let browser: Browser;
const problems: string[] = [];
const shots = process.env.PRIVACY_SCREENSHOTS ?? '';

beforeAll(async () => ({ server, browser } = await startBrowserSuite()), 300_000);

it('PRIV-1 PRIV-2 PRIV-3 the owner exports the workspace, finds a person by email and erases them, on desktop and phone widths', async () => {
  const owner = await ownerWithWorkspace(server, 'Privacy Path Bakery');
  const contact = await owner.client.post(`/api/workspaces/${owner.workspaceId}/contacts`, { firstName: 'Farah', lastName: 'Forgetme', emails: ['farah@forget.test'] });
  expect(contact.statusCode).toBe(201);
  const { page, context } = await openPage(browser, server.url, problems);
  const dataPath = `/w/${owner.workspaceId}/settings/data`;
  await signIn(page, owner.email, owner.password, dataPath);
  await heading(page, 'Data');

  // PRIV-2: export with progress, then the link.
  await page.getByRole('button', { name: 'Export all data' }).click();
  const download = page.getByRole('link', { name: 'Download the zip' });
  await download.waitFor();
  await expect(page.getByText(/Your export is ready: \d+ rows/).textContent()).resolves.toBeTruthy();
  const href = (await download.getAttribute('href'))!;
  const zip = await context.request.get(href);
  expect(zip.status()).toBe(200);
  expect(zip.headers()['content-type']).toBe('application/zip');
  expect((await zip.body()).subarray(0, 2).toString()).toBe('PK');
  expect((await context.request.get(href)).status()).toBe(410);

  // PRIV-1: find the person; results grouped by module.
  await page.getByLabel('Email', { exact: true }).fill('farah@forget.test');
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  await page.getByText(/mentions? them/).waitFor();
  await page.getByRole('heading', { level: 3, name: 'CRM' }).waitFor();
  if (shots) await page.screenshot({ path: `${shots}/data-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await noSidewaysScroll(page)).toBe(true);
  if (shots) await page.screenshot({ path: `${shots}/data-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  // PRIV-3: erase after confirming; then nothing is found.
  await page.getByRole('button', { name: 'Erase this person' }).click();
  await page.getByRole('button', { name: 'Remove' }).click();
  await page.getByText(/Erased: \d+ rows deleted/).waitFor();
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  await page.getByText('Nothing found: no record in this workspace mentions them.').waitFor();
  expect((await owner.client.get(`/api/workspaces/${owner.workspaceId}/contacts/${contact.json().id}`)).statusCode).toBe(404);
  expect(problems).toEqual([]);
  await context.close();
});
