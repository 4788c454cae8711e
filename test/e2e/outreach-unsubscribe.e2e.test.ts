import type { Browser } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { ownerWithWorkspace } from '../helpers/client';
import { heading, noSidewaysScroll, openPage, startBrowserSuite } from '../helpers/browser';
import { type TestServer } from '../helpers/server';

/**
 * Issue 17's unsubscribe path over real HTTP: a bakery sends marketing mail to two consenting
 * customers; one's mail client unsubscribes with one click (RFC 8058 POST, no cookies), the
 * other opens the footer link in a browser and presses the button. Both show as unsubscribed.
 */
let server: TestServer;
let browser: Browser;
const problems: string[] = [];
const shots = process.env.OUTREACH_SCREENSHOTS ?? '';

beforeAll(async () => ({ server, browser } = await startBrowserSuite()), 300_000);

it('MAIL-4 unsubscribe by a one-click POST as a mail client does it, and by the footer link in a browser', async () => {
  const owner = await ownerWithWorkspace(server, 'Harbour Bakery');
  const api = (p: string) => `/api/workspaces/${owner.workspaceId}${p}`;
  expect((await owner.client.patch(`/api/workspaces/${owner.workspaceId}`, { mailingAddress: '12 Quay Street, Portsmouth PO1 2AB, UK' })).statusCode).toBe(200);
  const people = [];
  for (const name of ['Ada', 'Ben']) {
    const email = `${name.toLowerCase()}${Date.now().toString(36)}@example.test`;
    const c = await owner.client.post(api('/contacts'), { firstName: name, emails: [email] });
    const id = c.json().id as string;
    expect((await owner.client.post(api(`/outreach/contacts/${id}/consent`), { state: 'granted', source: 'form', proof: 'newsletter form' })).statusCode).toBe(200);
    expect((await owner.client.post(api('/outreach/send'), { contactId: id, stream: 'marketing', subject: 'Fresh sourdough this Friday', html: '<p>Hello!</p>' })).statusCode).toBe(200);
    people.push({ id, email, mail: await server.smtp.waitForMail(email) });
  }
  const [ada, ben] = people as [(typeof people)[0], (typeof people)[0]];

  // Ada's mail client: a POST to the List-Unsubscribe https address, over the network.
  const header = /List-Unsubscribe:\s*<([^>]+)>/i.exec(ada.mail.raw.replace(/\r?\n[ \t]+/g, ' '))![1]!;
  const oneClick = await fetch(header, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
  expect(oneClick.status).toBe(200);

  // Ben opens the footer link.
  const link = /https?:\/\/\S+\/unsubscribe\/[\w.-]+/.exec(ben.mail.text)![0];
  const { context, page } = await openPage(browser, server.url, problems);
  await page.goto(new URL(link).pathname);
  await heading(page, 'Unsubscribe');
  await page.getByText('Stop marketing email from Harbour Bakery to this address?').waitFor();
  if (shots) await page.screenshot({ path: `${shots}/unsubscribe-1280.png`, fullPage: true });
  await page.getByRole('button', { name: 'Unsubscribe' }).click();
  await page.getByText('You are unsubscribed.').waitFor();
  if (shots) await page.screenshot({ path: `${shots}/unsubscribed-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 800 });
  expect(await noSidewaysScroll(page)).toBe(true);
  if (shots) await page.screenshot({ path: `${shots}/unsubscribed-390.png`, fullPage: true });
  await context.close();

  for (const [who, source] of [[ada, 'unsubscribe_one_click'], [ben, 'unsubscribe_link']] as const) {
    const status = (await owner.client.get(api(`/outreach/contacts/${who.id}/mail-status`))).json();
    expect(status).toMatchObject({ consentState: 'withdrawn', suppression: { reason: 'unsubscribed', source } });
  }
  expect(problems).toEqual([]);
}, 120_000);
