import { copyFileSync, mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { TestClient } from '../helpers/client';
import { heading, noSidewaysScroll, openPage, startBrowserSuite } from '../helpers/browser';
import { type TestServer } from '../helpers/server';

/**
 * PRIV-9 in a real browser: the installation's public `/privacy` page lists the subprocessors the
 * live configuration switches on (here an AI provider, Google and Microsoft sign-in), names the
 * operator, fits a 390 px phone without sideways scrolling, and every link on it is reachable
 * with the keyboard alone.
 */
let server: TestServer;
let browser: Browser;
const problems: string[] = [];
const shots = 'test-results/privacy-operator-page';

beforeAll(async () => {
  ({ server, browser } = await startBrowserSuite({
    OPERATOR_NAME: 'Harbour Hosting Ltd',
    OPERATOR_EMAIL: 'privacy@harbour.example',
    AI_PROVIDER: 'anthropic',
    AI_API_KEY: 'sk-ant-browser-test-key',
    AI_MODEL: 'claude-test',
    GOOGLE_CLIENT_ID: 'google-client-id',
    GOOGLE_CLIENT_SECRET: 'google-client-secret',
    MICROSOFT_CLIENT_ID: 'ms-client-id',
    MICROSOFT_CLIENT_SECRET: 'ms-client-secret',
  }));
  mkdirSync(shots, { recursive: true });
}, 300_000);

async function screenshot(page: Page, name: string) {
  const file = `${shots}/${name}.png`;
  await page.screenshot({ path: file, fullPage: true });
  // Also where the helpers of this branch look at screens by eye.
  mkdirSync('/tmp/privacy-scale-shots', { recursive: true });
  copyFileSync(file, `/tmp/privacy-scale-shots/${name}.png`);
}

/** The accessible name (or text) of the element that has focus. */
const focused = (page: Page) => page.evaluate(() => {
  const el = document.activeElement as HTMLElement | null;
  return el && el !== document.body ? `${el.tagName.toLowerCase()}:${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim()}:${el.getAttribute('href') ?? ''}` : null;
});

it('PRIV-9 the operator’s /privacy page lists the subprocessors from the live configuration, works at 390 px and is keyboard reachable', async () => {
  const configured = (await new TestClient(server.app).get('/api/public/privacy')).json() as { subprocessors: { name: string; purpose: string }[] };
  const names = configured.subprocessors.map((s) => s.name);
  expect(names).toEqual(expect.arrayContaining(['Anthropic', 'Google', 'Microsoft']));

  const { page } = await openPage(browser, server.url, problems);
  await page.goto('/privacy');
  await heading(page, 'Privacy');
  const list = page.getByRole('region', { name: 'Services that process your data' }).getByRole('listitem');
  await list.first().waitFor();
  // Exactly what the configuration switches on, in its order, each with its purpose; no key shown.
  expect(await list.locator('p.font-medium').allTextContents()).toEqual(names);
  for (const s of configured.subprocessors) await expect.poll(() => list.filter({ hasText: s.name }).textContent()).toContain(s.purpose);
  await page.getByText('Harbour Hosting Ltd runs this Kestrel installation').waitFor();
  expect(await page.getByRole('link', { name: 'privacy@harbour.example' }).getAttribute('href')).toBe('mailto:privacy@harbour.example');
  expect(await page.content()).not.toMatch(/sk-ant|google-client-secret|ms-client-secret/);
  await screenshot(page, 'operator-privacy-1280');

  await page.setViewportSize({ width: 390, height: 844 });
  await list.first().waitFor();
  expect(await noSidewaysScroll(page)).toBe(true);
  await screenshot(page, 'operator-privacy-390');

  // Keyboard alone, from the top of the page: Tab reaches the operator's address and the sign-in link, and Enter follows it.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.reload();
  await list.first().waitFor();
  const reached: string[] = [];
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f) reached.push(f);
    if (f?.startsWith('a:Sign in')) break;
  }
  expect(reached).toEqual(expect.arrayContaining(['a:privacy@harbour.example:mailto:privacy@harbour.example', 'a:Sign in:/sign-in']));
  // Each focused link shows where focus is (an outline or ring, not nothing).
  const outline = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement!);
    return { style: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow };
  });
  expect(outline.style !== 'none' && outline.width !== '0px' || outline.shadow !== 'none').toBe(true);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/sign-in/);
  expect(problems).toEqual([]);
});
