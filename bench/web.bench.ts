import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { startKestrel } from './lib/kestrel';
import type { Goal } from './lib/goals';
import type { Machine } from './lib/machine';
import { writeBenchBlock } from './lib/report';
import { median, ms, percentile, table } from './lib/stats';

/**
 * Largest Contentful Paint of the contacts page in headless Chromium, signed in to the demo
 * workspace that `npm start` makes: with an empty cache (a fresh browser context each run) and a
 * warm one (the same context, the page visited before), on localhost and over an emulated slow
 * mobile network, with the JavaScript each visit fetched.
 */

export interface NetworkProfile {
  name: string;
  /** CDP Network.emulateNetworkConditions; null: localhost as it is. */
  conditions: { latency: number; downloadThroughput: number; uploadThroughput: number } | null;
}

// Lighthouse's "slow 4G" mobile profile: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up.
export const networkProfiles: NetworkProfile[] = [
  { name: 'localhost', conditions: null },
  { name: 'slow 4G (150 ms RTT, 1.6 Mbit/s)', conditions: { latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 } },
];

interface Visit {
  lcpMs: number;
  /** When the first row of the contacts table was in the page. */
  rowsMs: number;
  /** JavaScript fetched over the network (not from the cache): compressed body bytes and files. */
  jsBytes: number;
  jsFiles: number;
  /** Each fetched script: path and compressed bytes (so a run can say which chunks it counted). */
  scripts: { path: string; bytes: number }[];
  lcpElement: string;
}

export interface WebResult {
  runs: number;
  contacts: number;
  profiles: { profile: string; cold: Visit[]; warm: Visit[] }[];
}

// Runs in the page before any of its scripts: notes when the table's first row appears. A string,
// not a function: tsx would wrap a function's inner functions in a helper the page does not have.
const watchRows = `
  new MutationObserver((_, observer) => {
    if (document.querySelector('table tbody tr')) {
      window.__rowsAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
`;

async function visit(context: BrowserContext, url: string, profile: NetworkProfile): Promise<Visit> {
  const page = await context.newPage();
  try {
    if (profile.conditions) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, ...profile.conditions });
    }
    await page.goto(url);
    await page.locator('table tbody tr').first().waitFor();
    // Two frames after the rows: whatever they paint has been reported.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    return await page.evaluate(
      () =>
        new Promise<Visit>((resolve) => {
          new PerformanceObserver((list) => {
            const entries = list.getEntries() as (PerformanceEntry & { element?: Element | null; size: number })[];
            const last = entries[entries.length - 1]!;
            const scripts = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((r) => new URL(r.name).pathname.endsWith('.js') && r.transferSize > 0);
            const element = last.element ? `${last.element.tagName.toLowerCase()} "${(last.element.textContent ?? '').trim().slice(0, 40)}"` : 'unknown';
            resolve({
              lcpMs: last.startTime,
              rowsMs: (window as unknown as { __rowsAt: number }).__rowsAt,
              jsBytes: scripts.reduce((sum, r) => sum + r.encodedBodySize, 0),
              jsFiles: scripts.length,
              scripts: scripts.map((r) => ({ path: new URL(r.name).pathname, bytes: r.encodedBodySize })),
              lcpElement: element,
            });
          }).observe({ type: 'largest-contentful-paint', buffered: true });
        }),
    );
  } finally {
    await page.close();
  }
}

export async function benchWeb(dataDir: string, runs = 10): Promise<WebResult> {
  const kestrel = await startKestrel(dataDir, { DEMO_WORKSPACE: 'true', RATE_LIMIT_PER_MINUTE: '100000000' });
  let browser: Browser | null = null;
  try {
    if (!kestrel.demoLogin) throw new Error('Kestrel printed no demo login');
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const contextOptions = { baseURL: kestrel.url, viewport: { width: 1280, height: 900 }, locale: 'en-US' };

    // Sign in once through the sign-in page; every visit below carries that session.
    const signInContext = await browser.newContext(contextOptions);
    const page = await signInContext.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('Email', { exact: true }).fill(kestrel.demoLogin.email);
    await page.getByLabel('Password', { exact: true }).fill(kestrel.demoLogin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/w\/[0-9a-f-]{36}/);
    const workspaceId = /\/w\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    const storageState = await signInContext.storageState();
    await signInContext.close();
    const url = `/w/${workspaceId}/contacts`;

    const contacts = await (async () => {
      const context = await browser!.newContext({ ...contextOptions, storageState });
      const response = await context.request.get(`/api/workspaces/${workspaceId}/contacts?limit=100`);
      const body = (await response.json()) as { items: unknown[] };
      await context.close();
      return body.items.length;
    })();

    const profiles: WebResult['profiles'] = [];
    for (const profile of networkProfiles) {
      process.stderr.write(`  contacts page, ${profile.name}: ${runs} cold and ${runs} warm visits…\n`);
      const cold: Visit[] = [];
      for (let i = 0; i < runs; i++) {
        const context = await browser.newContext({ ...contextOptions, storageState });
        await context.addInitScript({ content: watchRows });
        cold.push(await visit(context, url, profile));
        await context.close();
        if (process.env.WEB_BENCH_FILES && i === 0) for (const f of cold[0]!.scripts) process.stderr.write(`    ${(f.bytes / 1024).toFixed(1)} kB ${f.path}\n`);
      }
      const context = await browser.newContext({ ...contextOptions, storageState });
      await context.addInitScript({ content: watchRows });
      await visit(context, url, profile); // fills the cache, not counted
      const warm: Visit[] = [];
      for (let i = 0; i < runs; i++) warm.push(await visit(context, url, profile));
      await context.close();
      profiles.push({ profile: profile.name, cold, warm });
    }
    return { runs, contacts, profiles };
  } finally {
    await browser?.close();
    await kestrel.stop();
  }
}

const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

/** `busy`: what else ran on the machine, in words and CPU pressure, since it stretches every figure here. */
export function webMarkdown(r: WebResult, machine: Machine, busy: string): string {
  const rows = r.profiles.flatMap(({ profile, cold, warm }) =>
    (
      [
        ['cold cache', cold],
        ['warm cache', warm],
      ] as const
    ).map(([cache, visits]) => {
      const lcp = visits.map((v) => v.lcpMs);
      const rowsAt = visits.map((v) => v.rowsMs);
      return [profile, cache, ms(median(lcp)), ms(percentile(lcp, 0.95)), ms(median(rowsAt)), ms(percentile(rowsAt, 0.95)), `${kB(median(visits.map((v) => v.jsBytes)))} in ${median(visits.map((v) => v.jsFiles))} files`];
    }),
  );
  const elements = [...new Set(r.profiles.flatMap((p) => [...p.cold, ...p.warm].map((v) => v.lcpElement)))];
  return [
    `Measured ${machine.date} on ${machine.cpu}, ${machine.cores} cores, ${machine.ramGib} GiB RAM, ${machine.os}; Node ${machine.node}; commit ${machine.commit}. ${busy}`,
    '',
    `Headless Chromium (playwright-core, /usr/bin/chromium) at 1280×900, signed in to the demo workspace (${r.contacts} contacts), opening \`/w/…/contacts\`: ${r.runs} visits each, a fresh browser context per cold visit, one context visited once beforehand for the warm ones. Largest Contentful Paint from a \`PerformanceObserver\` ('largest-contentful-paint', buffered), read two frames after the table's first row; "first row" is when that row entered the page; JavaScript is what the visit fetched over the network (compressed bodies, from Resource Timing).`,
    '',
    table(['Network', 'Cache', 'LCP p50', 'LCP p95', 'First row p50', 'First row p95', 'JavaScript fetched (p50)'], rows),
    '',
    `Largest element: ${elements.map((e) => `\`${e}\``).join(', ')}.`,
  ].join('\n');
}

/** The web section of docs/benchmarks.md, apart from the results block like the CRM one. */
export const writeWebSection = (markdown: string): string => writeBenchBlock('web', '## Web app', markdown);

/**
 * Issue 14, scope 5: the first pages after sign-in load ≤ 200 kB of compressed JavaScript. A cold
 * visit to the contacts page loads the entry, the workspace frame and the page (more than the home
 * page, which test/web-bundle.test.ts holds to the same budget from the build's manifest); its
 * Largest Contentful Paint is reported beside it.
 */
export function webGoals(r: WebResult): Goal[] {
  const local = r.profiles.find((p) => p.profile === 'localhost') ?? r.profiles[0];
  if (!local?.cold.length) return [];
  const js = median(local.cold.map((v) => v.jsBytes));
  const lcp = median(local.cold.map((v) => v.lcpMs));
  return [{ goal: 'A cold visit to the contacts page fetches ≤ 200 kB of compressed JavaScript', measured: `${kB(js)} (LCP p50 ${ms(lcp)} on localhost, cold cache)`, met: js <= 200 * 1024 }];
}
