import type { Browser } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { ownerWithWorkspace } from '../helpers/client';
import { heading, noSidewaysScroll, openPage, signIn, startBrowserSuite } from '../helpers/browser';
import { type TestServer } from '../helpers/server';

/**
 * Issue 20, "Download my data": a person asks for everything about them from Settings → Data,
 * watches it build, downloads the zip once through the expiring link, and sees the used link's
 * state after a reload; the same section is on their profile page.
 */
let server: TestServer;
let browser: Browser;
const problems: string[] = [];
const shots = process.env.PRIVACY_SCREENSHOTS ?? '';

beforeAll(async () => ({ server, browser } = await startBrowserSuite()), 300_000);

it('PRIV-2 a person downloads their own data once from Settings → Data, on desktop and phone widths, and sees it used after a reload', async () => {
  const owner = await ownerWithWorkspace(server, 'My Data Bakery');
  const { page, context } = await openPage(browser, server.url, problems);
  await signIn(page, owner.email, owner.password, `/w/${owner.workspaceId}/settings/data`);
  await heading(page, 'Data');
  const section = page.getByRole('region', { name: 'Download my data' });
  await section.getByRole('button', { name: 'Download my data' }).click();
  const link = section.getByRole('link', { name: 'Download the zip' });
  await link.waitFor();
  await expect(section.getByText(/Your data is ready: \d+ rows\. The link works once, until/).textContent()).resolves.toBeTruthy();
  if (shots) await section.screenshot({ path: `${shots}/my-data-ready-1280.png` });
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await noSidewaysScroll(page)).toBe(true);
  if (shots) await page.screenshot({ path: `${shots}/my-data-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  const href = (await link.getAttribute('href'))!;
  expect(href).toMatch(/^\/api\/account\/exports\/[0-9a-f-]+\/download\?token=/);
  const zip = await context.request.get(href);
  expect(zip.status()).toBe(200);
  expect(zip.headers()['content-type']).toBe('application/zip');
  expect((await zip.body()).subarray(0, 2).toString()).toBe('PK');
  expect((await context.request.get(href)).status()).toBe(410);

  // After a reload the page reads the latest export: used, with a way to ask again.
  await page.goto(`${server.url}/w/${owner.workspaceId}/settings/profile`);
  await heading(page, 'Your profile');
  const onProfile = page.getByRole('region', { name: 'Download my data' });
  await onProfile.getByText('Downloaded. The file has been deleted from the server; the link no longer works.').waitFor();
  await onProfile.getByRole('button', { name: 'Ask for a new export' }).waitFor();
  if (shots) await page.screenshot({ path: `${shots}/my-data-profile-1280.png`, fullPage: true });
  expect(problems).toEqual([]);
  await context.close();
});
