import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { closeAfterFile } from './file-cleanup';
import { startTestServer, type TestServer } from './server';

/** What every browser test shares: the web build, Chromium, a page that reports breakage, signing in. */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const webDist = path.join(repoRoot, 'dist/web/index.html');

/** The server serves dist/web; build it when it is missing or older than the sources. */
export async function ensureWebBuild(): Promise<void> {
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
      const full = path.join(dir, entry.name);
      return Math.max(max, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
    }, 0);
  const stale = () => {
    const sources = Math.max(newest(path.join(repoRoot, 'src/web')), statSync(path.join(repoRoot, 'vite.config.ts')).mtimeMs);
    return !existsSync(webDist) || statSync(webDist).mtimeMs < sources;
  };
  if (!stale()) return;
  // Several browser test files start at once in parallel workers: one builds while the others wait,
  // so no two builds empty the same directory under each other.
  const lock = path.join(repoRoot, 'dist/.web-build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than ten minutes belongs to a run that died.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    if (!stale()) return;
    // Exactly `npm run build:web`, in its own process: Vitest's NODE_ENV=test must not make Vite bundle
    // React's development build (the first page would weigh twice as much).
    const { NODE_ENV: _test, ...env } = process.env;
    const result = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: repoRoot, env: { ...env, NODE_ENV: 'production' }, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`vite build failed (${result.status ?? result.signal})`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Debian's Chromium, headless, through playwright-core. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A fresh context and page. CSP violations and script errors land in `problems`: they would mean
 * a broken page for real people, so each test ends by expecting none.
 */
export async function openPage(
  browser: Browser,
  baseURL: string,
  problems: string[],
  options: Parameters<Browser['newContext']>[0] & { timeoutMs?: number } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const { timeoutMs = 30_000, ...contextOptions } = options;
  const context = await browser.newContext({ baseURL, locale: 'en-US', timezoneId: 'America/Chicago', viewport: { width: 1280, height: 900 }, ...contextOptions });
  // Generous: CI machines (and shared dev boxes) can be slow to start a page.
  context.setDefaultTimeout(timeoutMs);
  context.setDefaultNavigationTimeout(Math.max(timeoutMs, 45_000));
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return { context, page };
}

export async function heading(page: Page, name: string | RegExp, timeout?: number): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor(timeout ? { timeout } : {});
}

/** Opens `to`, is sent to sign in, signs in with a password and lands back on `to`. */
export async function signIn(page: Page, email: string, password: string, to: string): Promise<void> {
  await page.goto(to);
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === to);
}

/** A phone-width page must not scroll sideways. */
export const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/**
 * What a browser test file needs before its first test: the built web app, one server for the
 * file (with `env` on top of the test defaults) and Chromium, closed after the file.
 *   beforeAll(async () => ({ server, browser } = await startBrowserSuite()), 300_000);
 */
export async function startBrowserSuite(env: Record<string, string> = {}): Promise<{ server: TestServer; browser: Browser }> {
  await ensureWebBuild();
  const server = await startTestServer(env);
  const browser = await launchChromium();
  closeAfterFile(() => browser.close());
  return { server, browser };
}
