import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace, TestClient } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { nyWeekday } from './booking.fixtures';

/**
 * BOOK-1: the team's page and each member's list what can be booked. BOOK-1 / SEC: every public booking route is rate limited per visitor (by IP), before it reads
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

describe('the team’s page and a member’s page', () => {
  it('BOOK-1 the team page lists every active event type that has a host, with its hosts; a member’s page only theirs; nothing about bookings; unknown member or workspace is a 404', async () => {
    const api = (path: string) => `/api/workspaces/${owner.workspaceId}/booking${path}`;
    const staff = await addMember(server, owner, 'staff');
    const hoursOf = async (who: { client: TestClient }) => (await who.client.post(api('/schedules'), { name: 'Hours', timeZone: 'Europe/Berlin', weekly: [{ weekday: 1, start: '09:00', end: '12:00' }], overrides: [] })).json() as { id: string; userId: string };
    const mine = await hoursOf(owner);
    const theirs = await hoursOf(staff);
    const make = async (body: Record<string, unknown>) => {
      const res = await owner.client.post(api('/event-types'), { durationMinutes: 30, ...body });
      expect(res.statusCode, res.body).toBe(201);
    };
    await make({ slug: 'staff-chat', title: 'Chat with staff', locationKind: 'phone', hosts: [{ userId: theirs.userId, scheduleId: theirs.id }] });
    await make({ slug: 'team-demo', title: 'Team demo', assignment: 'round_robin', hosts: [{ userId: mine.userId, scheduleId: mine.id }, { userId: theirs.userId, scheduleId: theirs.id }] });
    await make({ slug: 'retired', title: 'Retired call', active: false, hosts: [{ userId: mine.userId, scheduleId: mine.id }] });

    const visitor = new TestClient(server.app);
    const team = await visitor.get(`/api/public/booking/${owner.workspaceId}`);
    expect(team.statusCode, team.body).toBe(200);
    expect(team.json().workspaceName).toBe('Limits Lodge');
    expect(team.json().hostName).toBeNull();
    const titles = (team.json().pages as { title: string }[]).map((p) => p.title);
    expect(titles).toEqual(['Intro call', 'Chat with staff', 'Team demo']);
    const demo = (team.json().pages as { title: string; hostNames: string[]; assignment: string; path: string }[]).find((p) => p.title === 'Team demo')!;
    expect(demo.assignment).toBe('round_robin');
    expect(demo.hostNames).toHaveLength(2);
    expect(demo.path).toBe(`/book/${owner.workspaceId}/team-demo`);
    // The page names hosts, never who booked (bookings exist from the tests above).
    expect(team.body).not.toContain('@example.test');
    expect(team.body).not.toContain('Visitor');

    const staffPage = await visitor.get(`/api/public/booking/${owner.workspaceId}?host=${theirs.userId}`);
    expect(staffPage.statusCode, staffPage.body).toBe(200);
    expect((staffPage.json().pages as { title: string }[]).map((p) => p.title)).toEqual(['Chat with staff', 'Team demo']);
    // Named after the member: the one host of their personal page.
    expect(staffPage.json().hostName).toBe(staffPage.json().pages[0].hostNames[0]);
    expect(demo.hostNames).toContain(staffPage.json().hostName);

    expect((await visitor.get(`/api/public/booking/${owner.workspaceId}?host=01900000-0000-7000-8000-000000000000`)).statusCode).toBe(404);
    expect((await visitor.get('/api/public/booking/01900000-0000-7000-8000-000000000000')).statusCode).toBe(404);
    // A workspace with nothing to book answers as an unknown one would, without its name.
    const quiet = await ownerWithWorkspace(server, 'Quiet Quarry');
    const none = await visitor.get(`/api/public/booking/${quiet.workspaceId}`);
    expect(none.statusCode).toBe(404);
    expect(none.body).not.toContain('Quiet Quarry');
    expect((await visitor.get(`/api/public/booking/${owner.workspaceId}?host=nope`)).statusCode).toBe(400);
  });
});
