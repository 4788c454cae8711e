import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { noSidewaysScroll, openPage, signIn } from '../helpers/browser';
import { startMetaBrowserSuite, type MetaBrowserSuite } from '../helpers/meta-browser';

/**
 * CONV-6 in Chromium: the owner connects Messenger and Instagram in Settings → Channels; a
 * Messenger message and an Instagram one arrive in the inbox with their channel shown and
 * filterable; the owner replies inside the window and sees it sent; once the 24-hour window has
 * closed the composer says so and the server's 409 is shown. Desktop and phone width.
 */
let suite: MetaBrowserSuite;
const problems: string[] = [];
const shots = 'test/e2e/screens';

beforeAll(async () => (suite = await startMetaBrowserSuite('Crumb Bakery')), 300_000);

it('CONV-6 Messenger and Instagram are connected in Settings → Channels, their messages arrive in the inbox, a reply goes out, and after 24 hours the composer says why not', async () => {
  const { meta, server, browser, owner } = suite;
  const { page, context } = await openPage(browser, server.url, problems);
  await signIn(page, owner.email, owner.password, `/w/${owner.workspaceId}/settings/channels`);
  await page.getByRole('heading', { level: 1, name: 'Channels' }).waitFor();

  const messenger = page.getByRole('region', { name: 'Messenger' });
  await messenger.getByText('Not connected').waitFor();
  await messenger.getByLabel('Facebook Page ID').fill(meta.messenger.pageId);
  await messenger.getByLabel('Page access token').fill(meta.messenger.token);
  await messenger.getByLabel('App secret').fill(meta.appSecret);
  await messenger.getByLabel('Verify token').fill('bakery-verify-phrase');
  await messenger.getByRole('button', { name: 'Save' }).click();
  await messenger.getByText(`Connected · Page ${meta.messenger.pageId}`).waitFor();
  await expect(messenger.getByLabel('Page access token').getAttribute('placeholder')).resolves.toBe('Saved — type to replace');

  const instagram = page.getByRole('region', { name: 'Instagram' });
  await instagram.getByLabel('Instagram account ID').fill(meta.instagram.accountId);
  await instagram.getByLabel('Linked Facebook Page ID').fill(meta.instagram.pageId);
  await instagram.getByLabel('Page access token').fill(meta.instagram.token);
  await instagram.getByLabel('App secret').fill(meta.appSecret);
  await instagram.getByRole('button', { name: 'Save' }).click();
  await instagram.getByText(`Connected · account ${meta.instagram.accountId} through Page ${meta.instagram.pageId}`).waitFor();
  await page.screenshot({ path: `${shots}/meta-channels-settings-1280.png`, fullPage: true });

  const settings = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/channel-settings`)).json();
  const hook = (channel: 'messenger' | 'instagram') => `${server.url}${new URL(settings[channel].webhookUrl).pathname}`;
  expect((await meta.customerWrites(meta.messenger, hook('messenger'), { from: '7012345678901234', text: 'Do you deliver on Sundays?' })).status).toBe(200);
  expect((await meta.customerWrites(meta.instagram, hook('instagram'), { from: '5512345678901234', text: 'Is the lemon tart still on?' })).status).toBe(200);

  await page.goto(`/w/${owner.workspaceId}/inbox`);
  const list = page.getByRole('list', { name: 'Conversations' });
  await list.getByText('Messenger customer').waitFor();
  await list.getByText('Instagram customer').waitFor();
  await expect(list.getByRole('img', { name: 'Messenger' }).count()).resolves.toBe(1);
  await expect(list.getByRole('img', { name: 'Instagram' }).count()).resolves.toBe(1);
  await page.getByLabel('Channel').selectOption('instagram');
  await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
  await page.getByLabel('Channel').selectOption('messenger');
  await expect.poll(() => list.getByRole('listitem').count()).toBe(1);

  await list.getByText('Messenger customer').click();
  await page.getByText(/Messenger window: 2[34] h \d+ min left for replies\./).waitFor();
  await page.getByLabel('Reply to the visitor').fill('Yes, from 10 to 4.');
  await page.getByRole('button', { name: 'Send' }).click();
  const log = page.getByRole('list', { name: 'Messages' });
  await log.getByText('Yes, from 10 to 4.').waitFor();
  await log.getByText('Sent', { exact: true }).waitFor();
  expect(meta.messenger.sent.map((s) => s.text)).toEqual(['Yes, from 10 to 4.']);
  await page.screenshot({ path: `${shots}/messenger-reply-1280.png` });

  // A day passes without the customer writing: the window closes and the composer says so.
  await server.services.database.system.execute(sql`UPDATE conversations SET last_inbound_at = now() - interval '25 hours' WHERE channel = 'messenger'`);
  await page.reload();
  await page.getByText("Messenger allows replies within 24 hours of the customer's last message; that window has closed. You can reply when they write again.").waitFor();
  await page.getByLabel('Reply to the visitor').fill('Are you still there?');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByRole('alert').getByText(/^Messenger allows replies within 24 hours of the customer's last message; that window closed at /).waitFor();
  expect(meta.messenger.sent.length).toBe(1);
  await page.screenshot({ path: `${shots}/messenger-window-closed-1280.png` });

  // Phone width: one pane, nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await log.getByText('Yes, from 10 to 4.').waitFor();
  expect(await noSidewaysScroll(page)).toBe(true);
  await page.screenshot({ path: `${shots}/messenger-window-closed-390.png` });
  await page.goto(`/w/${owner.workspaceId}/settings/channels`);
  await page.getByRole('heading', { level: 1, name: 'Channels' }).waitFor();
  expect(await noSidewaysScroll(page)).toBe(true);
  await page.screenshot({ path: `${shots}/meta-channels-settings-390.png`, fullPage: true });

  // Disconnect asks first, then removes the token and secret.
  await instagram.getByRole('button', { name: 'Disconnect' }).click();
  await instagram.getByRole('group', { name: 'Confirm removal' }).getByRole('button', { name: 'Disconnect' }).click();
  await instagram.getByText('Not connected').waitFor();
  expect((await owner.client.get(`/api/workspaces/${owner.workspaceId}/channel-settings`)).json().instagram).toMatchObject({ connected: false, hasPageAccessToken: false, hasAppSecret: false });
  await context.close();
  expect(problems).toEqual([]);
}, 240_000);
