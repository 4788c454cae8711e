import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { sql } from 'drizzle-orm';
import { startFakeAi, type FakeAi } from '../fakes/ai';
import { FakeGoogleCalendar } from '../fakes/google-calendar';
import { ownerWithWorkspace } from '../helpers/client';
import { ensureWebBuild, heading, launchChromium, noSidewaysScroll, openPage, signIn } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { until } from '../helpers/wait';

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
let ai: FakeAi;
const problems: string[] = [];
const shots = process.env.BOOKING_SCREENSHOTS ?? '';

beforeAll(async () => {
  await ensureWebBuild();
  google = await new FakeGoogleCalendar().start();
  ai = await startFakeAi();
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

  // BOOK: the new page's hours start in the workspace's zone (Chicago), not the browser's (New York).
  await expect.poll(() => staff.page.getByLabel('Time zone').inputValue()).toBe('America/Chicago');
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

it('BOOK-3 BOOK-4 two prospects click the same last slot: one gets it, the other is offered the next free times and books one; a reminder goes out before the meeting; afterwards staff mark a no-show in the bookings calendar and Recovery picks it up', async () => {
  const owner = await ownerWithWorkspace(server, 'Racing Roofers');
  const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;
  // Recovery drafts its re-booking email with the workspace's AI provider (the local fake).
  expect((await owner.client.request('PUT', api('/ai/provider'), { kind: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-test-0123456789', baseUrl: ai.baseUrl })).statusCode).toBe(200);
  const hours = (await owner.client.post(api('/booking/schedules'), { name: 'Hours', timeZone: 'America/New_York', weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })), overrides: [] })).json();
  const made = await owner.client.post(api('/booking/event-types'), { slug: 'roof-check', title: 'Roof check call', durationMinutes: 30, minNoticeMinutes: 240, hosts: [{ userId: hours.userId, scheduleId: hours.id }] });
  expect(made.statusCode, made.body).toBe(201);
  const path = made.json().publicPath as string;

  // Two prospects in two zones open the page and pick the same time.
  const first = await openPage(browser, server.url, problems, { timezoneId: 'Europe/London' });
  const second = await openPage(browser, server.url, problems, { timezoneId: 'Australia/Sydney' });
  const pickFirst = async (p: typeof first.page, name: string, email: string, viaTeamPage = false) => {
    if (viaTeamPage) {
      // The team's page lists its booking pages; the prospect picks one.
      await p.goto(`/book/${owner.workspaceId}`);
      await heading(p, 'Book a time with Racing Roofers');
      if (shots) {
        await p.setViewportSize({ width: 390, height: 844 });
        await p.screenshot({ path: `${shots}/team-page-390.png`, fullPage: true });
        await p.setViewportSize({ width: 1280, height: 900 });
      }
      await p.getByRole('link', { name: /Roof check call/ }).click();
    } else await p.goto(path);
    await heading(p, 'Roof check call');
    const slot = p.getByRole('button', { pressed: false }).filter({ hasText: /^\d\d:\d\d$/ }).first();
    await slot.click();
    await p.getByLabel('Your name').fill(name);
    await p.getByLabel('Email').fill(email);
  };
  await pickFirst(first.page, 'Fran First', 'fran@example.test', true);
  await pickFirst(second.page, 'Sam Second', 'sam@example.test');
  await Promise.all([first.page.getByRole('button', { name: 'Book this time' }).click(), second.page.getByRole('button', { name: 'Book this time' }).click()]);
  // Exactly one is booked; the other is told and offered the next three free times.
  const booked = async (p: typeof first.page) => (await p.getByRole('heading', { name: 'You are booked' }).count()) > 0;
  const offered = (p: typeof first.page) => p.getByText('These times are still free:');
  await until(async () => ((await booked(first.page)) || (await offered(first.page).count()) > 0) && ((await booked(second.page)) || (await offered(second.page).count()) > 0), 'both prospects to hear back');
  const outcomes = [await booked(first.page), await booked(second.page)];
  expect(outcomes.filter(Boolean)).toHaveLength(1);
  const loser = outcomes[0] ? second.page : first.page;
  const winnerEmail = outcomes[0] ? 'fran@example.test' : 'sam@example.test';
  const offers = loser.locator('div', { has: offered(loser) }).last().getByRole('button');
  expect(await offers.count()).toBe(3);
  await offers.first().click();
  await loser.getByRole('button', { name: 'Book this time' }).click();
  await heading(loser, 'You are booked');
  const list = (await owner.client.get(api('/booking/bookings'))).json().items as { id: string; attendeeEmail: string; status: string; startsAt: string; contactId: string }[];
  expect(list.filter((b) => b.status === 'confirmed')).toHaveLength(2);
  expect(new Set(list.map((b) => b.startsAt)).size).toBe(2);
  const meeting = list.find((b) => b.attendeeEmail === winnerEmail)!;

  // The staff member's bookings calendar shows both, day by day.
  const staff = await openPage(browser, server.url, problems, { timezoneId: 'America/New_York' });
  await signIn(staff.page, owner.email, owner.password, `/w/${owner.workspaceId}/booking`);
  await heading(staff.page, 'Booking');
  const calendar = staff.page.getByRole('region', { name: 'Bookings calendar' });
  await expect.poll(() => calendar.getByTestId('calendar-booking').count()).toBe(2);
  if (shots) await staff.page.screenshot({ path: `${shots}/calendar-1280.png`, fullPage: true });
  await staff.page.setViewportSize({ width: 390, height: 844 });
  expect(await noSidewaysScroll(staff.page)).toBe(true);
  if (shots) await calendar.screenshot({ path: `${shots}/calendar-390.png` });
  await staff.page.setViewportSize({ width: 1280, height: 900 });

  // The reminder is a job queued for before the meeting; when its time comes the worker sends it.
  const reminderKey = `booking-reminder:${meeting.id}`;
  const job = (await server.services.database.system.execute<{ run_at: Date }>(sql`SELECT run_at FROM graphile_worker.jobs WHERE key = ${reminderKey}`)).rows[0]!;
  expect(new Date(job.run_at).getTime()).toBeLessThan(new Date(meeting.startsAt).getTime());
  await server.services.database.system.execute(sql`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE key = ${reminderKey}`);
  const reminder = await server.smtp.waitForMail(winnerEmail, (m) => m.subject.startsWith('Reminder:'));
  expect(reminder.attachments.some((a) => a.contentType.startsWith('text/calendar'))).toBe(true);

  // The meeting's time passes; the attendee did not come. Staff mark it in the calendar.
  await server.services.database.system.execute(sql`UPDATE bookings SET starts_at = now() - interval '2 hours', ends_at = now() - interval '90 minutes' WHERE id = ${meeting.id}`);
  await staff.page.reload();
  const ended = staff.page.getByRole('region', { name: 'Ended meetings' });
  const attendeeName = winnerEmail.startsWith('fran') ? 'Fran First' : 'Sam Second';
  await ended.getByRole('button', { name: `Mark ${attendeeName} as a no-show` }).click();
  await ended.getByText('no-show', { exact: true }).waitFor();
  expect((await owner.client.get(api(`/booking/bookings?contactId=${meeting.contactId}`))).json().items[0].status).toBe('no_show');
  // Recovery's "Re-book no-shows" started for that contact.
  await until(async () => ((await owner.client.get(api('/agents/runs?agent=recovery'))).json().items as { task: string; subjectId: string }[]).some((r) => r.task === 'no_shows' && r.subjectId === meeting.contactId), 'Recovery to pick up the no-show');
  expect(problems).toEqual([]);
}, 240_000);
