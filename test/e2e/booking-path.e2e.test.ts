import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { FakeGoogleCalendar } from '../fakes/google-calendar';
import { ownerWithWorkspace } from '../helpers/client';
import { ensureWebBuild, heading, launchChromium, noSidewaysScroll, openPage, signIn } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * Issue 16's person's path in real browsers: a staff member connects Google Calendar (the local
 * fake), creates a "30-minute intro call" (10-minute buffers, 4 hours' notice, at most 6 a day,
 * weekday hours) and shares the link; a prospect in Kolkata, in a second browser context, sees
 * free slots in their own time, books one, gets the confirmation with an ICS invitation; the
 * event reaches the host's Google Calendar and the meeting is on the new contact's timeline.
 * (Booking from the chat, CONV-5, is tested in src/server/modules/booking/chat-booking.test.ts.)
 */
let server: TestServer;
let browser: Browser;
let google: FakeGoogleCalendar;
const problems: string[] = [];
const shots = process.env.BOOKING_SCREENSHOTS ?? '';

beforeAll(async () => {
  await ensureWebBuild();
  google = await new FakeGoogleCalendar().start();
  server = await startTestServer({
    GOOGLE_CLIENT_ID: google.clientId,
    GOOGLE_CLIENT_SECRET: google.clientSecret,
    GOOGLE_OAUTH_AUTHORIZE_URL: `${google.url}/o/oauth2/v2/auth`,
    GOOGLE_OAUTH_TOKEN_URL: `${google.url}/token`,
    GOOGLE_API_ROOT_URL: `${google.url}/`,
  });
  browser = await launchChromium();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await google?.stop();
});

it('BOOK-1 BOOK-2 BOOK-4 BOOK-5 staff set up and share a booking page; a prospect in another time zone books; mail with ICS, Google event, meeting on the contact', async () => {
  const owner = await ownerWithWorkspace(server, 'Pathway Plumbing');
  const staff = await openPage(browser, server.url, problems, { timezoneId: 'America/New_York' });
  const bookingPath = `/w/${owner.workspaceId}/booking`;
  await signIn(staff.page, owner.email, owner.password, bookingPath);
  await heading(staff.page, 'Booking');

  // Connect Google Calendar: off to the consent page and back.
  await staff.page.getByRole('button', { name: 'Connect Google Calendar' }).click();
  await staff.page.waitForURL((u) => u.pathname === bookingPath && u.search.includes('connected'));
  await staff.page.getByRole('button', { name: 'Disconnect' }).waitFor();

  // The event type with the path's rules; a day off next week.
  await staff.page.getByLabel('Minimum notice (hours)').fill('4');
  const dayOff = new Date(Date.now() + 8 * 86_400_000).toISOString().slice(0, 10);
  await staff.page.getByLabel('A day off').fill(dayOff);
  await staff.page.getByRole('button', { name: 'Create booking page' }).click();
  const link = staff.page.getByTestId('public-link');
  await link.waitFor();
  const publicUrl = new URL((await link.textContent())!);
  if (shots) await staff.page.screenshot({ path: `${shots}/editor-1280.png`, fullPage: true });
  await staff.page.setViewportSize({ width: 390, height: 844 });
  expect(await noSidewaysScroll(staff.page)).toBe(true);
  if (shots) await staff.page.screenshot({ path: `${shots}/editor-390.png`, fullPage: true });

  // A prospect in Kolkata, no sign-in.
  const prospect = await openPage(browser, server.url, problems, { timezoneId: 'Asia/Kolkata' });
  await prospect.page.goto(publicUrl.pathname);
  await heading(prospect.page, '30-minute intro call');
  // Chromium names the zone by its older alias.
  await expect.poll(() => prospect.page.getByLabel('Times shown in').inputValue()).toMatch(/^Asia\/(Kolkata|Calcutta)$/);
  const first = prospect.page.getByRole('button', { pressed: false }).filter({ hasText: /^\d\d:\d\d$/ }).first();
  await first.waitFor();
  // No time chosen yet: "Book this time" is disabled, and says so legibly (stone on stone, dashed edge).
  const bookButton = prospect.page.getByRole('button', { name: 'Book this time' });
  expect(await bookButton.isDisabled()).toBe(true);
  expect(await bookButton.evaluate((b) => getComputedStyle(b).borderStyle)).toBe('dashed');
  if (shots) await prospect.page.screenshot({ path: `${shots}/booking-1280.png`, fullPage: true });
  if (shots) {
    await prospect.page.setViewportSize({ width: 390, height: 844 });
    await prospect.page.screenshot({ path: `${shots}/booking-disabled-390.png`, fullPage: true });
    await prospect.page.setViewportSize({ width: 1280, height: 900 });
  }
  const time = (await first.textContent())!;
  await first.click();
  await prospect.page.getByLabel('Your name').fill('Priya Prospect');
  await prospect.page.getByLabel('Email').fill('priya@example.test');
  await prospect.page.setViewportSize({ width: 390, height: 844 });
  expect(await noSidewaysScroll(prospect.page)).toBe(true);
  if (shots) await prospect.page.screenshot({ path: `${shots}/booking-390.png`, fullPage: true });
  await prospect.page.getByRole('button', { name: 'Book this time' }).click();
  await heading(prospect.page, 'You are booked');

  // The confirmation with its invitation, at the time the prospect picked in their zone.
  const mail = await server.smtp.waitForMail('priya@example.test', (m) => m.subject.startsWith('Confirmed:'));
  const ics = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'))!;
  const cal = new ICAL.Component(ICAL.parse(ics.content));
  expect(cal.getFirstPropertyValue('method')).toBe('REQUEST');
  const start = (cal.getFirstSubcomponent('vevent')!.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate();
  expect(start.toLocaleTimeString('en-GB', { timeZone: 'Asia/Kolkata', hour: '2-digit', minute: '2-digit' })).toBe(time);
  expect(mail.text).toMatch(/\/book\/manage\/[\w.-]+\?action=cancel/);

  // In the host's Google Calendar.
  await expect.poll(() => [...google.events.values()].some((e) => e.start?.dateTime === start.toISOString()), { timeout: 30_000 }).toBe(true);

  // The prospect is a contact now, with the meeting on the timeline.
  const contacts = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/contacts`)).json().items;
  const contact = contacts.find((c: { emails: string[] }) => c.emails.includes('priya@example.test'));
  await staff.page.setViewportSize({ width: 1280, height: 900 });
  await staff.page.goto(`/w/${owner.workspaceId}/contacts/${contact.id}`);
  await staff.page.getByText('30-minute intro call with Priya Prospect').first().waitFor();
  await staff.page.getByRole('region', { name: 'Bookings' }).getByText('confirmed').waitFor();
  if (shots) await staff.page.screenshot({ path: `${shots}/contact-1280.png`, fullPage: true });
  expect(problems).toEqual([]);
}, 240_000);
