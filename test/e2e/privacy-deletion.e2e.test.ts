import type { Browser } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace } from '../helpers/client';
import { heading, noSidewaysScroll, openPage, signIn, startBrowserSuite } from '../helpers/browser';
import { type TestServer } from '../helpers/server';

/**
 * PRIV-3 in a real browser: the owner closes the workspace from Settings → Data by typing its
 * name, sees the "closed, deleted on <date>" page and reopens it; a member deletes their account
 * with their password and is sent to sign in, where signing in again is refused.
 */
let server: TestServer;
let browser: Browser;
const problems: string[] = [];
const shots = process.env.PRIVACY_SCREENSHOTS ?? '';

beforeAll(async () => ({ server, browser } = await startBrowserSuite()), 300_000);

it('PRIV-3 the owner closes the workspace by typing its name, sees when it will be deleted, and reopens it, on desktop and phone widths', async () => {
  const owner = await ownerWithWorkspace(server, 'Browser Closing Bakery');
  const { page, context } = await openPage(browser, server.url, problems);
  const dataPath = `/w/${owner.workspaceId}/settings/data`;
  await signIn(page, owner.email, owner.password, dataPath);
  await heading(page, 'Data');
  const close = page.getByRole('button', { name: 'Close workspace' });
  expect(await close.isDisabled()).toBe(true);
  await page.getByLabel('Type Browser Closing Bakery to confirm').fill('Browser Closing Bakery');
  if (shots) await page.screenshot({ path: `${shots}/close-1280.png`, fullPage: true });
  await close.click();
  await heading(page, 'This workspace is closed');
  await page.getByText(/It will be deleted for good on/).waitFor();
  if (shots) await page.screenshot({ path: `${shots}/closed-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await noSidewaysScroll(page)).toBe(true);
  if (shots) await page.screenshot({ path: `${shots}/closed-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  expect((await owner.client.get(`/api/workspaces/${owner.workspaceId}/contacts`)).statusCode).toBe(423);

  await page.getByRole('button', { name: 'Reopen the workspace' }).click();
  await heading(page, 'Data');
  expect((await owner.client.get(`/api/workspaces/${owner.workspaceId}/contacts`)).statusCode).toBe(200);
  expect(problems).toEqual([]);
  await context.close();
});

it('PRIV-3 a member deletes their account with their password and cannot sign in again', async () => {
  const owner = await ownerWithWorkspace(server, 'Browser Leaving Bakery');
  const member = await addMember(server, owner, 'staff');
  const { page, context } = await openPage(browser, server.url, problems);
  const dataPath = `/w/${owner.workspaceId}/settings/data`;
  await signIn(page, member.email, member.password, dataPath);
  await page.getByRole('heading', { name: 'Delete your account' }).waitFor();
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await noSidewaysScroll(page)).toBe(true);
  if (shots) await page.screenshot({ path: `${shots}/delete-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  // Typed after the resize: a layout change may mount the settings page again, as a person's rotation would.
  await page.getByLabel('Your password').fill(member.password);
  await page.getByRole('button', { name: 'Delete my account' }).click();
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel('Email', { exact: true }).fill(member.email);
  await page.getByLabel('Password', { exact: true }).fill(member.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(/deleted at its owner's request/).waitFor();
  expect(problems).toEqual([]);
  await context.close();
});
