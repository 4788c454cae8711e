import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeGoogleCalendar } from '../fakes/google-calendar';
import { ownerWithWorkspace } from '../helpers/client';
import { heading, noSidewaysScroll, openPage, signIn, startBrowserSuite } from '../helpers/browser';
import { type TestServer } from '../helpers/server';

/**
 * INT-1 in a real browser: a member with Google Calendar connected reads, under Disconnect, that
 * Kestrel also asks Google to remove its access; disconnecting from the keyboard does so (the
 * Google fake sees the revocation) and the page offers to connect again.
 */
let server: TestServer;
let browser: Browser;
let google: FakeGoogleCalendar;
const problems: string[] = [];
const shots = process.env.INT_SCREENSHOTS ?? '';

beforeAll(async () => {
  google = await new FakeGoogleCalendar().start();
  ({ server, browser } = await startBrowserSuite(google.env()));
}, 300_000);
afterAll(async () => google?.stop());

it('INT-1 the booking page says Disconnect also asks Google to remove its access, and disconnecting from the keyboard revokes the grant', async () => {
  const owner = await ownerWithWorkspace(server, 'Disconnect Diner');
  const start = await owner.client.post(`/api/workspaces/${owner.workspaceId}/integrations/google_calendar/connect`);
  expect(start.statusCode, start.body).toBe(200);
  const back = await fetch(new URL(start.json().authorizationUrl), { redirect: 'manual' });
  const callback = new URL(back.headers.get('location')!);
  expect((await owner.client.get(`${callback.pathname}${callback.search}`)).statusCode).toBe(302);

  const { page } = await openPage(browser, server.url, problems);
  const bookingPath = `/w/${owner.workspaceId}/booking`;
  await signIn(page, owner.email, owner.password, bookingPath);
  await heading(page, 'Booking');
  const card = page.getByRole('region', { name: 'Google Calendar' });
  const disconnect = card.getByRole('button', { name: 'Disconnect', exact: true });
  await disconnect.waitFor();
  const note = card.getByText('Kestrel also asks Google to remove its access');
  await note.waitFor();
  expect(await disconnect.getAttribute('aria-describedby')).toBe('google-disconnect-note');
  await card.scrollIntoViewIfNeeded();
  if (shots) await page.screenshot({ path: `${shots}/google-disconnect-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await noSidewaysScroll(page)).toBe(true);
  if (shots) await page.screenshot({ path: `${shots}/google-disconnect-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  const asked = google.revokeRequests.length;
  await disconnect.focus();
  await page.keyboard.press('Enter');
  await card.getByRole('button', { name: 'Connect Google Calendar' }).waitFor();
  expect(await note.count()).toBe(0);
  expect(google.revokeRequests.length).toBe(asked + 1);
  expect(google.revoked).toContain(google.revokeRequests.at(-1));
  expect((await owner.client.get(`/api/workspaces/${owner.workspaceId}/integrations`)).json().items).toEqual([expect.objectContaining({ provider: 'google_calendar', status: 'disconnected' })]);
  expect(problems).toEqual([]);
});
