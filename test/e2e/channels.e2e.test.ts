import { createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { noSidewaysScroll, openPage, signIn } from '../helpers/browser';
import { TestClient } from '../helpers/client';
import { startMetaBrowserSuite, type MetaBrowserSuite } from '../helpers/meta-browser';

/**
 * CONV-6 in Chromium: the owner connects WhatsApp in Settings → Channels and tests it; a
 * customer's WhatsApp message and an email arrive in the inbox with their channel shown; the
 * owner replies inside the 24-hour window and sees it delivered; once the window has closed the
 * composer offers the approved templates, and the template goes out. Desktop and phone width.
 */
let suite: MetaBrowserSuite;
const problems: string[] = [];
const shots = 'test/e2e/screens';

beforeAll(async () => (suite = await startMetaBrowserSuite('Crumb Bakery')), 300_000);

it('CONV-6 a WhatsApp message arrives, is answered in the window, and after the window closes an approved template goes out', async () => {
  const { meta: wa, server, browser, owner } = suite;
  const { page, context } = await openPage(browser, server.url, problems);
  await signIn(page, owner.email, owner.password, `/w/${owner.workspaceId}/settings/channels`);
  await page.getByRole('heading', { level: 1, name: 'Channels' }).waitFor();
  await page.getByText(/^[a-f0-9]{18}@kestrel\.localhost$/).waitFor();

  // Messenger's and Instagram's cards have fields of the same names: WhatsApp's are found in its own card.
  const whatsapp = page.getByRole('region', { name: 'WhatsApp' });
  await whatsapp.getByLabel('Phone number ID').fill(wa.phoneNumberId);
  await whatsapp.getByLabel('WhatsApp Business account ID').fill(wa.wabaId);
  await whatsapp.getByLabel('Access token').fill(wa.token);
  await whatsapp.getByLabel('App secret').fill(wa.appSecret);
  await whatsapp.getByLabel('Verify token').fill('bakery-verify-phrase');
  await whatsapp.getByRole('button', { name: 'Save' }).click();
  await whatsapp.getByText('Connected', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByText(/Connection works for \+1 555-010-0199\. 2 approved templates: order_update, follow_up\./).waitFor();
  await page.screenshot({ path: `${shots}/channels-settings-1280.png`, fullPage: true });

  // A customer writes on WhatsApp; another emails through the provider webhook.
  const settings = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/channel-settings`)).json();
  const hook = `${server.url}${new URL(settings.whatsapp.webhookUrl).pathname}`;
  expect((await wa.inbound(hook, { from: '15551234567', name: 'Priya Shah', text: 'Do you have the chocolate cake today?' })).status).toBe(200);
  const raw = ['From: Rita Rivera <rita@customer.test>', 'To: x@example.test', 'Subject: Wedding cake', 'Message-ID: <r1@customer.test>', 'Content-Type: text/plain', '', 'Do you make wedding cakes?', ''].join('\r\n');
  const at = Math.floor(Date.now() / 1000);
  const posted = await new TestClient(server.app).request('POST', new URL(settings.email.webhookUrl).pathname, raw, { 'content-type': 'message/rfc822', 'x-kestrel-timestamp': String(at), 'x-kestrel-signature': `sha256=${createHmac('sha256', settings.email.webhookSecret).update(`${at}.${raw}`).digest('hex')}` });
  expect(posted.statusCode, posted.body).toBe(200);

  await page.goto(`/w/${owner.workspaceId}/inbox`);
  const list = page.getByRole('list', { name: 'Conversations' });
  await list.getByText('Priya Shah').waitFor();
  await expect(list.getByRole('img', { name: 'WhatsApp' }).count()).resolves.toBe(1);
  await expect(list.getByRole('img', { name: 'Email' }).count()).resolves.toBe(1);
  await list.getByText('Wedding cake', { exact: true }).waitFor();
  await page.getByLabel('Channel').selectOption('whatsapp');
  await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
  await page.screenshot({ path: `${shots}/inbox-channels-1280.png` });

  await list.getByText('Priya Shah').click();
  await page.getByText(/WhatsApp window: 2[34] h \d+ min left for free replies\./).waitFor();
  await page.getByLabel('Reply to the visitor').fill('Yes! Two left.');
  await page.getByRole('button', { name: 'Send' }).click();
  const log = page.getByRole('list', { name: 'Messages' });
  await log.getByText('Yes! Two left.').waitFor();
  await expect.poll(() => wa.sent.length).toBe(1);
  // The send job records WhatsApp's id just after WhatsApp answers: statuses name that id.
  await expect.poll(async () => (await server.services.database.system.execute(sql`SELECT count(*)::int AS n FROM conversation_messages WHERE external_id = ${wa.sent[0]!.id}`)).rows[0]!.n).toBe(1);
  await wa.status(hook, wa.sent[0]!.id, 'delivered', '15551234567');
  await log.getByText('Delivered').waitFor();
  await page.screenshot({ path: `${shots}/whatsapp-window-open-1280.png` });

  // A day passes without the customer writing: the window closes.
  await server.services.database.system.execute(sql`UPDATE conversations SET last_inbound_at = now() - interval '25 hours' WHERE channel = 'whatsapp'`);
  wa.lastInbound.set('15551234567', Date.now() - 25 * 3600_000);
  await page.reload();
  await page.getByText("WhatsApp's 24-hour window has closed: only an approved template can be sent until the customer writes again.").waitFor();
  await expect(page.getByLabel('Reply to the visitor').count()).resolves.toBe(0);
  await page.getByLabel('Approved template').selectOption('order_update|en_US');
  await page.getByLabel('Parameter {{1}}').fill('Priya');
  await page.getByLabel('Parameter {{2}}').fill('#1042');
  await expect(page.getByLabel('Preview').textContent()).resolves.toBe('Hi Priya, your order #1042 is ready for pickup.');
  await page.screenshot({ path: `${shots}/whatsapp-template-1280.png` });
  await page.getByRole('button', { name: 'Send template' }).click();
  await log.getByText('Hi Priya, your order #1042 is ready for pickup.').waitFor();
  await expect.poll(() => wa.sent.length).toBe(2);
  expect(wa.sent[1]!.body.template.name).toBe('order_update');
  await log.getByText('Template · order_update').waitFor();

  // Phone width: one pane, nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByText('Template · order_update').waitFor();
  expect(await noSidewaysScroll(page)).toBe(true);
  await page.screenshot({ path: `${shots}/whatsapp-template-390.png` });
  await page.goto(`/w/${owner.workspaceId}/settings/channels`);
  await page.getByRole('heading', { level: 1, name: 'Channels' }).waitFor();
  expect(await noSidewaysScroll(page)).toBe(true);
  await page.screenshot({ path: `${shots}/channels-settings-390.png`, fullPage: true });
  await context.close();
  expect(problems).toEqual([]);
}, 180_000);

it('CONV-6 an email reply the mail server refuses shows "Not delivered" with the reason and a Retry button; Retry sends it', async () => {
  const { server, browser, owner } = suite;
  const { page, context } = await openPage(browser, server.url, problems);
  const settings = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/channel-settings`)).json();
  const raw = ['From: Tom Baker <tom@customer.test>', 'To: x@example.test', 'Subject: Birthday cake', 'Message-ID: <t1@customer.test>', 'Content-Type: text/plain', '', 'Can you write a name on a cake?', ''].join('\r\n');
  const at = Math.floor(Date.now() / 1000);
  const posted = await new TestClient(server.app).request('POST', new URL(settings.email.webhookUrl).pathname, raw, { 'content-type': 'message/rfc822', 'x-kestrel-timestamp': String(at), 'x-kestrel-signature': `sha256=${createHmac('sha256', settings.email.webhookSecret).update(`${at}.${raw}`).digest('hex')}` });
  expect(posted.statusCode, posted.body).toBe(200);
  server.smtp.refuse.add('tom@customer.test');

  await signIn(page, owner.email, owner.password, `/w/${owner.workspaceId}/inbox`);
  await page.getByRole('list', { name: 'Conversations' }).getByText('Birthday cake', { exact: true }).click();
  await page.getByLabel('Reply to the visitor').fill('Of course, up to 20 letters.');
  await page.getByRole('button', { name: 'Send' }).click();
  const log = page.getByRole('list', { name: 'Messages' });
  await log.getByText(/Not delivered: The mail server refused it \(550: .*mailbox unavailable\)\./).waitFor();
  await page.screenshot({ path: `${shots}/email-not-delivered-1280.png` });
  await page.setViewportSize({ width: 390, height: 844 });
  await log.getByRole('button', { name: 'Retry' }).waitFor();
  expect(await noSidewaysScroll(page)).toBe(true);
  await page.screenshot({ path: `${shots}/email-not-delivered-390.png` });

  server.smtp.refuse.delete('tom@customer.test');
  await log.getByRole('button', { name: 'Retry' }).click();
  await log.getByText('Sent', { exact: true }).waitFor();
  expect((await server.smtp.waitForMail('tom@customer.test')).text).toContain('up to 20 letters');
  await expect(log.getByRole('button', { name: 'Retry' }).count()).resolves.toBe(0);
  await context.close();
  expect(problems).toEqual([]);
}, 180_000);
