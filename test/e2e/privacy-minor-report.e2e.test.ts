import type { Browser } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { ownerWithWorkspace } from '../helpers/client';
import { heading, noSidewaysScroll, openPage, signIn, startBrowserSuite } from '../helpers/browser';
import { type TestServer } from '../helpers/server';

/**
 * PRIV-9, PRIV-10 in a real browser: a parent follows the privacy link of the business's booking
 * page, reports that the business holds their child's data, and the owner erases it from
 * Settings → Data.
 */
let server: TestServer;
let browser: Browser;
const problems: string[] = [];
const shots = process.env.PRIVACY_SCREENSHOTS ?? '';

beforeAll(async () => ({ server, browser } = await startBrowserSuite()), 300_000);

it("PRIV-9 PRIV-10 a parent follows the booking page's privacy link and reports their child's data without signing in; the owner sees the report in Settings → Data and erases the child, confirming first", async () => {
  const owner = await ownerWithWorkspace(server, 'Little Chefs Kitchen');
  const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;
  const child = await owner.client.post(api('/contacts'), { firstName: 'Pip', lastName: 'Smallwood', emails: ['pip@smallwood.test'] });
  expect(child.statusCode).toBe(201);

  // The parent, on a phone, from the booking page's footer.
  const parent = await openPage(browser, server.url, problems);
  await parent.page.setViewportSize({ width: 390, height: 844 });
  await parent.page.goto(`${server.url}/book/${owner.workspaceId}/nothing-here`);
  await parent.page.getByRole('link', { name: 'Privacy: how your details are handled' }).click();
  await heading(parent.page, 'Privacy at Little Chefs Kitchen');
  const form = parent.page.getByRole('form', { name: "Report a child's data" });
  // Nothing to send until the child is named.
  await expect(form.getByRole('button', { name: 'Send report' }).isDisabled()).resolves.toBe(true);
  await form.getByLabel("Child's email address").fill('pip@smallwood.test');
  await form.getByLabel('Anything that helps find them').fill('Pip is 10; I booked the class in her name.');
  await form.getByLabel('Your email, if you want an answer').fill('parent@smallwood.test');
  expect(await noSidewaysScroll(parent.page)).toBe(true);
  if (shots) await parent.page.screenshot({ path: `${shots}/privacy-minor-form-390.png`, fullPage: true });
  await form.getByRole('button', { name: 'Send report' }).click();
  await parent.page.getByText(/Little Chefs Kitchen has your report/).waitFor();
  await parent.context.close();

  // The owner acts on it.
  const { page, context } = await openPage(browser, server.url, problems);
  await signIn(page, owner.email, owner.password, `/w/${owner.workspaceId}/settings/data`);
  await heading(page, 'Data');
  const item = page.getByRole('listitem', { name: 'Report about pip@smallwood.test' });
  await item.getByText('Pip is 10; I booked the class in her name.').waitFor();
  await expect(item.textContent()).resolves.toContain('from parent@smallwood.test');
  if (shots) await page.screenshot({ path: `${shots}/data-minor-reports-1280.png`, fullPage: true });
  await item.getByRole('button', { name: "Erase the child's data" }).click();
  expect((await owner.client.get(api(`/contacts/${child.json().id}`))).statusCode).toBe(200);
  await item.getByRole('button', { name: 'Erase', exact: true }).click();
  await page.getByText(/Erased: everything about them, the report with it/).waitFor();
  await page.getByText('No reports waiting.').waitFor();
  expect((await owner.client.get(api(`/contacts/${child.json().id}`))).statusCode).toBe(404);
  const audit = (await owner.client.get(api('/audit?action=privacy.minor_reported'))).json().entries;
  expect(audit).toHaveLength(1);
  expect(JSON.stringify(audit)).not.toContain('pip@smallwood.test');
  expect(problems.filter((p) => !/404/.test(p))).toEqual([]);
  await context.close();
});
