import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { startFakeAi, type FakeAi } from '../fakes/ai';
import { startFake } from '../fakes/harness';
import { FakeResend } from '../fakes/resend';
import { noSidewaysScroll, openPage, signIn, startBrowserSuite } from '../helpers/browser';
import { ownerWithWorkspace } from '../helpers/client';
import type { TestServer } from '../helpers/server';

/**
 * CONV-6 in Chromium: Settings → Channels → "Email through Resend". The owner types a wrong key
 * (the field says why), then the key and the signing secret with the keyboard alone; the card says
 * Connected and neither is ever shown back; an email Resend receives then lands in the inbox.
 * Loading and error states, and the phone width. Also the knowledge editor's states (CONV-2).
 */
let server: TestServer;
let browser: Browser;
let resend: FakeResend;
let fake: FakeAi;
const problems: string[] = [];
const shots = process.env.SHOTS_DIR ?? 'test/e2e/screens';
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

beforeAll(async () => {
  resend = await startFake(new FakeResend('re_inbound_key_123'));
  fake = await startFakeAi();
  ({ server, browser } = await startBrowserSuite({ RESEND_BASE_URL: resend.url }));
  mkdirSync(shots, { recursive: true });
}, 300_000);

/** Holds the answers of `path` until `release` is called: the page shows its loading state meanwhile. */
async function holdRequests(page: Page, path: RegExp) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  await page.route(path, async (route) => {
    await gate;
    await route.fallback().catch(() => {});
  });
  return { release: () => release() };
}

it('CONV-6 the owner connects Resend inbound in Settings → Channels with the keyboard; the key and secret are never shown back; a received email lands in the inbox', async () => {
  const owner = await ownerWithWorkspace(server, 'Crumb Bakery');
  const { page, context } = await openPage(browser, server.url, problems);
  const to = `/w/${owner.workspaceId}/settings/channels`;
  const held = await holdRequests(page, /\/channel-settings$/);
  await signIn(page, owner.email, owner.password, to);
  // Loading: the page skeleton while the settings are on their way.
  await page.getByRole('heading', { level: 1, name: 'Channels' }).waitFor();
  await expect(page.getByRole('region', { name: 'Email through Resend' }).count()).resolves.toBe(0);
  await page.screenshot({ path: `${shots}/resend-loading-1280.png` });
  held.release();

  const card = page.getByRole('region', { name: 'Email through Resend' });
  await card.getByText('Not connected.').waitFor();
  await expect(card.getByRole('button', { name: 'Save' }).isDisabled()).resolves.toBe(true);
  await page.screenshot({ path: `${shots}/resend-empty-1280.png`, fullPage: true });

  // A wrong key: the field says what a Resend key looks like; nothing is saved.
  await card.getByLabel('Resend API key').fill('sk_live_not_resend');
  await card.getByRole('button', { name: 'Save' }).click();
  await card.getByText('A Resend API key starts with re_.').waitFor();
  await expect(card.getByLabel('Resend API key').getAttribute('aria-invalid')).resolves.toBe('true');
  await page.screenshot({ path: `${shots}/resend-error-1280.png`, fullPage: true });

  // The keyboard alone: focus the key, type, Tab to the secret, type, Enter submits.
  await card.getByLabel('Resend API key').fill('');
  await card.getByLabel('Resend API key').focus();
  await page.keyboard.type(resend.apiKey);
  await page.keyboard.press('Tab');
  await expect(card.getByLabel('Webhook signing secret').evaluate((el) => el === document.activeElement)).resolves.toBe(true);
  await page.keyboard.type(SECRET);
  await page.keyboard.press('Enter');
  await card.getByText('Connected: mail Resend receives for your domain arrives in the inbox.').waitFor();
  await card.getByText('Saved. The key and secret are stored encrypted.').waitFor();
  await expect(card.getByLabel('Resend API key').inputValue()).resolves.toBe('');
  await expect(card.getByLabel('Webhook signing secret').inputValue()).resolves.toBe('');
  await expect(card.getByLabel('Resend API key').getAttribute('placeholder')).resolves.toBe('Saved — type to replace');
  const html = await page.content();
  expect(html).not.toContain(resend.apiKey);
  expect(html).not.toContain(SECRET);
  await page.screenshot({ path: `${shots}/resend-connected-1280.png`, fullPage: true });

  // Nothing secret comes back on a reload either.
  await page.reload();
  await card.getByText(/^Connected/).waitFor();
  const again = await page.content();
  expect(again).not.toContain(resend.apiKey);
  expect(again).not.toContain(SECRET);

  // At phone width the card fits without scrolling sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await card.getByRole('button', { name: 'Disconnect Resend' }).scrollIntoViewIfNeeded();
  expect(await noSidewaysScroll(page)).toBe(true);
  await page.screenshot({ path: `${shots}/resend-connected-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  // The webhook address shown is the one Resend posts to: a received email opens a conversation.
  const webhookUrl = await card.locator('code').filter({ hasText: '/resend' }).innerText();
  const mail = resend.receive(SECRET, { from: 'Rita Rivera <rita@customer.test>', to: ['hello@in.bakery.test'], subject: 'Wedding cake for 80 guests', text: 'Do you make three-tier wedding cakes?' });
  const posted = await fetch(`${server.url}${new URL(webhookUrl).pathname}`, { method: 'POST', headers: { 'content-type': 'application/json', ...mail.headers }, body: mail.raw });
  expect(posted.status, await posted.clone().text()).toBe(200);
  await page.goto(`/w/${owner.workspaceId}/inbox`);
  await page.getByRole('list', { name: 'Conversations' }).getByText('Wedding cake for 80 guests', { exact: true }).waitFor();

  // Disconnect deletes both.
  await page.goto(to);
  await card.getByRole('button', { name: 'Disconnect Resend' }).click();
  await card.getByText('Not connected.').waitFor();
  await card.getByText('Resend is disconnected: its key and secret are deleted.').waitFor();
  expect((await owner.client.get(`/api/workspaces/${owner.workspaceId}/channel-settings`)).json().email.resend).toMatchObject({ connected: false, hasApiKey: false, hasWebhookSecret: false });

  // The settings failing to load: the page says so instead of an empty form.
  await page.route(/\/channel-settings$/, (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'The server is busy. Try again in a minute.', details: {} } }) }));
  await page.reload();
  await page.getByText('The server is busy. Try again in a minute.').waitFor();
  await page.screenshot({ path: `${shots}/resend-load-error-1280.png` });
  await context.close();
  expect(problems).toEqual([]);
}, 240_000);

it('CONV-2 the knowledge editor shows loading, empty, indexing by meaning and error states at desktop and phone width', async () => {
  const owner = await ownerWithWorkspace(server, 'Bloom Florist');
  const put = await owner.client.request('PUT', `/api/workspaces/${owner.workspaceId}/ai/provider`, { kind: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-test-0123456789', baseUrl: fake.baseUrl });
  expect(put.statusCode, put.body).toBe(200);
  const { page, context } = await openPage(browser, server.url, problems);
  const to = `/w/${owner.workspaceId}/settings/website-assistant`;
  const held = await holdRequests(page, /\/knowledge$/);
  await signIn(page, owner.email, owner.password, to);
  await page.getByText('Loading knowledge…').waitFor();
  await page.screenshot({ path: `${shots}/knowledge-loading-1280.png`, fullPage: true });
  held.release();
  await page.getByText('No knowledge yet: add an FAQ entry or a page below.').waitFor();
  await page.screenshot({ path: `${shots}/knowledge-empty-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await noSidewaysScroll(page)).toBe(true);
  await page.screenshot({ path: `${shots}/knowledge-empty-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  // Added while the provider has not answered the index job's embedding call yet: "Indexing by meaning…".
  let answerEmbeddings!: () => void;
  const embeddingsHeld = new Promise<void>((r) => (answerEmbeddings = r));
  fake.otherwiseEmbeddings(async () => {
    await embeddingsHeld;
    return {};
  });
  const form = page.getByRole('form', { name: 'Add knowledge' });
  await form.getByLabel('Question').fill('Do you deliver on Sundays?');
  await form.getByLabel('Answer').fill('Yes, within 10 km of the shop, from 9 am to 1 pm.');
  await form.getByRole('button', { name: 'Add' }).click();
  const entries = page.getByRole('list', { name: 'Knowledge entries' });
  await entries.getByText('Indexing by meaning…').waitFor();
  await page.screenshot({ path: `${shots}/knowledge-indexing-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await noSidewaysScroll(page)).toBe(true);
  await page.screenshot({ path: `${shots}/knowledge-indexing-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  answerEmbeddings();
  fake.reset();

  // CONV-2: Remove asks first; Keep it keeps the entry, Remove takes it out.
  await entries.getByRole('button', { name: 'Remove Do you deliver on Sundays?' }).click();
  await entries.getByText('Remove "Do you deliver on Sundays?"? The assistant stops answering from it.').waitFor();
  await entries.getByRole('button', { name: 'Keep it' }).click();
  await entries.getByRole('button', { name: 'Remove Do you deliver on Sundays?' }).click();
  await entries.getByRole('group', { name: 'Confirm removal' }).getByRole('button', { name: 'Remove', exact: true }).click();
  await page.getByText('No knowledge yet: add an FAQ entry or a page below.').waitFor();

  // A page address the server may not fetch: the error is said beside the field.
  await page.getByLabel('Add a page of your site by its address').fill('http://127.0.0.1:9/prices');
  await page.getByRole('button', { name: 'Fetch page' }).click();
  await page.getByRole('form', { name: 'Add a page from its address' }).getByRole('alert').waitFor();
  await page.screenshot({ path: `${shots}/knowledge-fetch-error-1280.png`, fullPage: true });

  // The list failing to load.
  await page.route(/\/knowledge$/, (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'The server is busy. Try again in a minute.', details: {} } }) }));
  await page.reload();
  await page.getByText('The server is busy. Try again in a minute.').waitFor();
  await page.screenshot({ path: `${shots}/knowledge-error-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await noSidewaysScroll(page)).toBe(true);
  await page.screenshot({ path: `${shots}/knowledge-error-390.png`, fullPage: true });
  await context.close();
  expect(problems).toEqual([]);
}, 240_000);
