import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildWidget } from '../../scripts/build-widget.mjs';
import { addMember, ownerWithWorkspace } from '../helpers/client';
import { ensureWebBuild, launchChromium, noSidewaysScroll, openPage, signIn } from '../helpers/browser';
import { startFakeAi, type FakeAi } from '../fakes/ai';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * The person's path of issue 15 in Chromium: an owner sets up the website assistant; on their
 * site (another origin, with CSS that tries to break the widget) a visitor asks about prices, the
 * assistant answers from the knowledge with its source, the visitor leaves name and email and asks
 * for a person; a staff member in a second browser sees it arrive live, joins, replies, writes a
 * note, and returns the chat to the assistant. Phone width too.
 */
let server: TestServer;
let fake: FakeAi;
let browser: Browser;
let site: Server;
let siteOrigin = '';
const problems: string[] = [];
type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
let owner: Owner;
let staff: Awaited<ReturnType<typeof addMember>>;
const shots = 'test/e2e/screens';

beforeAll(async () => {
  await ensureWebBuild();
  await buildWidget();
  fake = await startFakeAi();
  server = await startTestServer({ AI_RETRY_BASE_MS: '5' });
  owner = await ownerWithWorkspace(server, 'Crumb Bakery');
  staff = await addMember(server, owner, 'staff');
  const put = await owner.client.request('PUT', `/api/workspaces/${owner.workspaceId}/ai/provider`, { kind: 'openai', baseUrl: fake.baseUrl, apiKey: 'sk-test-1234567890', model: 'gpt-4o-mini' });
  expect(put.statusCode, put.body).toBe(200);
  // The owner's website: another origin, with styles that would wreck a widget that is not isolated.
  site = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Crumb Bakery</title>
<style>*{font-family:Georgia,serif!important;color:#900!important} button{display:none!important} div{border:3px dashed lime!important}</style></head>
<body><h1>Crumb Bakery</h1><p>Fresh cakes every day.</p>
<script src="${server.url}/widget.js" data-workspace="${owner.workspaceId}" async></script></body></html>`);
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (site ? site.close(() => r()) : r()));
});

const chat = (page: Page) => page.locator('kestrel-chat');

it('CONV-1 CONV-2 CONV-3 CONV-4 the website assistant answers from knowledge, captures the lead, and a teammate takes over live and hands back', async () => {
  // The owner sets up the widget in Settings → Website assistant.
  const { page: ownerPage, context: ownerContext } = await openPage(browser, server.url, problems);
  await signIn(ownerPage, owner.email, owner.password, `/w/${owner.workspaceId}/settings/website-assistant`);
  await ownerPage.getByLabel('Greeting').fill('Hi! Ask us anything about our cakes.');
  await ownerPage.getByLabel('Allowed sites (one origin per line)').fill(siteOrigin);
  await ownerPage.getByLabel('Qualifying questions (one per line)').fill('When is your event?');
  await ownerPage.getByLabel('Privacy notice').fill('We keep this chat to answer you. See our policy.');
  await ownerPage.getByRole('button', { name: 'Save', exact: true }).click();
  await ownerPage.getByText('Saved.').waitFor();
  await ownerPage.getByLabel('Question', { exact: true }).fill('How much does a birthday cake cost?');
  await ownerPage.getByLabel('Answer', { exact: true }).fill('A birthday cake for 10 people costs $40.');
  await ownerPage.getByRole('button', { name: 'Add', exact: true }).click();
  await ownerPage.getByRole('list', { name: 'Knowledge entries' }).getByText('How much does a birthday cake cost?').waitFor();
  await expect(ownerPage.getByLabel('Script tag').textContent()).resolves.toContain(`data-workspace="${owner.workspaceId}"`);
  await ownerPage.screenshot({ path: `${shots}/website-assistant-1280.png`, fullPage: true });
  // CONV-4: a saved reply for the team, from Settings → Saved replies.
  await ownerPage.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Saved replies' }).click();
  await ownerPage.getByText('No saved replies yet', { exact: false }).waitFor();
  await ownerPage.getByLabel('Shortcut').fill('custom');
  await ownerPage.getByLabel('Reply', { exact: true }).fill('We make custom cakes for any event.');
  await ownerPage.getByRole('button', { name: 'Add saved reply' }).click();
  await ownerPage.getByRole('list', { name: 'Saved replies' }).getByText('/custom').waitFor();
  await ownerPage.getByLabel('Shortcut').fill('custom');
  await ownerPage.getByLabel('Reply', { exact: true }).fill('Twice');
  await ownerPage.getByRole('button', { name: 'Add saved reply' }).click();
  await ownerPage.getByText('Already used.').waitFor();
  await ownerPage.screenshot({ path: `${shots}/saved-replies-1280.png`, fullPage: true });
  await ownerContext.close();

  // A visitor on the bakery's site.
  const { page: visitor, context: visitorContext } = await openPage(browser, siteOrigin, problems);
  await visitor.goto(siteOrigin);
  const launcher = chat(visitor).getByRole('button', { name: /Open chat/ });
  await launcher.waitFor();
  await launcher.click();
  await chat(visitor).getByText('Hi! Ask us anything about our cakes.').waitFor();
  fake.otherwise({ text: 'A birthday cake for 10 people costs $40. When is your event?' });
  await chat(visitor).getByLabel('Your message').fill('How much is a birthday cake?');
  await chat(visitor).getByLabel('Your message').press('Enter');
  await chat(visitor).getByText('A birthday cake for 10 people costs $40. When is your event?').waitFor();
  await chat(visitor).getByText(/Sources: How much does a birthday cake cost\?/).waitFor();
  // Host CSS did not reach inside: the widget's buttons are shown and its font is its own.
  expect(await launcher.isVisible()).toBe(true);
  const font = await chat(visitor).getByRole('button', { name: 'Send' }).evaluate((b) => getComputedStyle(b).fontFamily);
  expect(font).not.toContain('Georgia');

  await chat(visitor).getByRole('button', { name: 'Leave your email' }).click();
  await chat(visitor).getByLabel('Name').fill('Mia Lopez');
  await chat(visitor).getByLabel('Email').fill('mia@example.test');
  await chat(visitor).getByLabel(/You may contact me/).check();
  await chat(visitor).getByText('We keep this chat to answer you.', { exact: false }).waitFor();
  await chat(visitor).getByRole('button', { name: 'Send my details' }).click();
  await chat(visitor).getByText("Thanks, Mia! We'll follow up at mia@example.test.").waitFor();

  // Staff, in a second browser, has the inbox open.
  const { page: staffPage, context: staffContext } = await openPage(browser, server.url, problems);
  await signIn(staffPage, staff.email, staff.password, `/w/${owner.workspaceId}/inbox`);
  await staffPage.getByRole('heading', { name: 'Inbox' }).waitFor();

  await chat(visitor).getByRole('button', { name: 'Talk to a person' }).click();
  await chat(visitor).getByText(/You asked for a person/).waitFor();
  // It arrives live, with an unread badge in the navigation.
  const item = staffPage.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /Mia Lopez/ });
  await item.waitFor();
  await staffPage.getByRole('navigation').getByLabel(/unread/).waitFor();
  await staffPage.screenshot({ path: `${shots}/inbox-list-1280.png` });
  await item.click();
  await staffPage.getByRole('button', { name: 'Join' }).click();
  await chat(visitor).getByText('staff joined the conversation.').waitFor();
  // CONV-3: the staff inbox words the same events from the team's side.
  const staffLines = staffPage.getByRole('list', { name: 'Messages' });
  await staffLines.getByText('The visitor asked for a person.', { exact: true }).waitFor();
  await staffLines.getByText('staff joined.', { exact: true }).waitFor();
  expect(await staffLines.getByText(/You asked for a person/).count()).toBe(0);
  await staffPage.getByLabel('Reply to the visitor').fill('Hi Mia, I can help with a custom cake. ');
  await staffPage.getByLabel('Insert a saved reply').selectOption({ label: '/custom' });
  await expect(staffPage.getByLabel('Reply to the visitor').inputValue()).resolves.toBe('Hi Mia, I can help with a custom cake. We make custom cakes for any event.');
  await staffPage.getByRole('button', { name: 'Send', exact: true }).click();
  await chat(visitor).getByText('Hi Mia, I can help with a custom cake. We make custom cakes for any event.').waitFor();
  await staffPage.getByRole('button', { name: 'Internal note' }).click();
  await staffPage.getByLabel(/Internal note/).fill('Probably a wedding order');
  await staffPage.getByRole('button', { name: 'Add note' }).click();
  await staffPage.getByRole('list', { name: 'Messages' }).getByText('Probably a wedding order').waitFor();
  // The contact card shows the CRM contact made from the lead.
  await staffPage.getByRole('complementary', { name: 'Contact' }).getByText('website chat').waitFor();
  await staffPage.screenshot({ path: `${shots}/inbox-1280.png` });
  await staffPage.getByRole('button', { name: 'Return to assistant' }).click();
  await chat(visitor).getByText(/The assistant is back/).waitFor();
  expect(await chat(visitor).getByText('Probably a wedding order').count()).toBe(0);
  await visitor.screenshot({ path: `${shots}/widget-1280.png` });

  // The conversation survives a page load.
  await visitor.reload();
  await chat(visitor).getByRole('button', { name: /Open chat/ }).click();
  await chat(visitor).getByText(/Hi Mia, I can help with a custom cake\./).waitFor();
  expect(await chat(visitor).getByText('How much is a birthday cake?').count()).toBe(1);

  // Phone width: the widget fills the screen; the inbox shows one pane at a time.
  await visitor.setViewportSize({ width: 390, height: 800 });
  await visitor.screenshot({ path: `${shots}/widget-390.png` });
  await staffPage.setViewportSize({ width: 390, height: 800 });
  await staffPage.getByRole('button', { name: '← Back' }).click();
  await staffPage.getByRole('list', { name: 'Conversations' }).waitFor();
  await staffPage.screenshot({ path: `${shots}/inbox-390.png` });
  expect(await noSidewaysScroll(staffPage)).toBe(true);
  await staffPage.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /Mia Lopez/ }).click();
  await staffPage.getByRole('button', { name: '← Back' }).waitFor();
  await staffPage.screenshot({ path: `${shots}/inbox-thread-390.png` });

  await visitorContext.close();
  await staffContext.close();
  expect(problems).toEqual([]);
});
