import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildWidget } from '../../scripts/build-widget.mjs';
import { ownerWithWorkspace } from '../helpers/client';
import { launchChromium, openPage, signIn, ensureWebBuild } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * CONV-1 in Chromium, the widget with the keyboard alone and as a screen reader reads it, outside
 * business hours: on a host page of another origin a visitor tabs to the launcher, opens it, is
 * told nobody answers now and asked for a message and an email (with the privacy notice and its
 * link), leaves them, writes, closes with Escape and gets the focus back on the launcher. At phone
 * width the open widget fills the screen. The message reaches the team's inbox.
 */
let server: TestServer;
let browser: Browser;
let site: Server;
let siteOrigin = '';
const problems: string[] = [];
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
const shots = 'test/e2e/screens';

beforeAll(async () => {
  await ensureWebBuild();
  await buildWidget();
  server = await startTestServer();
  owner = await ownerWithWorkspace(server, 'Night Owl Bakery');
  site = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Night Owl Bakery</title></head>
<body><h1>Night Owl Bakery</h1><script src="${server.url}/widget.js" data-workspace="${owner.workspaceId}" async></script></body></html>`);
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  // Business hours with no open day: always outside them. No AI provider: live chat (AI-8).
  const put = await owner.client.patch(`/api/workspaces/${owner.workspaceId}/widget-settings`, {
    allowedOrigins: [siteOrigin],
    businessHours: { timeZone: 'UTC', days: {} },
    privacyNotice: 'We keep this chat to answer you.',
    privacyUrl: 'https://nightowl.example/privacy',
  });
  expect(put.statusCode, put.body).toBe(200);
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (site ? site.close(() => r()) : r()));
});

/** What has the keyboard focus inside the widget's shadow root: its accessible name or label text. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.querySelector('kestrel-chat')?.shadowRoot?.activeElement as HTMLElement | null | undefined;
    if (!el) return null;
    return el.getAttribute('aria-label') ?? el.closest('label')?.textContent?.trim() ?? el.textContent?.trim() ?? el.tagName;
  });

it('CONV-1 with the keyboard alone, outside business hours: the visitor opens the widget, is asked for a message and an email with the privacy notice and link, writes, closes with Escape; screen-reader roles; full screen at phone width', async () => {
  const { page, context } = await openPage(browser, siteOrigin, problems);
  await page.goto(siteOrigin);
  const chat = page.locator('kestrel-chat');
  await chat.getByRole('button', { name: /Open chat/ }).waitFor();

  await page.keyboard.press('Tab');
  await expect.poll(() => focused(page)).toMatch(/^Open chat/);
  await page.keyboard.press('Enter');
  const dialog = chat.getByRole('dialog', { name: 'Chat with us' });
  await dialog.waitFor();
  expect(await chat.getByRole('button', { name: /Open chat/ }).getAttribute('aria-expanded')).toBe('true');
  await chat.getByText("We're away right now. Leave a message and your email, and we'll reply later.").waitFor();
  // The form asks for name and email at once, focused; the privacy notice and its link are in it.
  await expect.poll(() => focused(page)).toBe('Name');
  const form = chat.getByRole('form', { name: 'Leave your contact details' });
  await form.getByText('We keep this chat to answer you.').waitFor();
  expect(await form.getByRole('link', { name: 'Privacy notice' }).getAttribute('href')).toBe('https://nightowl.example/privacy');
  await page.keyboard.type('Ana Ruiz');
  await page.keyboard.press('Tab');
  await page.keyboard.type('ana@example.test');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  expect(await form.getByLabel(/You may contact me/).isChecked()).toBe(true);
  await page.keyboard.press('Tab');
  await expect.poll(() => focused(page)).toBe('Privacy notice');
  await page.keyboard.press('Tab');
  await expect.poll(() => focused(page)).toBe('Send my details');
  await page.keyboard.press('Enter');
  await chat.getByText("Thanks, Ana! We'll follow up at ana@example.test.").waitFor();
  // Then the message box has the focus; Enter sends.
  await expect.poll(() => focused(page)).toBe('Your message');
  await page.keyboard.type('Do you bake gluten-free cakes for Saturday?');
  await page.keyboard.press('Enter');
  const log = chat.getByRole('log', { name: 'Messages' });
  await log.getByText('Do you bake gluten-free cakes for Saturday?').waitFor();
  expect(await log.getAttribute('aria-live')).toBe('polite');

  // Escape closes it and gives the focus back to the launcher; opened again, the form is not asked twice.
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  await expect.poll(() => focused(page)).toMatch(/^Open chat/);
  expect(await chat.getByRole('button', { name: /Open chat/ }).getAttribute('aria-expanded')).toBe('false');
  await page.keyboard.press('Enter');
  await dialog.waitFor();
  await expect.poll(() => focused(page)).toBe('Your message');
  expect(await chat.getByRole('form', { name: 'Leave your contact details' }).count()).toBe(0);

  // Phone width: the open widget is the whole screen.
  await page.setViewportSize({ width: 390, height: 800 });
  const box = (await dialog.boundingBox())!;
  expect(box.x).toBe(0);
  expect(box.width).toBe(390);
  await page.screenshot({ path: `${shots}/widget-away-390.png` });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `${shots}/widget-away-1280.png` });

  // The team finds it in the inbox, waiting for a person.
  const { page: staff, context: staffContext } = await openPage(browser, server.url, problems);
  await signIn(staff, owner.email, owner.password, `/w/${owner.workspaceId}/inbox`);
  await staff.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /Ana Ruiz/ }).click();
  await staff.getByRole('list', { name: 'Messages' }).getByText('Do you bake gluten-free cakes for Saturday?').waitFor();
  await staffContext.close();
  await context.close();
  expect(problems).toEqual([]);
});

it('CONV-1 the owner sets opening hours day by day (Saturday morning, Sunday closed) in a time zone they choose; saved as set, and a range that closes before it opens refused in words', async () => {
  const shop = await ownerWithWorkspace(server, 'Weekend Bakes');
  const { page, context } = await openPage(browser, server.url, problems);
  await signIn(page, shop.email, shop.password, `/w/${shop.workspaceId}/settings/website-assistant`);
  await page.getByLabel(/^Business hours/).check();
  const hours = page.getByRole('group', { name: 'Opening hours' });
  // Monday to Friday 9–5 to start with; the weekend closed.
  await expect(hours.getByLabel('Friday to').inputValue()).resolves.toBe('17:00');
  expect(await hours.getByLabel('Saturday', { exact: true }).isChecked()).toBe(false);
  await hours.getByLabel('Saturday', { exact: true }).check();
  await hours.getByLabel('Saturday from').fill('10:00');
  await hours.getByLabel('Saturday to').fill('14:00');
  await hours.getByLabel('Wednesday', { exact: true }).uncheck();
  await hours.getByLabel('Time zone').selectOption('Europe/Berlin');
  await page.screenshot({ path: `${shots}/website-assistant-hours-1280.png`, fullPage: true });
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Saved.').waitFor();
  const saved = (await shop.client.get(`/api/workspaces/${shop.workspaceId}/widget-settings`)).json().businessHours;
  expect(saved).toEqual({
    timeZone: 'Europe/Berlin',
    days: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']], sat: [['10:00', '14:00']] },
  });
  // A range that closes before it opens is refused in words.
  await hours.getByLabel('Saturday to').fill('09:00');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('The closing time must be after the opening time.').waitFor();
  await page.setViewportSize({ width: 390, height: 800 });
  await hours.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${shots}/website-assistant-hours-390.png` });
  await context.close();
  expect(problems).toEqual([]);
});
