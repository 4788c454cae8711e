import type { Browser } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { ownerWithWorkspace } from '../helpers/client';
import { heading, noSidewaysScroll, openPage, signIn, startBrowserSuite } from '../helpers/browser';
import { type TestServer } from '../helpers/server';

/**
 * Settings → Data in a real browser: the owner sets how long conversations and AI calls are kept
 * (PRIV-4), then finds a person and reports them as a minor, confirming first (PRIV-10).
 */
let server: TestServer;
let browser: Browser;
const problems: string[] = [];
const shots = process.env.PRIVACY_SCREENSHOTS ?? '';

beforeAll(async () => ({ server, browser } = await startBrowserSuite()), 300_000);

it('PRIV-4 PRIV-10 the owner sets retention days and reports a minor from the person lookup, confirming first; the person is erased and the report audited', async () => {
  const owner = await ownerWithWorkspace(server, 'Minor Report Bakery');
  const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;
  const contact = await owner.client.post(api('/contacts'), { firstName: 'Kid', lastName: 'Tooyoung', emails: ['kid@tooyoung.test'] });
  expect(contact.statusCode).toBe(201);
  const { page, context } = await openPage(browser, server.url, problems);
  await signIn(page, owner.email, owner.password, `/w/${owner.workspaceId}/settings/data`);
  await heading(page, 'Data');

  // PRIV-4: the defaults are shown; an admin changes them.
  const conversations = page.getByLabel('Conversations (days after the last message)');
  await expect.poll(() => conversations.inputValue()).toBe('365');
  await expect(page.getByLabel('AI call records (days)').inputValue()).resolves.toBe('90');
  await conversations.fill('180');
  await page.getByLabel('AI call records (days)').fill('30');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Saved. The next nightly run deletes what is older.').waitFor();
  expect((await owner.client.get(api('/privacy/retention'))).json()).toMatchObject({ conversationDays: 180, aiCallDays: 30 });

  // PRIV-10: find the person, report them as a minor; nothing happens until confirmed.
  await page.getByLabel('Email', { exact: true }).fill('kid@tooyoung.test');
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  await page.getByRole('heading', { level: 3, name: 'CRM' }).waitFor();
  await page.getByRole('button', { name: 'Report a minor' }).click();
  await page.getByText('Report that they are under 18?').waitFor();
  if (shots) await page.screenshot({ path: `${shots}/data-minor-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await noSidewaysScroll(page)).toBe(true);
  if (shots) await page.screenshot({ path: `${shots}/data-minor-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  expect((await owner.client.get(api(`/contacts/${contact.json().id}`))).statusCode).toBe(200);
  await page.getByRole('button', { name: 'Report and erase' }).click();
  await page.getByText(/Reported as a minor and erased: [1-9]\d* rows deleted/).waitFor();
  expect((await owner.client.get(api(`/contacts/${contact.json().id}`))).statusCode).toBe(404);
  const audit = (await owner.client.get(api('/audit?action=privacy.minor_reported'))).json().entries;
  expect(audit).toHaveLength(1);
  expect(JSON.stringify(audit)).not.toContain('kid@tooyoung.test');

  // PRIV-10: the public booking page says it is not meant for children.
  await page.goto(`${server.url}/book/${owner.workspaceId}/nothing-here`);
  await page.getByText('This booking page is not meant for children under 18.').waitFor();
  expect(problems.filter((p) => !/404/.test(p))).toEqual([]);
  await context.close();
});
