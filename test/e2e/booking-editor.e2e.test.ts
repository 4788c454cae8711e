import { DateTime } from 'luxon';
import type { Browser } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace } from '../helpers/client';
import { heading, noSidewaysScroll, openPage, signIn, startBrowserSuite } from '../helpers/browser';
import { type TestServer } from '../helpers/server';

/**
 * BOOK-1's editors in a real browser: an owner opens an event type and sets every rule (buffers
 * before and after, notice, caps, seats, a second host all together, a video link, a question),
 * then edits weekly hours with two intervals on a day and a day off by date. What is saved is
 * read back from the API; the page is looked at at desktop and phone width.
 */
let server: TestServer;
let browser: Browser;
const problems: string[] = [];
const shots = process.env.BOOKING_SCREENSHOTS ?? '';

beforeAll(async () => ({ server, browser } = await startBrowserSuite()), 300_000);

it('BOOK-1 the event-type editor sets buffers, notice, caps, seats, collective hosts, location and questions; the hours editor sets several intervals a day and a day off', async () => {
  const owner = await ownerWithWorkspace(server, 'Editor Electric');
  const staff = await addMember(server, owner, 'staff');
  const api = (path: string) => `/api/workspaces/${owner.workspaceId}/booking${path}`;
  const weekly = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' }));
  const mine = (await owner.client.post(api('/schedules'), { name: 'Office hours', timeZone: 'America/New_York', weekly, overrides: [] })).json();
  const theirs = await staff.client.post(api('/schedules'), { name: 'Field hours', timeZone: 'America/New_York', weekly, overrides: [] });
  expect(theirs.statusCode, theirs.body).toBe(201);
  const created = await owner.client.post(api('/event-types'), { slug: 'site-visit', title: 'Site visit planning', durationMinutes: 30, hosts: [{ userId: mine.userId, scheduleId: mine.id }] });
  expect(created.statusCode, created.body).toBe(201);

  const { page } = await openPage(browser, server.url, problems, { timezoneId: 'America/New_York' });
  const bookingPath = `/w/${owner.workspaceId}/booking`;
  await signIn(page, owner.email, owner.password, bookingPath);
  await heading(page, 'Booking');

  // The event type: every rule, a second host all together, a video link and a required question.
  await page.getByRole('button', { name: 'Edit Site visit planning' }).click();
  const editor = page.getByRole('form', { name: 'Edit Site visit planning' });
  await editor.getByLabel('Buffer before (minutes)').fill('5');
  await editor.getByLabel('Buffer after (minutes)').fill('15');
  await editor.getByLabel('Minimum notice (hours)').fill('4');
  await editor.getByLabel('At most a day').fill('6');
  await editor.getByLabel('At most a week').fill('20');
  await editor.getByLabel('Start times every (minutes)').fill('15');
  await editor.getByLabel('staff person').check();
  await editor.getByLabel('With several hosts').selectOption('collective');
  await editor.getByLabel('Where').selectOption('video');
  await editor.getByLabel('Video link').fill('https://meet.example/site-visit');
  await editor.getByRole('button', { name: 'Add a question' }).click();
  await editor.getByLabel('Question 1', { exact: true }).fill('Which site is it?');
  await editor.getByLabel('Required').check();
  if (shots) await page.screenshot({ path: `${shots}/type-editor-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await noSidewaysScroll(page)).toBe(true);
  if (shots) await page.screenshot({ path: `${shots}/type-editor-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  // From the keyboard: Enter in a field saves.
  await editor.getByLabel('Title').press('Enter');
  await editor.waitFor({ state: 'detached' });
  const saved = (await owner.client.get(api(`/event-types/${created.json().id}`))).json();
  expect(saved).toMatchObject({
    bufferBeforeMinutes: 5, bufferAfterMinutes: 15, minNoticeMinutes: 240, dailyCap: 6, weeklyCap: 20, slotIntervalMinutes: 15,
    assignment: 'collective', locationKind: 'video', locationValue: 'https://meet.example/site-visit',
  });
  expect(saved.hosts.map((h: { userId: string }) => h.userId).sort()).toEqual([mine.userId, staff.userId].sort());
  expect(saved.questions).toEqual([expect.objectContaining({ label: 'Which site is it?', kind: 'text', required: true })]);

  // A refused value is shown at its field: seats with collective hosts.
  await page.getByRole('button', { name: 'Edit Site visit planning' }).click();
  await editor.getByLabel('Seats per time').fill('3');
  await editor.getByRole('button', { name: 'Save changes' }).click();
  await editor.getByText('Group seats are for personal and round-robin event types.').waitFor();
  await editor.getByRole('button', { name: 'Cancel' }).click();

  // Hours: a lunch break on Monday and a day off next week.
  await page.getByRole('button', { name: 'Edit hours Office hours' }).click();
  const hours = page.getByRole('form', { name: 'Edit hours: Office hours' });
  await hours.getByLabel('Monday to, interval 1').fill('12:00');
  await hours.getByRole('button', { name: 'Add hours on Monday' }).click();
  await hours.getByLabel('Monday from, interval 2').fill('13:00');
  await hours.getByLabel('Monday to, interval 2').fill('17:30');
  await hours.getByRole('button', { name: 'Remove Friday interval 1' }).click();
  await hours.getByRole('button', { name: 'Add a date' }).click();
  const dayOff = DateTime.now().setZone('America/New_York').plus({ days: 9 }).toISODate()!;
  await hours.getByLabel('Date 1', { exact: true }).fill(dayOff);
  if (shots) await page.screenshot({ path: `${shots}/hours-editor-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await noSidewaysScroll(page)).toBe(true);
  if (shots) await page.screenshot({ path: `${shots}/hours-editor-390.png`, fullPage: true });
  await hours.getByRole('button', { name: 'Save hours' }).click();
  await hours.waitFor({ state: 'detached' });
  const schedule = (await owner.client.get(api('/schedules'))).json().items.find((s: { id: string }) => s.id === mine.id);
  expect(schedule.weekly.filter((w: { weekday: number }) => w.weekday === 1)).toEqual([
    { weekday: 1, start: '09:00', end: '12:00' },
    { weekday: 1, start: '13:00', end: '17:30' },
  ]);
  expect(schedule.weekly.some((w: { weekday: number }) => w.weekday === 5)).toBe(false);
  expect(schedule.overrides).toEqual([{ date: dayOff, intervals: [] }]);
  await page.getByText('Mon 09:00–12:00, 13:00–17:30; Tue–Thu 09:00–17:00 · one date differs').waitFor();
  expect(problems).toEqual([]);
}, 240_000);
