import { sql } from 'drizzle-orm';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace, TestClient } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { nyWeekday } from './booking.fixtures';
import type { ReceivedMail } from '../../../../test/helpers/smtp-sink';
import { bookingReminderJob } from './booking-mail';

let server: TestServer;
type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
type Member = Awaited<ReturnType<typeof addMember>>;
let owner: Owner;
let staff: Member;
let visitor: TestClient;

beforeAll(async () => {
  server = await startTestServer({ BOOKING_RATE_LIMIT_PER_MINUTE: '1000' });
  owner = await ownerWithWorkspace(server, 'Booking Bakery');
  staff = await addMember(server, owner, 'staff');
  visitor = new TestClient(server.app);
}, 300_000);

const api = (path: string) => `/api/workspaces/${owner.workspaceId}/booking${path}`;
const page = (slug: string, qs = '') => `/api/public/booking/${owner.workspaceId}/${slug}${qs}`;
const weekdays = (start: string, end: string) => [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start, end }));
let slugCounter = 0;

async function schedule(who: Owner | Member = owner, body: Record<string, unknown> = {}) {
  const res = await who.client.post(api('/schedules'), { name: 'Working hours', timeZone: 'America/New_York', weekly: weekdays('09:00', '17:00'), overrides: [], ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; userId: string };
}

async function eventType(body: Record<string, unknown> = {}, hosts?: { userId: string; scheduleId: string }[]) {
  const s = hosts ? null : await schedule();
  const res = await owner.client.post(api('/event-types'), {
    slug: `intro-${slugCounter++}`,
    title: '30-minute intro call',
    durationMinutes: 30,
    hosts: hosts ?? [{ userId: s!.userId, scheduleId: s!.id }],
    ...body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; slug: string; publicPath: string };
}


const attendee = (over: Record<string, unknown> = {}) => ({ name: 'Priya Prospect', email: `priya${Math.random().toString(36).slice(2, 8)}@example.test`, timeZone: 'Asia/Kolkata', ...over });

describe('booking pages', () => {
  it('BOOK-1 a visitor sees free slots in their own time zone; no sign-in, nothing about other bookings', async () => {
    const e = await eventType({ bufferBeforeMinutes: 10, bufferAfterMinutes: 10, minNoticeMinutes: 240, dailyCap: 6 });
    const res = await visitor.get(page(e.slug, '?timeZone=Asia/Kolkata&days=14'));
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.title).toBe('30-minute intro call');
    expect(body.slots.length).toBeGreaterThan(0);
    for (const s of body.slots.slice(0, 20)) {
      const local = DateTime.fromISO(s.start).setZone('Asia/Kolkata');
      expect(`${local.toISODate()} ${local.toFormat('HH:mm')}`).toBe(`${s.date} ${s.time}`);
      const ny = DateTime.fromISO(s.start).setZone('America/New_York');
      expect(ny.hour).toBeGreaterThanOrEqual(9);
      expect(ny.weekday).toBeLessThanOrEqual(5);
      expect(new Date(s.start).getTime()).toBeGreaterThan(Date.now() + 4 * 3600_000 - 60_000);
    }
    // A booked slot disappears from the page with its buffers, and the page never names who took it.
    // A day after today, so the hour before it is not inside the minimum notice whatever the time of the run.
    const target = body.slots.find((s: { start: string }) => DateTime.fromISO(s.start).setZone('America/New_York').toFormat('HH:mm') === '11:00' && new Date(s.start).getTime() > Date.now() + 24 * 3600_000);
    expect((await visitor.post(page(e.slug), { start: target.start, ...attendee() })).statusCode).toBe(201);
    const after = await visitor.get(page(e.slug, '?timeZone=Asia/Kolkata&days=14'));
    const starts = after.json().slots.map((s: { start: string }) => s.start);
    const near = (m: number) => new Date(new Date(target.start).getTime() + m * 60_000).toISOString();
    expect(starts).not.toContain(target.start);
    expect(starts).not.toContain(near(-30));
    expect(starts).not.toContain(near(30));
    expect(starts).toContain(near(-60));
    expect(after.body).not.toContain('Priya');
    expect(after.body).not.toContain('@example.test');
  });

  it('BOOK-1 bad input: a past time, inside minimum notice, beyond the window, outside availability, an unknown time zone — each a 400 saying which', async () => {
    const e = await eventType({ minNoticeMinutes: 48 * 60, windowDays: 20 });
    const tryBook = async (start: string, over: Record<string, unknown> = {}) => visitor.post(page(e.slug), { start, ...attendee(over) });
    const codes = {
      past: (await tryBook(new Date(Date.now() - 3600_000).toISOString())).json().error.code,
      notice: (await tryBook(new Date(Date.now() + 3600_000).toISOString())).json().error.code,
      window: (await tryBook(nyWeekday(40))).json().error.code,
      hours: (await tryBook(nyWeekday(7, '20:00'))).json().error.code,
      grid: (await tryBook(nyWeekday(7, '10:07'))).json().error.code,
    };
    expect(codes).toEqual({ past: 'slot_in_the_past', notice: 'slot_inside_minimum_notice', window: 'slot_beyond_window', hours: 'slot_outside_availability', grid: 'slot_outside_availability' });
    const zone = await tryBook(nyWeekday(7), { timeZone: 'Mars/Olympus_Mons' });
    expect(zone.statusCode).toBe(400);
    expect(zone.json().error.details.fields.timeZone).toMatch(/time zone/);
    expect((await visitor.get(page(e.slug, '?timeZone=Nowhere/Land'))).statusCode).toBe(400);
    expect((await owner.client.post(api('/schedules'), { name: 'x', timeZone: 'Not/AZone', weekly: [], overrides: [] })).statusCode).toBe(400);
    expect((await visitor.get(`/api/public/booking/${owner.workspaceId}/no-such-page?timeZone=UTC`)).statusCode).toBe(404);
  });

  it('BOOK-1 a day off by date override removes that day; the daily cap stops a day at its limit', async () => {
    const day = nyWeekday(10, '09:00');
    const date = DateTime.fromISO(day).setZone('America/New_York').toISODate()!;
    const s = await schedule(owner, { overrides: [{ date, intervals: [] }] });
    const e = await eventType({ dailyCap: 2 }, [{ userId: s.userId, scheduleId: s.id }]);
    const slots = (await visitor.get(page(e.slug, `?timeZone=America/New_York&from=${date}&days=5`))).json().slots as { date: string; start: string }[];
    expect(slots.some((x) => x.date === date)).toBe(false);
    const next = slots[0]!;
    for (const start of [next.start, slots[3]!.start]) {
      const r = await visitor.post(page(e.slug), { start, ...attendee() });
      expect(r.statusCode, r.body).toBe(201);
    }
    const after = (await visitor.get(page(e.slug, `?timeZone=America/New_York&from=${next.date}&days=1`))).json().slots;
    expect(after).toEqual([]);
  });
});

describe('no double booking', () => {
  it('BOOK-3 100 visitors at once over HTTP for one slot: exactly one booked, the others 409 with the next three free slots', async () => {
    const e = await eventType({ bufferBeforeMinutes: 10, bufferAfterMinutes: 10 });
    const start = nyWeekday(5, '14:00');
    const t0 = performance.now();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        fetch(`${server.url}${page(e.slug)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ start, ...attendee({ email: `racer${i}@example.test` }) }) }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: { code: string; details: { nextSlots: { start: string }[] } } } })),
      ),
    );
    const settled = performance.now() - t0;
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);
    const refused = results.find((r) => r.status === 409)!;
    expect(refused.body.error!.code).toBe('slot_taken');
    const next = refused.body.error!.details.nextSlots.map((s) => s.start);
    // 14:00 is held with 10-minute buffers: 14:30 touches its buffer, so 15:00 is the next.
    expect(next).toEqual([nyWeekday(5, '15:00'), nyWeekday(5, '15:30'), nyWeekday(5, '16:00')]);
    const [{ n }] = (await server.services.database.system.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM booking_holds WHERE event_type_id = ${e.id} AND released_at IS NULL`)).rows as [{ n: number }];
    expect(n).toBe(1);
    console.info(`BOOK-3 100 concurrent attempts settled in ${Math.round(settled)} ms`);
  });

  it('BOOK-3 the database itself refuses an overlapping hold of one host, buffers included', async () => {
    const e = await eventType();
    const s = nyWeekday(6, '10:00');
    expect((await visitor.post(page(e.slug), { start: s, ...attendee() })).statusCode).toBe(201);
    const [hold] = (await server.services.database.system.execute<{ host_user_id: string }>(sql`SELECT host_user_id FROM booking_holds WHERE event_type_id = ${e.id}`)).rows;
    const insert = server.services.database.system.execute(
      sql`INSERT INTO booking_holds (workspace_id, id, event_type_id, host_user_id, starts_at, ends_at, blocks_from, blocks_until) VALUES (${owner.workspaceId}, gen_random_uuid(), ${e.id}, ${hold!.host_user_id}, ${s}::timestamptz + interval '20 minutes', ${s}::timestamptz + interval '50 minutes', ${s}::timestamptz + interval '20 minutes', ${s}::timestamptz + interval '50 minutes')`,
    );
    await expect(insert).rejects.toMatchObject({ cause: { code: '23P01' } });
  });

  it('BOOK-3 BOOK-1 round-robin gives a time to each free member once, then refuses; collective needs everyone free', async () => {
    const a = await schedule(owner);
    const b = await schedule(staff);
    const hosts = [
      { userId: a.userId, scheduleId: a.id },
      { userId: b.userId, scheduleId: b.id },
    ];
    const rr = await eventType({ assignment: 'round_robin' }, hosts);
    const start = nyWeekday(8, '13:00');
    const first = await visitor.post(page(rr.slug), { start, ...attendee() });
    const second = await visitor.post(page(rr.slug), { start, ...attendee() });
    const third = await visitor.post(page(rr.slug), { start, ...attendee() });
    expect([first.statusCode, second.statusCode, third.statusCode]).toEqual([201, 201, 409]);
    expect(new Set([first.json().hostNames[0], second.json().hostNames[0]]).size).toBe(2);
    // Both are busy at 13:00 now, so a collective event at 13:00 has no slot; at 13:30 both are free.
    const team = await eventType({ assignment: 'collective' }, hosts);
    expect((await visitor.post(page(team.slug), { start, ...attendee() })).statusCode).toBe(409);
    const together = await visitor.post(page(team.slug), { start: nyWeekday(8, '13:30'), ...attendee() });
    expect(together.statusCode).toBe(201);
    expect(together.json().hostNames).toHaveLength(2);
  });

  it('BOOK-3 a group session counts its seats: three attendees share a slot, the fourth is refused', async () => {
    const e = await eventType({ seats: 3, durationMinutes: 60, slotIntervalMinutes: 60 });
    const start = nyWeekday(9, '10:00');
    const results = await Promise.all(Array.from({ length: 4 }, () => visitor.post(page(e.slug), { start, ...attendee() })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 201, 201, 409]);
    const slots = (await visitor.get(page(e.slug, `?timeZone=UTC&from=${start.slice(0, 10)}&days=1`))).json().slots.map((s: { start: string }) => s.start);
    expect(slots).not.toContain(start);
  });
});

describe('bookings in the CRM', () => {
  it('BOOK-3 one email address can book a few times a day with a workspace, not flood a stranger with its mail; another address still books', async () => {
    const e = await eventType();
    const email = `flood${Date.now()}@example.test`;
    const times = ['09:00', '10:00', '11:00', '12:00', '13:00', '14:00'];
    const answers = [];
    for (const [i, time] of times.entries()) answers.push(await visitor.post(page(e.slug), { start: nyWeekday(17, time), ...attendee({ email: i % 2 ? email.toUpperCase() : email }) }));
    expect(answers.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201, 429]);
    expect(answers[5]!.json().error.code).toBe('rate_limited');
    const other = await visitor.post(page(e.slug), { start: nyWeekday(17, '14:00'), ...attendee() });
    expect(other.statusCode, other.body).toBe(201);
  });

  it('BOOK-5 CRM-4 a booking creates the contact, a second by the same email links to it; each meeting is on its timeline', async () => {
    const e = await eventType();
    const email = `Dedupe${Date.now()}@Example.test`;
    const one = await visitor.post(page(e.slug), { start: nyWeekday(11, '10:00'), ...attendee({ email, name: 'Dee Dupe' }) });
    const two = await visitor.post(page(e.slug), { start: nyWeekday(11, '11:00'), ...attendee({ email: email.toLowerCase(), name: 'Dee Dupe' }) });
    expect([one.statusCode, two.statusCode]).toEqual([201, 201]);
    const contacts = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/contacts?limit=200`)).json().items.filter((c: { emails: string[] }) => c.emails.includes(email.toLowerCase()));
    expect(contacts).toHaveLength(1);
    expect(contacts[0].firstName).toBe('Dee');
    const timeline = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/timeline?recordType=contacts&recordId=${contacts[0].id}`)).json().items;
    expect(timeline.filter((a: { kind: string }) => a.kind === 'meeting')).toHaveLength(2);
    expect(timeline[0].subject).toBe('30-minute intro call with Dee Dupe');
    const list = (await owner.client.get(api(`/bookings?contactId=${contacts[0].id}`))).json().items;
    expect(list).toHaveLength(2);
    expect(list[0].eventTitle).toBe('30-minute intro call');
  });

  it('BOOK-4 the cancel link cancels and frees the time; the reschedule link moves it; neither does the other’s job', async () => {
    const e = await eventType();
    const start = nyWeekday(12, '10:00');
    const made = (await visitor.post(page(e.slug), { start, ...attendee() })).json();
    const wrong = await visitor.post(`/api/public/booking/cancel/${made.rescheduleToken}`, {});
    expect(wrong.statusCode, wrong.body).toBe(404);
    expect((await visitor.post(`/api/public/booking/reschedule/${made.cancelToken}`, { start })).statusCode).toBe(404);
    expect((await visitor.post(`/api/public/booking/cancel/${made.cancelToken.slice(0, -2)}xx`, {})).statusCode).toBe(404);
    const view = await visitor.get(`/api/public/booking/manage/${made.cancelToken}`);
    expect(view.json()).toMatchObject({ status: 'confirmed', start });

    // Moved 30 minutes later: its own old time does not stand in the way.
    const moved = await visitor.post(`/api/public/booking/reschedule/${made.rescheduleToken}`, { start: nyWeekday(12, '10:30') });
    expect(moved.statusCode, moved.body).toBe(201);
    expect((await visitor.get(`/api/public/booking/manage/${made.cancelToken}`)).json().status).toBe('rescheduled');
    expect((await visitor.post(`/api/public/booking/reschedule/${made.rescheduleToken}`, { start: nyWeekday(12, '11:00') })).statusCode).toBe(409);
    const slots = (await visitor.get(page(e.slug, `?timeZone=UTC&from=${start.slice(0, 10)}&days=1`))).json().slots.map((s: { start: string }) => s.start);
    expect(slots).toContain(start);
    expect(slots).not.toContain(nyWeekday(12, '10:30'));

    const cancelled = await visitor.post(`/api/public/booking/cancel/${moved.json().cancelToken}`, { reason: 'Something came up' });
    expect(cancelled.statusCode).toBe(204);
    const again = (await visitor.get(page(e.slug, `?timeZone=UTC&from=${start.slice(0, 10)}&days=1`))).json().slots.map((s: { start: string }) => s.start);
    expect(again).toContain(nyWeekday(12, '10:30'));
    expect((await visitor.post(`/api/public/booking/cancel/${moved.json().cancelToken}`, {})).statusCode).toBe(409);
  });

  it('BOOK-4 staff mark a no-show once the meeting has started, not before', async () => {
    const e = await eventType();
    const res = await visitor.post(page(e.slug), { start: nyWeekday(13, "10:00"), ...attendee() });
    expect(res.statusCode, res.body).toBe(201);
    const made = res.json();
    const early = await staff.client.post(api(`/bookings/${made.id}/no-show`));
    expect(early.statusCode, early.body).toBe(409);
    // The meeting is moved into the past as time would.
    await server.services.database.system.execute(sql`UPDATE bookings SET starts_at = now() - interval '1 hour', ends_at = now() - interval '30 minutes' WHERE id = ${made.id}`);
    const marked = await staff.client.post(api(`/bookings/${made.id}/no-show`));
    expect(marked.statusCode, marked.body).toBe(200);
    expect(marked.json().status).toBe('no_show');
  });
});

describe('booking emails', () => {
  /** The invitation as a calendar app reads it. */
  function parseIcs(content: string) {
    const cal = new ICAL.Component(ICAL.parse(content));
    const event = cal.getFirstSubcomponent('vevent')!;
    return {
      method: cal.getFirstPropertyValue('method'),
      uid: event.getFirstPropertyValue('uid'),
      sequence: event.getFirstPropertyValue('sequence'),
      status: event.getFirstPropertyValue('status'),
      start: (event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString(),
      summary: event.getFirstPropertyValue('summary'),
      description: event.getFirstPropertyValue('description'),
      location: event.getFirstPropertyValue('location'),
      attendees: event.getAllProperties('attendee').map((p) => p.getFirstValue()),
      propertyNames: event.getAllProperties().map((p) => p.name),
    };
  }
  const ics = (m: ReceivedMail) => {
    const a = m.attachments.find((x) => x.contentType.startsWith('text/calendar'));
    expect(a, `no ICS in "${m.subject}"`).toBeDefined();
    return parseIcs(a!.content);
  };

  it('BOOK-4 confirmation with an ICS invitation and links; a reschedule sends the same UID with a higher SEQUENCE; a cancel sends METHOD CANCEL; the host hears of each', async () => {
    const e = await eventType({ questions: [{ id: 'topic', label: 'What should we talk about?', kind: 'long_text', required: true }] });
    const email = `ics${Date.now()}@example.test`;
    const start = nyWeekday(14, '10:00');
    const missing = await visitor.post(page(e.slug), { start, ...attendee({ email }) });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.fields['answers.topic']).toBe('Required.');
    const made = await visitor.post(page(e.slug), { start, ...attendee({ email, name: 'Ines Invite' }), answers: { topic: 'Pricing' } });
    expect(made.statusCode, made.body).toBe(201);

    const confirmation = await server.smtp.waitForMail(email, (m) => m.subject.startsWith('Confirmed:'));
    expect(confirmation.subject).toBe('Confirmed: 30-minute intro call with Olive Owner');
    expect(confirmation.text).toContain('(GMT+5:30)');
    const first = ics(confirmation);
    expect(first).toMatchObject({ method: 'REQUEST', sequence: 0, status: 'CONFIRMED', start, summary: '30-minute intro call with Ines Invite' });
    expect(first.attendees).toContain(`mailto:${email}`);
    const links = [...confirmation.text.matchAll(/\/book\/manage\/([\w.-]+)/g)].map((m) => m[1]!);
    expect(links).toEqual([made.json().rescheduleToken, made.json().cancelToken]);
    const hostMail = await server.smtp.waitForMail(owner.email, (m) => m.subject === 'Ines Invite booked 30-minute intro call');
    expect(hostMail.text).toContain('What should we talk about?: Pricing');

    const moved = await visitor.post(`/api/public/booking/reschedule/${links[0]}`, { start: nyWeekday(14, '11:00') });
    expect(moved.statusCode, moved.body).toBe(201);
    const second = ics(await server.smtp.waitForMail(email, (m) => m.subject.startsWith('Rescheduled:')));
    expect(second).toMatchObject({ method: 'REQUEST', uid: first.uid, sequence: 1, start: nyWeekday(14, '11:00') });
    await server.smtp.waitForMail(owner.email, (m) => m.subject === 'Ines Invite rescheduled 30-minute intro call');

    expect((await visitor.post(`/api/public/booking/cancel/${moved.json().cancelToken}`, {})).statusCode).toBe(204);
    const third = ics(await server.smtp.waitForMail(email, (m) => m.subject.startsWith('Cancelled:')));
    expect(third).toMatchObject({ method: 'CANCEL', uid: first.uid, sequence: 2, status: 'CANCELLED' });
    await server.smtp.waitForMail(owner.email, (m) => m.subject === 'Ines Invite cancelled 30-minute intro call');
  });

  it('BOOK-1 BOOK-4 each kind of meeting place reaches the attendee in the mail and the invitation: a video link, a phone number, an address, or the kind in words when none is given', async () => {
    const cases = [
      { locationKind: 'video', locationValue: 'https://meet.example/abc-defg', where: 'Video call: https://meet.example/abc-defg' },
      { locationKind: 'phone', locationValue: '+44 20 7946 0000', where: 'Phone call: +44 20 7946 0000' },
      { locationKind: 'address', locationValue: '12 Baker Street, London', where: '12 Baker Street, London' },
      { locationKind: 'video', locationValue: null, where: 'Video call (the host sends the link)' },
    ];
    for (const [i, c] of cases.entries()) {
      const e = await eventType({ locationKind: c.locationKind, locationValue: c.locationValue });
      const email = `place${i}-${Date.now()}@example.test`;
      const made = await visitor.post(page(e.slug), { start: nyWeekday(18, `${10 + i}:00`), ...attendee({ email }) });
      expect(made.statusCode, made.body).toBe(201);
      const mail = await server.smtp.waitForMail(email, (m) => m.subject.startsWith('Confirmed:'));
      expect(mail.text).toContain(`Where: ${c.where}.`);
      expect(ics(mail).location).toBe(c.where);
    }
  });

  it('BOOK-4 a reminder goes out once before the meeting, with the invitation; none for a cancelled booking', async () => {
    const e = await eventType();
    const email = `remind${Date.now()}@example.test`;
    const made = (await visitor.post(page(e.slug), { start: nyWeekday(15, '10:00'), ...attendee({ email }) })).json();
    const [job] = (await server.services.database.system.execute<{ run_at: Date }>(sql`SELECT run_at FROM graphile_worker.jobs WHERE key = ${`booking-reminder:${made.id}`}`)).rows;
    expect(new Date(job!.run_at).toISOString()).toBe(new Date(new Date(made.start).getTime() - 24 * 3600_000).toISOString());
    await bookingReminderJob.run({ workspaceId: owner.workspaceId, bookingId: made.id }, server.services);
    await bookingReminderJob.run({ workspaceId: owner.workspaceId, bookingId: made.id }, server.services);
    const reminder = await server.smtp.waitForMail(email, (m) => m.subject.startsWith('Reminder:'));
    expect(ics(reminder).method).toBe('REQUEST');
    await server.smtp.waitForMail(email, (m) => m.subject.startsWith('Confirmed:'));
    expect(server.smtp.messages.filter((m) => m.to.includes(email) && m.subject.startsWith('Reminder:'))).toHaveLength(1);

    const other = (await visitor.post(page(e.slug), { start: nyWeekday(15, '11:00'), ...attendee({ email: `no-${email}` }) })).json();
    expect((await visitor.post(`/api/public/booking/cancel/${other.cancelToken}`, {})).statusCode).toBe(204);
    await bookingReminderJob.run({ workspaceId: owner.workspaceId, bookingId: other.id }, server.services);
    await server.smtp.waitForMail(`no-${email}`, (m) => m.subject.startsWith('Cancelled:'));
    expect(server.smtp.messages.some((m) => m.to.includes(`no-${email}`) && m.subject.startsWith('Reminder:'))).toBe(false);
  });

  it('BOOK-4 a name or an answer with line breaks cannot add a header to the email or a line to the ICS', async () => {
    const e = await eventType({ questions: [{ id: 'notes', label: 'Notes', kind: 'long_text', required: false }] });
    const email = `inject${Date.now()}@example.test`;
    const name = 'Mallory\r\nBcc: victim@example.test\r\nATTENDEE:mailto:victim@example.test';
    const made = await visitor.post(page(e.slug), { start: nyWeekday(16, '10:00'), ...attendee({ email, name }), answers: { notes: 'hi\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nATTENDEE:mailto:victim@example.test\nX-EVIL:1' } });
    expect(made.statusCode, made.body).toBe(201);
    const mail = await server.smtp.waitForMail(email, (m) => m.subject.startsWith('Confirmed:'));
    const hostMail = await server.smtp.waitForMail(owner.email, (m) => m.subject.startsWith('Mallory'));
    for (const m of [mail, hostMail]) {
      const headerBlock = m.raw.split(/\r?\n\r?\n/)[0]!;
      expect(headerBlock).not.toMatch(/^bcc:/im);
      expect(m.to).not.toContain('victim@example.test');
      const parsed = ics(m);
      expect(parsed.attendees).toEqual([`mailto:${email}`]);
      expect(parsed.propertyNames).not.toContain('x-evil');
      expect(parsed.summary).toBe('30-minute intro call with Mallory Bcc: victim@example.test ATTENDEE:mailto:victim@example.test');
    }
    expect(server.smtp.messages.some((m) => m.to.includes('victim@example.test'))).toBe(false);
  });
});
