import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { noSidewaysScroll, openPage, signIn } from './browser';
import { ownerWithWorkspace } from './client';
import type { TestServer } from './server';

/**
 * What the invoicing browser tests share: a shop with its GSTIN and a numbering series, a page signed
 * in as its owner in India's time zone, an issued invoice made through the API, and screenshots.
 */

/** Where screenshots go (INVOICING_SCREENSHOTS=/tmp/…); none are taken when it is unset. */
export const invoicingShots = process.env.INVOICING_SCREENSHOTS ?? '';

/**
 * The page at 1280 and at 390 wide (a phone at a shop counter): at 390 it must not scroll sideways,
 * checked whether or not screenshots are taken. Charts resize on the next layout (ResizeObserver):
 * the check polls rather than read the first frame. The page is left at 1280 × 900.
 */
export async function shoot(page: Page, name: string): Promise<void> {
  if (invoicingShots) await page.screenshot({ path: `${invoicingShots}/${name}-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => noSidewaysScroll(page), { message: `${name} at 390 wide` }).toBe(true);
  if (invoicingShots) await page.screenshot({ path: `${invoicingShots}/${name}-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

export type Shop = Awaited<ReturnType<typeof ownerWithWorkspace>> & {
  /** `/api/workspaces/:id/invoicing` + path */
  api: (path: string) => string;
  seriesId: string;
};

/** An owner whose workspace has its legal name, a Karnataka GSTIN and an invoice series with `prefix`. */
export async function shopWithSeries(server: TestServer, name: string, prefix: string): Promise<Shop> {
  const owner = await ownerWithWorkspace(server, name);
  const api = (p: string) => `/api/workspaces/${owner.workspaceId}/invoicing${p}`;
  const settings = await owner.client.request('PUT', api('/settings'), { legalName: `${name} LLP`, gstin: '29AAGCB7383J1Z4' });
  expect(settings.statusCode, settings.body).toBe(200);
  const series = await owner.client.post(api('/series'), { documentType: 'invoice', prefix, digits: 4 });
  expect(series.statusCode, series.body).toBe(201);
  return { ...owner, api, seriesId: series.json().id };
}

export type IssuedInvoice = { id: string; number: string; version: number; grandTotalPaise: number };

/** An invoice issued through the API, from a draft with `body` on top of the shop's series. */
export async function issueInvoice(shop: Shop, body: Record<string, unknown>): Promise<IssuedInvoice> {
  const draft = await shop.client.post(shop.api('/documents'), { documentType: 'invoice', seriesId: shop.seriesId, ...body });
  expect(draft.statusCode, draft.body).toBe(201);
  const issued = await shop.client.post(shop.api(`/documents/${draft.json().id}/issue`), { version: draft.json().version });
  expect(issued.statusCode, issued.body).toBe(200);
  return issued.json();
}

/** Today's date in India (YYYY-MM-DD), the date the invoices and reports go by. */
export const todayInIndia = () => new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Kolkata' });

/** A page in India (Asia/Kolkata, en-IN), signed in as `owner` and landed on `to`. */
export async function openAsOwner(browser: Browser, server: TestServer, owner: { email: string; password: string }, to: string, problems: string[]): Promise<Page> {
  const { page } = await openPage(browser, server.url, problems, { timezoneId: 'Asia/Kolkata', locale: 'en-IN' });
  await signIn(page, owner.email, owner.password, to);
  return page;
}
