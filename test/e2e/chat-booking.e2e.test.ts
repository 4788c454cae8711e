import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeAi, type FakeAi, type FakeRequest } from '../fakes/ai';
import { buildWidget } from '../../scripts/build-widget.mjs';
import { ownerWithWorkspace } from '../helpers/client';
import { ensureWebBuild, heading, launchChromium, noSidewaysScroll, openPage, signIn } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * CONV-5 and BOOK-5 in Chromium. A visitor on a host page of another origin books a time through
 * the assistant in the widget (the model is the fake, scripting the tool calls; the times it
 * offers are the booking page's own, and the booking goes through the same use case); the contact
 * appears with the meeting on its timeline and the staff member, in a separate browser context,
 * sees it. A workspace without an AI provider offers a "Book a time" link instead.
 *
 * Deterministic: every wait is on something visible (a locator) or on the server's own state
 * (`expect.poll`), never on time, and the model's answers depend on what it is asked, not on the
 * order of requests.
 */
let server: TestServer;
let browser: Browser;
let fake: FakeAi;
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
  fake = await startFakeAi();
  server = await startTestServer({ BOOKING_RATE_LIMIT_PER_MINUTE: '1000' });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(sites.map((s) => new Promise<void>((r) => s.close(() => r()))));
});

const chat = (page: Page) => page.locator('kestrel-chat');

/** For a wait that timed out (seen once in a whole run): the conversation as stored, the model's requests and the job queue. */
async function whatHappened(workspaceId: string): Promise<string> {
  const { system } = server.services.database;
  const messages = await system.execute(sql`SELECT author_kind, left(body, 200) AS body, created_at FROM conversation_messages WHERE workspace_id = ${workspaceId} ORDER BY seq`);
  const jobs = await system.execute(sql`SELECT task_identifier, attempts, max_attempts, run_at, locked_at, last_error FROM graphile_worker.jobs ORDER BY id`);
  const asked = fake.requests.map((r) => `${r.endpoint}: ${JSON.stringify((r.body.messages as unknown[] | undefined)?.at(-1) ?? r.body.input ?? '').slice(0, 300)}`);
  return [`messages: ${JSON.stringify(messages.rows)}`, `jobs queued: ${JSON.stringify(jobs.rows)}`, `model requests (${asked.length}):`, ...asked].join('\n');
}

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

type Message = { role: string; content: unknown; tool_calls?: { function: { name: string } }[] };
const text = (m: Message | undefined) => (typeof m?.content === 'string' ? m.content : JSON.stringify(m?.content ?? ''));
const startsIn = (t: string) => [...t.matchAll(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g)].map((m) => m[0]);

/**
 * The model, as a function of what it is asked: a visitor asking for a call gets the free times
 * listed by the tool; "the second one" with an address books that time; anything else, a question.
 */
function scriptedModel(slug: string) {
  return (r: FakeRequest) => {
    const messages = r.body.messages as Message[];
    const last = messages.at(-1);
    const tools = messages.filter((m) => m.role === 'tool').map(text).join('\n');
    // What was offered: the tool's list this turn, or the times the assistant wrote in an earlier turn.
    const offered = startsIn(tools || messages.filter((m) => m.role === 'assistant').map(text).join('\n')).slice(0, 3);
    const visitorSaid = messages.filter((m) => m.role === 'user').map(text);
    if (last?.role === 'tool' && tools.includes("You're booked")) return { text: 'See you then!' };
    if (last?.role === 'tool') return { text: `I have these times: ${offered.join(', ')} — which one suits you?` };
    const email = /[\w.+-]+@example\.test/.exec(visitorSaid.at(-1) ?? '')?.[0];
    if (email && offered.length) return { toolCalls: [{ name: 'book_slot', input: { eventType: slug, start: offered[1], name: 'Bea Booker', email, timeZone: 'Europe/Berlin' } }] };
    if (/intro call/i.test(visitorSaid.at(-1) ?? '')) return { toolCalls: [{ name: 'list_free_slots', input: { eventType: slug, timeZone: 'Europe/Berlin' } }] };
    return { text: 'How can I help?' };
  };
}

it('CONV-5 BOOK-5 a visitor on another site books a time through the assistant in the widget; the contact has the meeting on its timeline and the staff member sees the booking', async () => {
  const owner = await ownerWithWorkspace(server, 'Assistant Studio');
  const put = await owner.client.request('PUT', `/api/workspaces/${owner.workspaceId}/ai/provider`, { kind: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-test-0123456789', baseUrl: fake.baseUrl });
  expect(put.statusCode, put.body).toBe(200);
  const origin = await siteFor(owner.workspaceId);
  const slug = await withEventType(owner, origin);
  fake.otherwise(scriptedModel(slug));
  const email = `bea${Date.now()}@example.test`;
  const freeOnPage = async () =>
    ((await owner.client.get(`/api/public/booking/${owner.workspaceId}/${slug}?timeZone=UTC&days=30`)).json().slots as { start: string }[]).map((s) => s.start);
  const before = await freeOnPage();

  // The visitor, on the studio's own site, asks the assistant for a call.
  const { page } = await openPage(browser, origin, problems);
  await page.goto('/');
  await chat(page).getByRole('button', { name: /Open chat/ }).click();
  const input = chat(page).getByLabel('Your message');
  await input.fill('Hi! Could I have an intro call next week?');
  await input.press('Enter');
  const offer = chat(page).getByText(/I have these times: \S+, \S+, \S+ — which one suits you\?$/);
  // A wait that times out says what the server holds (it once found two conversations: src/widget/main.ts, ensureSession).
  await offer.waitFor().catch(async (error: Error) => {
    throw new Error(`${error.message}\n${await whatHappened(owner.workspaceId)}`);
  });
  const offered = startsIn((await offer.textContent()) ?? '');
  expect(offered).toHaveLength(3);
  // Real free times: the booking page's own.
  for (const s of offered) expect(before).toContain(s);
  if (shots) await page.screenshot({ path: `${shots}/chat-offer-1280.png` });

  await input.fill(`The second one, please. I'm Bea Booker, ${email}`);
  await input.press('Enter');
  await chat(page).getByText(/You're booked: 30-minute intro call on .+ \(Europe\/Berlin\) with Olive Owner\./).waitFor();
  if (shots) await page.screenshot({ path: `${shots}/chat-booked-1280.png` });

  // Booked through the same use case: the time is gone from the page, the confirmation mail went out.
  await expect.poll(freeOnPage).not.toContain(offered[1]);
  await server.smtp.waitForMail(email, (m) => m.subject === 'Confirmed: 30-minute intro call with Olive Owner');
  const contactOf = async () => ((await owner.client.get(`/api/workspaces/${owner.workspaceId}/contacts?limit=200`)).json().items as { id: string; emails: string[] }[]).find((c) => c.emails.includes(email))?.id ?? '';
  await expect.poll(contactOf).not.toBe('');
  const contact = { id: await contactOf() };

  // The staff member, in another browser context, sees the meeting on the contact and in upcoming bookings.
  const { page: staff } = await openPage(browser, server.url, problems);
  await signIn(staff, owner.email, owner.password, `/w/${owner.workspaceId}/contacts/${contact.id}`);
  await staff.getByText('30-minute intro call with Bea Booker').first().waitFor();
  await staff.goto(`/w/${owner.workspaceId}/booking`);
  await staff.getByText('Bea Booker').first().waitFor();
  if (shots) await staff.screenshot({ path: `${shots}/staff-upcoming-1280.png`, fullPage: true });

  // Phone width: the widget still fits the visitor's screen.
  await page.setViewportSize({ width: 390, height: 800 });
  expect(await noSidewaysScroll(page)).toBe(true);
  expect(problems).toEqual([]);
}, 240_000);

it('CONV-1 a visitor who writes before the chat has started gets one conversation, and its answer shows', async () => {
  const owner = await ownerWithWorkspace(server, 'Hasty Studio');
  const origin = await siteFor(owner.workspaceId);
  expect((await owner.client.patch(`/api/workspaces/${owner.workspaceId}/widget-settings`, { allowedOrigins: [origin] })).statusCode).toBe(200);
  const { page } = await openPage(browser, origin, problems);
  // The chat's start is held until the visitor has written: opening and sending both ask for a session.
  let starts = 0;
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route(`${server.url}/api/widget/${owner.workspaceId}/conversations`, async (route) => {
    if (route.request().method() === 'POST' && ++starts === 1) await held;
    await route.continue();
  });
  await page.goto('/');
  await chat(page).getByRole('button', { name: /Open chat/ }).click();
  const input = chat(page).getByLabel('Your message');
  await input.fill('Are you open on Sundays?');
  await input.press('Enter');
  await chat(page).getByText('Are you open on Sundays?').waitFor();
  release();
  // No AI provider: the answer is the team's notice, sent on the conversation's stream.
  await chat(page).getByText('Thanks! A person from the team will reply here.').waitFor();
  expect(starts).toBe(1);
  const { rows } = await server.services.database.system.execute(sql`SELECT count(*)::int AS n FROM conversations WHERE workspace_id = ${owner.workspaceId}`);
  expect(rows[0]).toEqual({ n: 1 });
  expect(problems).toEqual([]);
}, 120_000);
