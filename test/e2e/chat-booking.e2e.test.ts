import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildWidget } from '../../scripts/build-widget.mjs';
import { ownerWithWorkspace } from '../helpers/client';
import { ensureWebBuild, heading, launchChromium, openPage } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * CONV-5 in Chromium: a workspace without an AI provider offers a "Book a time" link in its
 * website widget, to its booking page. (Booking in the chat with the assistant is tested through
 * the widget's API in src/server/modules/booking/chat-booking.test.ts.)
 */
let server: TestServer;
let browser: Browser;
const sites: Server[] = [];
const problems: string[] = [];
const shots = process.env.BOOKING_SCREENSHOTS ?? '';

async function siteFor(workspaceId: string): Promise<string> {
  const site = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Studio</title></head>
<body><h1>Studio</h1><script src="${server.url}/widget.js" data-workspace="${workspaceId}" async></script></body></html>`);
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  sites.push(site);
  return `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
}

async function withEventType(o: Awaited<ReturnType<typeof ownerWithWorkspace>>, origin: string): Promise<string> {
  const api = (p: string) => `/api/workspaces/${o.workspaceId}${p}`;
  expect((await o.client.patch(api('/widget-settings'), { allowedOrigins: [origin] })).statusCode).toBe(200);
  const s = (await o.client.post(api('/booking/schedules'), { name: 'Hours', timeZone: 'America/New_York', weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })), overrides: [] })).json();
  const e = await o.client.post(api('/booking/event-types'), { slug: 'intro', title: '30-minute intro call', durationMinutes: 30, hosts: [{ userId: s.userId, scheduleId: s.id }] });
  expect(e.statusCode, e.body).toBe(201);
  return 'intro';
}

beforeAll(async () => {
  await ensureWebBuild();
  await buildWidget();
  server = await startTestServer();
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(sites.map((s) => new Promise<void>((r) => s.close(() => r()))));
});

const chat = (page: Page) => page.locator('kestrel-chat');

it('CONV-5 AI-8 with no AI provider the widget offers "Book a time", which opens the booking page', async () => {
  const owner = await ownerWithWorkspace(server, 'Quiet Studio');
  const origin = await siteFor(owner.workspaceId);
  const slug = await withEventType(owner, origin);
  const { page } = await openPage(browser, origin, problems);
  await page.goto('/');
  await chat(page).getByRole('button', { name: /Open chat/ }).click();
  const link = chat(page).getByRole('link', { name: 'Book a time' });
  await link.waitFor();
  expect(await link.getAttribute('href')).toBe(`${server.url}/book/${owner.workspaceId}/${slug}`);
  if (shots) await page.screenshot({ path: `${shots}/chat-no-ai-1280.png` });
  const [booking] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
  await heading(booking, '30-minute intro call');
  expect(problems).toEqual([]);
}, 180_000);
