import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGoogleCalendar } from '../../../../test/fakes/google-calendar';
import { ownerWithWorkspace, TestClient } from '../../../../test/helpers/client';
import { startSecondInstance, startTestServer, type TestServer } from '../../../../test/helpers/server';
import { renewCalendarChannels } from '../integrations/calendar-channels';
import { accessToken } from '../integrations';
import { nyWeekday } from './booking.fixtures';
import { until } from '../../../../test/helpers/wait';
import { LONG } from '../../../../test/helpers/odd-bodies';

let server: TestServer;
let google: FakeGoogleCalendar;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let visitor: TestClient;
let slug: string;

const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;
const page = (qs = '') => `/api/public/booking/${owner.workspaceId}/${slug}${qs}`;
const attendee = () => ({ name: 'Gia Google', email: `gia${Math.random().toString(36).slice(2, 8)}@example.test`, timeZone: 'Europe/London' });


beforeAll(async () => {
  google = await new FakeGoogleCalendar().start();
  server = await startTestServer({
    GOOGLE_CLIENT_ID: google.clientId,
    GOOGLE_CLIENT_SECRET: google.clientSecret,
    GOOGLE_OAUTH_AUTHORIZE_URL: `${google.url}/o/oauth2/v2/auth`,
    GOOGLE_OAUTH_TOKEN_URL: `${google.url}/token`,
    GOOGLE_OAUTH_REVOKE_URL: `${google.url}/revoke`,
    GOOGLE_API_ROOT_URL: `${google.url}/`,
    BOOKING_RATE_LIMIT_PER_MINUTE: '1000',
  });
  owner = await ownerWithWorkspace(server, 'Calendar Cafe');
  visitor = new TestClient(server.app);
  const s = (await owner.client.post(api('/booking/schedules'), { name: 'Hours', timeZone: 'America/New_York', weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })), overrides: [] })).json();
  const e = await owner.client.post(api('/booking/event-types'), { slug: 'intro', title: 'Intro call', durationMinutes: 30, hosts: [{ userId: s.userId, scheduleId: s.id }] });
  expect(e.statusCode, e.body).toBe(201);
  slug = e.json().slug;
}, 300_000);
afterAll(async () => google?.stop());

async function connect() {
  const start = await owner.client.post(api('/integrations/google_calendar/connect'));
  expect(start.statusCode, start.body).toBe(200);
  const consent = new URL(start.json().authorizationUrl);
  expect(consent.searchParams.get('scope')).toBe('https://www.googleapis.com/auth/calendar.freebusy https://www.googleapis.com/auth/calendar.events');
  expect(consent.searchParams.get('code_challenge_method')).toBe('S256');
  // The person consents at Google, which sends the browser back with a code and the state.
  const back = await fetch(consent, { redirect: 'manual' });
  const callback = new URL(back.headers.get('location')!);
  const landed = await owner.client.get(`${callback.pathname}${callback.search}`);
  expect(landed.statusCode, landed.body).toBe(302);
  return { callback };
}

describe('Google Calendar', () => {
  it('INT-1 BOOK-2 SEC-2 connecting: PKCE and a single-use state, only the booking scopes, tokens sealed at rest', async () => {
    const { callback } = await connect();
    const status = (await owner.client.get(api('/integrations'))).json().items;
    expect(status).toEqual([expect.objectContaining({ provider: 'google_calendar', status: 'connected', scopes: ['https://www.googleapis.com/auth/calendar.freebusy', 'https://www.googleapis.com/auth/calendar.events'] })]);
    // The same state cannot be used twice, nor by another signed-in person.
    expect((await owner.client.get(`${callback.pathname}${callback.search}`)).statusCode).toBe(400);
    const tokenCall = google.requests.find((r) => r.path === '/token') as { body: Record<string, string> };
    expect(tokenCall.body.code_verifier).toMatch(/^[\w-]{43,128}$/);
    const row = (await server.services.database.system.execute<{ a: string; r: string }>(sql`SELECT access_token_sealed a, refresh_token_sealed r FROM integration_connections WHERE workspace_id = ${owner.workspaceId}`)).rows[0]!;
    expect(row.a).toMatch(/^v1\./);
    expect(row.r).toMatch(/^v1\./);
    expect(row.a).not.toContain('ya29.');
  });

  it('BOOK-2 busy times in Google are not offered; a booking creates the event, a reschedule updates it, a cancel deletes it — through the official client library', async () => {
    google.busy = [{ start: nyWeekday(3, '10:00'), end: nyWeekday(3, '11:00') }];
    const date = nyWeekday(3, '09:00').slice(0, 10);
    const slots = (await visitor.get(page(`?timeZone=America/New_York&from=${date}&days=1`))).json().slots.map((s: { start: string }) => s.start);
    expect(slots).toContain(nyWeekday(3, '09:30'));
    expect(slots).not.toContain(nyWeekday(3, '10:00'));
    expect(slots).not.toContain(nyWeekday(3, '10:30'));
    expect((await visitor.post(page(), { start: nyWeekday(3, '10:30'), ...attendee() })).statusCode).toBe(409);
    const freeBusy = google.apiCalls().find((r) => r.path === '/calendar/v3/freeBusy')!;
    expect(freeBusy.headers.authorization).toMatch(/^Bearer ya29\./);

    const made = await visitor.post(page(), { start: nyWeekday(3, '13:00'), ...attendee() });
    expect(made.statusCode, made.body).toBe(201);
    const event = await until(() => [...google.events.values()].find((e) => e.start?.dateTime === nyWeekday(3, '13:00')), 'the event in Google');
    expect(event.summary).toBe('Intro call with Gia Google');
    expect(event.iCalUID).toBe(`${made.json().id}@kestrel`);
    const moved = await visitor.post(`/api/public/booking/reschedule/${made.json().rescheduleToken}`, { start: nyWeekday(3, '14:00') });
    expect(moved.statusCode, moved.body).toBe(201);
    await until(() => event.start?.dateTime === nyWeekday(3, '14:00') && event.sequence === 1, 'the event moved in Google', 90_000);
    expect(google.events.size).toBe(1);
    expect((await visitor.post(`/api/public/booking/cancel/${moved.json().cancelToken}`, {})).statusCode).toBe(204);
    await until(() => event.status === 'cancelled', 'the event cancelled in Google', 90_000);
  });

  it('BOOK-2 a booking moved before its first sync saved the Google event’s id still ends as one event in Google, at the new time (no duplicate, no stale old time)', async () => {
    google.busy = [];
    const made = await visitor.post(page(), { start: nyWeekday(11, '13:00'), ...attendee() });
    expect(made.statusCode, made.body).toBe(201);
    const uid = `${made.json().id}@kestrel`;
    const live = () => [...google.events.values()].filter((e) => e.iCalUID === uid && e.status !== 'cancelled');
    await until(async () => live().length === 1 && (await owner.client.get(api(`/booking/bookings?from=${encodeURIComponent(nyWeekday(11, '00:00'))}`))).json().items.find((b: { id: string }) => b.id === made.json().id)?.calendarSynced, 'the first sync');
    // The race: the event exists in Google, but the booking has not recorded its id yet.
    await server.services.database.system.execute(sql`UPDATE bookings SET calendar_events = '{}'::jsonb WHERE id = ${made.json().id}`);
    const moved = await visitor.post(`/api/public/booking/reschedule/${made.json().rescheduleToken}`, { start: nyWeekday(11, '15:00') });
    expect(moved.statusCode, moved.body).toBe(201);
    await until(async () => (await owner.client.get(api(`/booking/bookings?from=${encodeURIComponent(nyWeekday(11, '00:00'))}`))).json().items.find((b: { id: string }) => b.id === moved.json().id)?.calendarSynced, 'the moved booking synced');
    expect(live()).toHaveLength(1);
    expect(live()[0]!.start?.dateTime).toBe(nyWeekday(11, '15:00'));
    expect(live()[0]!.sequence).toBe(1);
  });

  it('BOOK-2 a Google outage: the visitor still books from Kestrel’s own data, the booking reads "not yet synced", and a job syncs it later', async () => {
    google.busy = [];
    google.failNext(3);
    const start = nyWeekday(4, '10:00');
    const made = await visitor.post(page(), { start, ...attendee() });
    expect(made.statusCode, made.body).toBe(201);
    const listed = (await owner.client.get(api(`/booking/bookings?from=${encodeURIComponent(start)}`))).json().items.find((b: { id: string }) => b.id === made.json().id);
    expect(listed.calendarSynced).toBe(false);
    await until(() => [...google.events.values()].find((e) => e.start?.dateTime === start), 'the event after the outage', 60_000);
    await until(async () => (await owner.client.get(api(`/booking/bookings?from=${encodeURIComponent(start)}`))).json().items.find((b: { id: string }) => b.id === made.json().id).calendarSynced, 'synced');
  });

  it('BOOK-2 busy times are cached: pages reuse one read, a booking checks Google afresh, Kestrel’s own write refreshes it, and a Google outage serves the last read with a notice', async () => {
    // Notifications of earlier writes have all arrived: nothing drops the cache behind the test's back.
    await google.delivered();
    const day = 6;
    const date = nyWeekday(day, '09:00').slice(0, 10);
    const freeBusyCalls = () => google.apiCalls().filter((r) => r.path === '/calendar/v3/freeBusy').length;
    const open = async () => {
      const r = await visitor.get(page(`?timeZone=America/New_York&from=${date}&days=1`));
      expect(r.statusCode, r.body).toBe(200);
      return { starts: r.json().slots.map((s: { start: string }) => s.start) as string[], notice: r.json().calendarNotice as string | null };
    };
    google.busy = [{ start: nyWeekday(day, '10:00'), end: nyWeekday(day, '11:00') }];
    await open();
    const calls = freeBusyCalls();
    const first = await open();
    expect(first.starts).not.toContain(nyWeekday(day, '10:00'));
    expect(first.notice).toBeNull();
    // A second visitor, and another day within five weeks: no new call to Google.
    await visitor.get(page(`?timeZone=Europe/Paris&from=${nyWeekday(day + 3, '09:00').slice(0, 10)}&days=7`));
    expect(freeBusyCalls()).toBe(calls);

    // Someone adds a meeting in Google: the page may show that time for up to a minute, but booking it asks Google and refuses.
    google.busy.push({ start: nyWeekday(day, '15:00'), end: nyWeekday(day, '16:00') });
    expect((await open()).starts).toContain(nyWeekday(day, '15:00'));
    const refused = await visitor.post(page(), { start: nyWeekday(day, '15:00'), ...attendee() });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(freeBusyCalls()).toBeGreaterThan(calls);

    // A booking: once its event is written to Google, the page reads Google again.
    const made = await visitor.post(page(), { start: nyWeekday(day, '13:00'), ...attendee() });
    expect(made.statusCode, made.body).toBe(201);
    await until(() => [...google.events.values()].find((e) => e.start?.dateTime === nyWeekday(day, '13:00')), 'the event in Google');
    await until(async () => (await owner.client.get(api(`/booking/bookings?from=${encodeURIComponent(nyWeekday(day, '13:00'))}`))).json().items.find((b: { id: string }) => b.id === made.json().id)?.calendarSynced, 'synced');

    // Google is down now: the slots still leave out what Google said was busy, and say they rest on an earlier read.
    google.failNext(1);
    const down = await open();
    expect(down.starts).not.toContain(nyWeekday(day, '10:00'));
    expect(down.starts).not.toContain(nyWeekday(day, '15:00'));
    expect(down.starts).not.toContain(nyWeekday(day, '13:00'));
    expect(down.starts).toContain(nyWeekday(day, '14:00'));
    expect(down.notice).toMatch(/^The calendar could not be checked just now; these times are as of \d\d:\d\d\./);
    // Back up: a fresh read, no notice.
    const before = freeBusyCalls();
    const up = await open();
    expect(freeBusyCalls()).toBe(before + 1);
    expect(up.notice).toBeNull();
  });

  it('BOOK-2 connecting opens a Google push channel; a change in Google drops the cached busy times at once, on every instance; forged or unknown notifications change nothing', async () => {
    const db = server.services.database.system;
    const channel = await until(() => google.openChannels()[0], 'the watch channel');
    expect(channel.address).toBe(`${server.url}/api/integrations/google-calendar/notifications`);
    expect(channel.token).toMatch(new RegExp(`^${owner.workspaceId}\\.[\\w-]{32}$`));
    // The row gets Google's resource id once Google has answered the watch.
    const rows = await until(async () => {
      const r = (await db.execute<{ id: string; resource_id: string | null; token_hash: string }>(sql`SELECT id, resource_id, token_hash FROM integration_calendar_channels WHERE workspace_id = ${owner.workspaceId}`)).rows;
      return r.length === 1 && r[0]!.resource_id ? r : null;
    }, 'the channel row complete');
    expect(rows).toEqual([{ id: channel.id, resource_id: channel.resourceId, token_hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(rows[0]!.token_hash).not.toContain(channel.token!.split('.')[1]);
    await google.delivered();
    expect(google.notifications.find((n) => n.channelId === channel.id && n.state === 'sync')?.status).toBe(204);

    const day = 9;
    const date = nyWeekday(day, '09:00').slice(0, 10);
    const freeBusyCalls = () => google.apiCalls().filter((r) => r.path === '/calendar/v3/freeBusy').length;
    const second = await startSecondInstance(server);
    const open = async (base: string) => {
      const r = await fetch(`${base}${page(`?timeZone=America/New_York&from=${date}&days=1`)}`);
      expect(r.status).toBe(200);
      return ((await r.json()) as { slots: { start: string }[] }).slots.map((s) => s.start);
    };
    google.busy = [];
    expect(await open(server.url)).toContain(nyWeekday(day, '10:00'));
    const calls = freeBusyCalls();
    // Another instance (or this one after a restart) uses the same read: the cache is a table.
    expect(await open(second.url)).toContain(nyWeekday(day, '10:00'));
    expect(freeBusyCalls()).toBe(calls);

    const post = (headers: Record<string, string>) => fetch(`${second.url}/api/integrations/google-calendar/notifications`, { method: 'POST', headers });
    const base = { 'X-Goog-Channel-ID': channel.id, 'X-Goog-Resource-ID': channel.resourceId, 'X-Goog-Resource-State': 'exists', 'X-Goog-Message-Number': '9' };
    const forged = await post({ ...base, 'X-Goog-Channel-Token': `${owner.workspaceId}.not-the-secret` });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({ error: { code: 'unauthenticated', message: 'The notification is not signed.', details: {} } });
    expect((await post({ ...base })).status).toBe(401);
    expect((await post({ ...base, 'X-Goog-Channel-ID': '01890000-0000-7000-8000-000000000000', 'X-Goog-Channel-Token': channel.token! })).status).toBe(404);
    expect((await post({ ...base, 'X-Goog-Resource-ID': 'another-resource', 'X-Goog-Channel-Token': channel.token! })).status).toBe(404);
    expect((await post({ ...base, 'X-Goog-Channel-Token': `not-a-workspace.${channel.token!.split('.')[1]}` })).status).toBe(401);
    // None of them dropped the cache.
    await open(server.url);
    expect(freeBusyCalls()).toBe(calls);

    // Someone books 10:00 in Google itself: Google posts to the channel, and both instances stop offering it at once.
    google.changeOutside([{ start: nyWeekday(day, '10:00'), end: nyWeekday(day, '11:00') }]);
    const delivered = await google.delivered();
    expect(delivered.at(-1)).toEqual({ channelId: channel.id, state: 'exists', status: 204 });
    expect(await open(second.url)).not.toContain(nyWeekday(day, '10:00'));
    expect(freeBusyCalls()).toBe(calls + 1);
    expect(await open(server.url)).not.toContain(nyWeekday(day, '10:00'));
    expect(freeBusyCalls()).toBe(calls + 1);
    await second.close();
  });

  it('INT-4 BOOK-2 a Google Calendar notification with the right channel token but another shape (odd body, odd or oversized headers) is ignored or refused with a 4xx, never a 500', async () => {
    const channel = await until(() => google.openChannels()[0], 'the watch channel');
    const url = `${server.url}/api/integrations/google-calendar/notifications`;
    const good = { 'X-Goog-Channel-ID': channel.id, 'X-Goog-Channel-Token': channel.token!, 'X-Goog-Resource-ID': channel.resourceId, 'X-Goog-Resource-State': 'exists' };
    const json = { 'content-type': 'application/json' };
    const tries: [string, Record<string, string>, string | undefined][] = [
      ['body null', { ...good, ...json }, 'null'],
      ['body []', { ...good, ...json }, '[]'],
      ['body "x"', { ...good, ...json }, '"x"'],
      ['body {}', { ...good, ...json }, '{}'],
      ['body not JSON', { ...good, ...json }, '{'],
      ['body text of 10,000 chars', { ...good, 'content-type': 'text/plain' }, LONG],
      ['body of another type', { ...good, 'content-type': 'application/octet-stream' }, 'x'],
      ['resource state of 10,000 chars', { ...good, 'X-Goog-Resource-State': LONG }, undefined],
      ['resource state unknown', { ...good, 'X-Goog-Resource-State': 'exploded' }, undefined],
      ['resource id of 10,000 chars', { ...good, 'X-Goog-Resource-ID': LONG }, undefined],
      ['token of 10,000 chars', { ...good, 'X-Goog-Channel-Token': `${channel.token!}${LONG}` }, undefined],
      ['channel id of 10,000 chars', { ...good, 'X-Goog-Channel-ID': LONG }, undefined],
      ['message number 1e20', { ...good, 'X-Goog-Message-Number': '1e20' }, undefined],
      ['token naming a workspace that does not exist', { ...good, 'X-Goog-Channel-Token': `01890000-0000-7000-8000-000000000000.${channel.token!.split('.')[1]}` }, undefined],
      ['token a dot only', { ...good, 'X-Goog-Channel-Token': '.' }, undefined],
    ];
    const wrong: { name: string; status: number; text: string }[] = [];
    for (const [name, headers, body] of tries) {
      const r = await fetch(url, { method: 'POST', headers, ...(body === undefined ? {} : { body }) });
      const text = await r.text();
      const shaped = r.status < 400 || (() => { try { return typeof JSON.parse(text).error?.code === 'string'; } catch { return false; } })();
      if (r.status >= 500 || !shaped) wrong.push({ name, status: r.status, text: text.slice(0, 300) });
    }
    expect(wrong).toEqual([]);
  });

  it('BOOK-2 a channel close to expiry is renewed by the hourly job: a new one opens, then the old one is stopped', async () => {
    const db = server.services.database.system;
    const old = google.openChannels()[0]!;
    await db.execute(sql`UPDATE integration_calendar_channels SET expires_at = now() + interval '2 hours' WHERE workspace_id = ${owner.workspaceId}`);
    expect(await renewCalendarChannels(server.services)).toBeGreaterThanOrEqual(1);
    await until(() => old.stopped && google.openChannels().length === 1, 'the channel renewed');
    const renewed = google.openChannels()[0]!;
    expect(renewed.id).not.toBe(old.id);
    // The old row goes once Google has answered the stop.
    const ids = async () => (await db.execute<{ id: string }>(sql`SELECT id FROM integration_calendar_channels WHERE workspace_id = ${owner.workspaceId}`)).rows.map((r) => r.id);
    await until(async () => (await ids()).length === 1, 'the old channel row removed');
    expect(await ids()).toEqual([renewed.id]);
    // Nothing else is due now.
    expect(await renewCalendarChannels(server.services)).toBe(0);
  });

  it('INT-1 callers asking for an expired token at once share one refresh', async () => {
    await server.services.database.system.execute(sql`UPDATE integration_connections SET access_expires_at = now() - interval '1 minute' WHERE workspace_id = ${owner.workspaceId}`);
    const refreshes = () => google.requests.filter((r) => r.path === '/token' && (r.body as Record<string, string>).grant_type === 'refresh_token').length;
    const before = refreshes();
    const tokens = await Promise.all([1, 2, 3].map(() => accessToken(server.services, owner.workspaceId, owner.userId, 'google_calendar')));
    expect(refreshes()).toBe(before + 1);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).toMatch(/^ya29\./);
  });

  it('INT-1 an expired access token is refreshed; disconnecting stops every call at once', async () => {
    await server.services.database.system.execute(sql`UPDATE integration_connections SET access_expires_at = now() - interval '1 minute' WHERE workspace_id = ${owner.workspaceId}`);
    const before = google.requests.filter((r) => r.path === '/token' && (r.body as Record<string, string>).grant_type === 'refresh_token').length;
    expect((await visitor.get(page('?timeZone=UTC&days=3'))).statusCode).toBe(200);
    expect(google.requests.filter((r) => r.path === '/token' && (r.body as Record<string, string>).grant_type === 'refresh_token').length).toBe(before + 1);

    const channel = google.openChannels()[0]!;
    expect((await owner.client.delete(api('/integrations/google_calendar'))).statusCode).toBe(204);
    // BOOK-2: the push channel was stopped with the last token, and nothing of the calendar is kept.
    expect(channel.stopped).toBe(true);
    expect(google.calls('/calendar/v3/channels/stop').at(-1)!.body).toEqual({ id: channel.id, resourceId: channel.resourceId });
    const left = (await server.services.database.system.execute<{ n: number }>(sql`SELECT (SELECT count(*) FROM integration_calendar_channels WHERE workspace_id = ${owner.workspaceId}) + (SELECT count(*) FROM integration_calendar_busy WHERE workspace_id = ${owner.workspaceId}) AS n`)).rows[0]!;
    expect(Number(left.n)).toBe(0);
    const calls = google.apiCalls().length;
    const made = await visitor.post(page(), { start: nyWeekday(5, '10:00'), ...attendee() });
    expect(made.statusCode).toBe(201);
    await until(async () => (await owner.client.get(api(`/booking/bookings?from=${encodeURIComponent(nyWeekday(5, '10:00'))}`))).json().items[0]?.calendarSynced, 'the sync job to finish');
    expect(google.apiCalls().length).toBe(calls);
    expect((await owner.client.get(api('/integrations'))).json().items[0].status).toBe('disconnected');
  });

  it('INT-1 a malformed state is a 400, and a refused code exchange is a 4xx that still uses up the state', async () => {
    const dashes = await owner.client.get(`/api/integrations/oauth/callback?state=${'-'.repeat(36)}.x&code=abc`);
    expect(dashes.statusCode).toBe(400);
    expect(dashes.json().error.code).toBe('oauth_state_invalid');

    const start = await owner.client.post(api('/integrations/google_calendar/connect'));
    const back = await fetch(new URL(start.json().authorizationUrl), { redirect: 'manual' });
    const callback = new URL(back.headers.get('location')!);
    const state = callback.searchParams.get('state')!;
    const refused = await owner.client.get(`/api/integrations/oauth/callback?state=${encodeURIComponent(state)}&code=not-a-code-google-issued`);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({ code: 'oauth_exchange_failed', message: expect.stringMatching(/\.$/) });
    // The state was used by the failed attempt: the real code cannot ride on it afterwards.
    const replay = await owner.client.get(`${callback.pathname}${callback.search}`);
    expect(replay.statusCode).toBe(400);
    expect(replay.json().error.code).toBe('oauth_state_invalid');
  });
});
