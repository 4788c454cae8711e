import type { Browser } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { awayMailJob } from '../../src/server/modules/conversations/away-mail';
import { ownerWithWorkspace } from '../helpers/client';
import { noSidewaysScroll, openPage, signIn, startBrowserSuite } from '../helpers/browser';
import type { TestServer } from '../helpers/server';
import { widgetVisitor } from '../helpers/widget-visitor';

/**
 * CONV-4, CONV-6 in Chromium: a teammate opens a web chat whose visitor has left. The composer
 * says the reply will also be emailed (to the masked address), the reply shows "Emailed" once the
 * mail server took it; a visitor who left no email is told apart. 1280 and 390 wide.
 */
let server: TestServer;
let browser: Browser;
const problems: string[] = [];
const shots = 'test/e2e/screens';
const SITE = 'https://bakery.example';

beforeAll(async () => {
  ({ server, browser } = await startBrowserSuite());
}, 600_000);

it('CONV-6 the inbox says a visitor has left and that the reply is emailed to them, then shows it emailed; one who left no email is told apart', async () => {
  const owner = await ownerWithWorkspace(server, 'Crumb Bakery');
  expect((await owner.client.patch(`/api/workspaces/${owner.workspaceId}/widget-settings`, { allowedOrigins: [SITE] })).statusCode).toBe(200);
  const ana = widgetVisitor(server.app, owner, SITE);
  const { conversationId } = await ana.start(`${SITE}/wedding-cakes`);
  await ana.send('Do you make gluten-free wedding cakes?');
  await ana.c.post(`/api/widget/${owner.workspaceId}/contact`, { token: ana.token, name: 'Ana Lima', email: 'ana@example.test', consent: false }, { origin: SITE });
  const bo = widgetVisitor(server.app, owner, SITE);
  await bo.start();
  await bo.send('Are you open on Sunday?');

  const { page } = await openPage(browser, server.url, problems);
  await signIn(page, owner.email, owner.password, `/w/${owner.workspaceId}/inbox`);
  await page.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /Ana Lima/ }).click();
  const notice = page.getByRole('status').filter({ hasText: 'left the chat' });
  await expect(notice.textContent()).resolves.toContain('Ana left the chat — your reply will also be emailed to a***@example.test');
  await page.getByLabel('Reply to the visitor').fill('Yes! Our almond sponge is gluten-free. How many guests?');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  const log = page.getByRole('list', { name: 'Messages' });
  await log.getByText('Yes! Our almond sponge is gluten-free.', { exact: false }).waitFor();
  // The grace period is over: the email goes; the reply says so once the mail server took it.
  await awayMailJob.run({ workspaceId: owner.workspaceId, conversationId }, server.services);
  await server.smtp.waitForMail('ana@example.test');
  await log.getByText('Emailed to a***@example.test').waitFor({ timeout: 15_000 });
  await page.screenshot({ path: `${shots}/inbox-away-1280.png` });

  await page.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /Are you open on Sunday/ }).click();
  await page.getByText('The visitor left the chat and left no email: they will see your reply if they come back.').waitFor();

  await page.setViewportSize({ width: 390, height: 800 });
  await page.getByRole('button', { name: '← Back' }).click();
  await page.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /Ana Lima/ }).click();
  await page.getByRole('list', { name: 'Messages' }).getByText('Emailed to a***@example.test').first().waitFor();
  await page.screenshot({ path: `${shots}/inbox-away-390.png` });
  expect(await noSidewaysScroll(page)).toBe(true);
  expect(problems).toEqual([]);
}, 180_000);
