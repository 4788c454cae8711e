import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { ownerWithWorkspace } from './client';
import { heading, noSidewaysScroll, openPage, signIn } from './browser';
import type { TestServer } from './server';

type Prices = { plan: Record<string, string>; pack: Record<string, string> };
type Money = { currency: string; pro: number; pack: number };
type Limits = Record<string, number>;

/** Free, Pro at the provider's price ids, and a 500-credit pack; prices in `currency`'s minor units. */
const planSet = (prices: Prices, money: Money, free: Limits, pro: { limits: Limits; monthlyCredits: number }) => ({
  defaultPlan: 'free',
  plans: [
    { id: 'free', name: 'Free', priceMinor: 0, currency: money.currency, limits: free },
    { id: 'pro', name: 'Pro', priceMinor: money.pro, currency: money.currency, limits: pro.limits, monthlyCredits: pro.monthlyCredits, prices: prices.plan },
  ],
  packs: [{ id: 'credits-500', credits: 500, priceMinor: money.pack, currency: money.currency, prices: prices.pack }],
});

/** The plans every billing browser test uses: Free with 2 contacts, Pro with 1,000 monthly credits. */
export const browserPlans = (prices: Prices, currency = 'USD', proPrice = 4900) =>
  planSet(prices, { currency, pro: proPrice, pack: 1000 }, { seats: 3, contacts: 2, ai_runs: 50, emails: 500 }, { limits: { seats: 25, contacts: 100_000, ai_runs: 10_000, emails: 100_000 }, monthlyCredits: 1000 });

/** The plans every provider test uses: Free with 2 contacts and 5 AI runs, Pro with 100 monthly credits. */
export const providerPlans = (prices: Prices, money: Money = { currency: 'USD', pro: 4900, pack: 1000 }) =>
  planSet(prices, money, { seats: 3, contacts: 2, ai_runs: 5 }, { limits: { seats: 25, contacts: 1000 }, monthlyCredits: 100 });

/**
 * Issue 19's path in a real browser with a provider played by its local fake: an owner on Free at
 * the contacts limit sees the banner, upgrades through the hosted checkout (the fake's page sends
 * the signed webhooks, then redirects back), comes back to an active Pro plan, and the limit is
 * lifted; screenshots at 1280 and 390 wide when BILLING_SCREENSHOTS names a folder.
 * `more` runs on the Pro page (desktop) before the phone check.
 */
export async function checkoutPath(server: TestServer, browser: Browser, opts: { name: string; card?: string; more?: (page: Page, owner: Owner) => Promise<void> }): Promise<string[]> {
  const problems: string[] = [];
  const shots = process.env.BILLING_SCREENSHOTS ?? '';
  const o = await ownerWithWorkspace(server, `${opts.name} Bakery`);
  const contact = (n: string) => o.client.post(`/api/workspaces/${o.workspaceId}/contacts`, { firstName: n });
  expect((await contact('Ada')).statusCode).toBe(201);
  expect((await contact('Bo')).statusCode).toBe(201);
  expect((await contact('Cy')).statusCode).toBe(402);

  const { page, context } = await openPage(browser, server.url, problems);
  const billingPath = `/w/${o.workspaceId}/settings/billing`;
  await signIn(page, o.email, o.password, billingPath);
  await heading(page, 'Billing');
  await page.getByText("This workspace has reached its plan's limit of contacts.").waitFor();
  await page.getByRole('progressbar', { name: 'contacts' }).waitFor();
  if (shots) await page.screenshot({ path: `${shots}/billing-${opts.name}-free-1280.png`, fullPage: true });

  await page.getByRole('button', { name: 'Upgrade to Pro' }).click();
  // Back from the provider: the note is shown once and the address is cleaned of ?checkout=success,
  // so a reload (below) does not claim a payment again.
  await page.getByText('Thank you — the payment went through.', { exact: false }).waitFor();
  await page.waitForURL((u) => u.pathname === billingPath && !u.search.includes('checkout'));
  await page.getByText('Your plan', { exact: true }).waitFor();
  await page.getByRole('heading', { name: /Pro plan/ }).waitFor();
  if (opts.card) await page.getByText(`Card ending ${opts.card}`).waitFor();
  await page.getByText('1,000 credits a month').first().waitFor();
  expect(await page.getByText("This workspace has reached its plan's limit").count()).toBe(0);
  if (shots) await page.screenshot({ path: `${shots}/billing-${opts.name}-pro-1280.png`, fullPage: true });
  expect((await contact('Cy')).statusCode).toBe(201);
  await opts.more?.(page, o);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await heading(page, 'Billing');
  await page.getByRole('heading', { name: /Pro plan/ }).waitFor();
  expect(await page.getByText('the payment went through', { exact: false }).count()).toBe(0);
  expect(await noSidewaysScroll(page)).toBe(true);
  if (shots) await page.screenshot({ path: `${shots}/billing-${opts.name}-pro-390.png`, fullPage: true });
  await context.close();
  return problems;
}

type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;

/** What the provider tests read of a workspace: its billing summary, a contact create, its billing_accounts row (`server` is read when called, after beforeAll). */
export const billingReads = (server: () => TestServer) => ({
  summary: async (o: Owner) => (await o.client.get(`/api/workspaces/${o.workspaceId}/billing`)).json(),
  contact: (o: Owner, n: string) => o.client.post(`/api/workspaces/${o.workspaceId}/contacts`, { firstName: n }),
  account: async (o: Owner) => (await server().services.database.systemPool.query(`SELECT * FROM billing_accounts WHERE workspace_id = $1`, [o.workspaceId])).rows[0],
});

/**
 * The provider's hosted checkout as a browser follows it: Kestrel answers the page's address
 * (matching `hosted`, when given), the fake's page pays and sends the signed webhooks, then
 * redirects back with `redirect`; resolves to where it sends the browser.
 */
export const hostedCheckout =
  (redirect: 302 | 303, hosted?: () => RegExp) =>
  async (o: Owner, body: Record<string, string>): Promise<string> => {
    const res = await o.client.post(`/api/workspaces/${o.workspaceId}/billing/checkout`, body);
    expect(res.statusCode, res.body).toBe(200);
    if (hosted) expect(res.json().url).toMatch(hosted());
    const page = await fetch(res.json().url, { redirect: 'manual' });
    expect(page.status).toBe(redirect);
    return page.headers.get('location')!;
  };

/** BILL-2: only billing metadata is stored — no text column of any table holds the test card's number. */
export async function expectNoCardStored(server: TestServer, card: string): Promise<void> {
  const pool = server.services.database.systemPool;
  const tables = (await pool.query<{ t: string }>(`SELECT quote_ident(table_name) AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)).rows;
  for (const { t } of tables) expect((await pool.query(`SELECT 1 FROM ${t} x WHERE x::text LIKE $1 LIMIT 1`, [`%${card}%`])).rowCount, t).toBe(0);
}
