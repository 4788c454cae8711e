import type { Browser, Request } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { ownerWithWorkspace } from '../helpers/client';
import { heading, openPage, signIn, startBrowserSuite } from '../helpers/browser';
import { startFakeAi, type FakeAi } from '../fakes/ai';
import { type TestServer } from '../helpers/server';

/**
 * AI-1 browser-key mode in a real browser: a person keeps their own provider key in this
 * browser, asks the brain, and the page talks to the provider itself. Every request the page
 * makes to Kestrel is captured: the key is in none of them, while the provider got it.
 */

let server: TestServer;
let browser: Browser;
let fake: FakeAi;
const problems: string[] = [];
const KEY = 'sk-browser-only-7f3a9c1e5b2d';

beforeAll(async () => {
  fake = await startFakeAi();
  ({ server, browser } = await startBrowserSuite());
}, 300_000);

it('AI-1 AI-3 with a personal key kept in the browser, the page calls the provider itself and the key never reaches Kestrel', async () => {
  // No provider is connected to the workspace, and none in the operator's configuration.
  const owner = await ownerWithWorkspace(server, 'Browser Key Builders');
  const api = (p: string) => `/api/workspaces/${owner.workspaceId}${p}`;
  expect((await owner.client.get(api('/ai/status'))).json().configured).toBe(false);
  const company = (await owner.client.post(api('/companies'), { name: 'Lone Star Roofing', state: 'TX' })).json();
  const deal = (await owner.client.post(api('/deals'), { name: 'Lone Star fleet deal', companyId: company.id })).json();
  const when = new Date(Date.now() - 21 * 86_400_000).toISOString();
  const note = await owner.client.post(api('/activities'), { kind: 'meeting', subject: 'Demo', occurredAt: when, meetingStartsAt: when, body: '<p>Product demo for the crew leads.</p>', links: [{ recordType: 'deals', recordId: deal.id }] });
  expect(note.statusCode, note.body).toBe(201);

  const { context, page } = await openPage(browser, server.url, problems);
  const toKestrel: Request[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(server.url)) toKestrel.push(request);
  });
  await signIn(page, owner.email, owner.password, `/w/${owner.workspaceId}/settings/ai-browser`);
  await heading(page, 'AI in this browser');
  await page.getByLabel('Provider').selectOption('openai');
  await page.getByLabel('Model').fill('gpt-4o-mini');
  await page.getByLabel('Base URL (optional)').fill(fake.baseUrl);
  await page.getByLabel('API key').fill(KEY);
  await page.getByRole('button', { name: 'Save in this browser' }).click();
  await page.getByText(/key ending 5b2d/).waitFor();

  fake.reply(
    { toolCalls: [{ id: 't1', name: 'search_timeline', input: { query: 'demo', kind: 'meeting' } }] },
    { text: `Lone Star fleet deal has been quiet since the demo [deals/${deal.id}].` },
  );
  await page.goto(`/w/${owner.workspaceId}/brain`);
  await page.getByLabel('Your question').fill('Which deals in Texas have gone quiet since the demo?');
  await page.getByLabel('Your question').press('Enter');
  const citation = page.getByRole('link', { name: /Lone Star fleet deal/ }).first();
  await citation.waitFor({ timeout: 60_000 });

  // The provider got the key from the page, and the tool results Kestrel computed.
  expect(fake.requests).toHaveLength(2);
  expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  expect(fake.requests[1]!.raw).toContain('Lone Star fleet deal');
  // Kestrel never saw it: not in a URL, a header or a body of any request the page made to it.
  expect(toKestrel.length).toBeGreaterThan(5);
  for (const request of toKestrel) {
    const seen = `${request.url()} ${JSON.stringify(await request.allHeaders())} ${request.postData() ?? ''}`;
    expect(seen).not.toContain(KEY);
  }
  // The calls are on record, as made with a browser key.
  const calls = (await owner.client.get(api('/ai/calls?feature=brain'))).json().items;
  expect(calls).toHaveLength(2);
  expect(calls.every((c: { providerSource: string }) => c.providerSource === 'browser')).toBe(true);

  await citation.click();
  await heading(page, 'Lone Star fleet deal');
  expect(problems).toEqual([]);
  await context.close();
}, 240_000);
