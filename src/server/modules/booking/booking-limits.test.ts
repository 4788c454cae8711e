import { beforeAll, describe, expect, it } from 'vitest';
import { ownerWithWorkspace, TestClient } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { nyWeekday } from './booking.fixtures';

/**
 * BOOK-1 / SEC: every public booking route is rate limited per visitor (by IP), before it reads
 * anything — the page's free times, booking, the reschedule/cancel links and what they show.
 * A small booking limit here (3 a minute) so the test stays short; the page and link limits are fixed.
 */
let server: TestServer;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let slug: string;

beforeAll(async () => {
  server = await startTestServer({ BOOKING_RATE_LIMIT_PER_MINUTE: '3' });
  owner = await ownerWithWorkspace(server, 'Limits Lodge');
  const api = (path: string) => `/api/workspaces/${owner.workspaceId}/booking${path}`;
  const s = (await owner.client.post(api('/schedules'), { name: 'Hours', timeZone: 'America/New_York', weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })), overrides: [] })).json();
  const e = await owner.client.post(api('/event-types'), { slug: 'intro', title: 'Intro call', durationMinutes: 30, hosts: [{ userId: s.userId, scheduleId: s.id }] });
  expect(e.statusCode, e.body).toBe(201);
  slug = e.json().slug;
}, 300_000);

const page = (s = slug) => `/api/public/booking/${owner.workspaceId}/${s}`;
const attendee = (n: number) => ({ name: `Visitor ${n}`, email: `visitor${n}-${Math.random().toString(36).slice(2, 8)}@example.test`, timeZone: 'Europe/London' });

describe('public booking routes are rate limited', () => {
  it('BOOK-1 one visitor books at most the configured number a minute (reschedule and cancel links count too); another visitor still books', async () => {
    const busy = new TestClient(server.app);
    const made = [];
    for (const [i, time] of ['09:00', '10:00', '11:00'].entries()) {
      const res = await busy.post(page(), { start: nyWeekday(5, time), ...attendee(i) });
      expect(res.statusCode, res.body).toBe(201);
      made.push(res.json() as { cancelToken: string; rescheduleToken: string });
    }
    const fourth = await busy.post(page(), { start: nyWeekday(5, '12:00'), ...attendee(4) });
    expect(fourth.statusCode).toBe(429);
    expect(fourth.json().error.code).toBe('rate_limited');
    expect((await busy.post(`/api/public/booking/cancel/${made[0]!.cancelToken}`, {})).statusCode).toBe(429);
    expect((await busy.post(`/api/public/booking/reschedule/${made[0]!.rescheduleToken}`, { start: nyWeekday(5, '13:00') })).statusCode).toBe(429);
    // Nothing was cancelled by the refused call.
    const listed = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/booking/bookings`)).json().items as { status: string }[];
    expect(listed.filter((b) => b.status === 'confirmed')).toHaveLength(3);
    // Someone else is not held back by that visitor.
    const other = await new TestClient(server.app).post(page(), { start: nyWeekday(5, '12:00'), ...attendee(5) });
    expect(other.statusCode, other.body).toBe(201);
  });

  it('BOOK-1 the free-times page answers 120 a minute per visitor and the booking links 60, limited before any lookup', async () => {
    const scraper = new TestClient(server.app);
    // An unknown page: the limit counts before the page is looked up, so guessing pages is limited too.
    for (let i = 0; i < 120; i++) expect((await scraper.get(`${page('no-such-page')}?timeZone=UTC`)).statusCode).toBe(404);
    const over = await scraper.get(`${page()}?timeZone=UTC`);
    expect(over.statusCode).toBe(429);
    expect(over.json().error.code).toBe('rate_limited');
    expect((await new TestClient(server.app).get(`${page()}?timeZone=UTC`)).statusCode).toBe(200);

    const guesser = new TestClient(server.app);
    const forged = `/api/public/booking/manage/${'x'.repeat(43)}`;
    for (let i = 0; i < 60; i++) expect((await guesser.get(forged)).statusCode).toBe(404);
    expect((await guesser.get(forged)).statusCode).toBe(429);
  });
});
