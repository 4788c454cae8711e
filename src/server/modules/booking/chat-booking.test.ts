import ICAL from 'ical.js';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ownerWithWorkspace, TestClient } from '../../../../test/helpers/client';
import { startFakeAi, type FakeAi, type FakeRequest } from '../../../../test/fakes/ai';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { waitForWidgetMessage, widgetVisitor } from '../../../../test/helpers/widget-visitor';

let server: TestServer;
let fake: FakeAi;
type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
let owner: Owner;
let plain: Owner;

const SITE = 'https://bakery.example';
const api = (o: { workspaceId: string }, path: string) => `/api/workspaces/${o.workspaceId}${path}`;
const w = (o: { workspaceId: string }, path: string) => `/api/widget/${o.workspaceId}${path}`;
let slugCounter = 0;

/** A visitor on the site; each message it sends must be accepted. */
function visitor(o: { workspaceId: string }) {
  const v = widgetVisitor(server.app, o, SITE);
  return {
    ...v,
    start: () => v.start(`${SITE}/`),
    async send(body: string) {
      const res = await v.send(body);
      expect(res.statusCode, res.body).toBe(200);
    },
  };
}

async function eventType(o: Owner, body: Record<string, unknown> = {}) {
  const s = await o.client.post(api(o, '/booking/schedules'), { name: 'Working hours', timeZone: 'America/New_York', weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })), overrides: [] });
  expect(s.statusCode, s.body).toBe(201);
  const res = await o.client.post(api(o, '/booking/event-types'), { slug: `chat-intro-${slugCounter++}`, title: '30-minute intro call', durationMinutes: 30, bufferBeforeMinutes: 10, bufferAfterMinutes: 10, hosts: [{ userId: s.json().userId, scheduleId: s.json().id }], ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; slug: string };
}

beforeAll(async () => {
  fake = await startFakeAi();
  server = await startTestServer({ BOOKING_RATE_LIMIT_PER_MINUTE: '1000' });
  owner = await ownerWithWorkspace(server, 'Chat Booking Studio');
  const put = await owner.client.request('PUT', api(owner, '/ai/provider'), { kind: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-test-0123456789', baseUrl: fake.baseUrl });
  expect(put.statusCode, put.body).toBe(200);
  expect((await owner.client.patch(api(owner, '/widget-settings'), { allowedOrigins: [SITE] })).statusCode).toBe(200);
  plain = await ownerWithWorkspace(server, 'No AI Studio');
  expect((await plain.client.patch(api(plain, '/widget-settings'), { allowedOrigins: [SITE] })).statusCode).toBe(200);
}, 300_000);

beforeEach(() => fake.reset());

/** What the tools answered, as the model received it in its next request (OpenAI's wire format). */
const toolResults = (r: FakeRequest): string[] => (r.body.messages as { role: string; content: unknown }[]).filter((m) => m.role === 'tool').map((m) => String(m.content));
const listedStarts = (text: string) => [...text.matchAll(/start=([0-9TZ:.-]+)/g)].map((m) => m[1]!);

describe('booking from the chat', () => {
  it('CONV-5 BOOK-5 the assistant offers real free slots and books one for the visitor: same confirmation mail with ICS, a contact with the meeting on its timeline, the chat linked to it', async () => {
    const e = await eventType(owner);
    const email = `chat${Date.now()}@example.test`;
    let offered: string[] = [];
    let pageBefore: string[] = [];
    fake.reply(
      { toolCalls: [{ name: 'list_free_slots', input: { eventType: e.slug, timeZone: 'Europe/Berlin' } }] },
      async (r) => {
        offered = listedStarts(toolResults(r).join('\n'));
        pageBefore = (await new TestClient(server.app).get(`/api/public/booking/${owner.workspaceId}/${e.slug}?timeZone=UTC&days=30`)).json().slots.map((s: { start: string }) => s.start);
        return { toolCalls: [{ name: 'book_slot', input: { eventType: e.slug, start: offered[1], name: 'Bea Booker', email, timeZone: 'Europe/Berlin' } }] };
      },
    );
    const v = visitor(owner);
    const { conversationId } = await v.start();
    await v.send(`I'd like an intro call, the second time you have. I'm Bea Booker, ${email}`);
    const confirmation = await waitForWidgetMessage(v, (m) => m.author === 'assistant');
    expect(confirmation.body).toMatch(/^You're booked: 30-minute intro call on \w+ \d+ \w+ \d{4} at \d\d:\d\d \(Europe\/Berlin\) with Olive Owner\./);
    expect(confirmation.body).toContain(email);

    // The offered times are the booking page's own free slots (the tools declared to the model, and nothing invented).
    expect(fake.requests[0]!.body.tools.map((t: { function: { name: string } }) => t.function.name).sort()).toEqual(['book_slot', 'list_free_slots']);
    expect(offered.length).toBeGreaterThan(3);
    for (const s of offered) expect(pageBefore).toContain(s);
    const page = (await new TestClient(server.app).get(`/api/public/booking/${owner.workspaceId}/${e.slug}?timeZone=UTC&days=30`)).json().slots.map((s: { start: string }) => s.start);
    expect(page).not.toContain(offered[1]); // booked now
    expect(fake.requests).toHaveLength(2); // the confirmation is Kestrel's, not a third model call

    const mail = await server.smtp.waitForMail(email, (m) => m.subject.startsWith('Confirmed:'));
    expect(mail.subject).toBe('Confirmed: 30-minute intro call with Olive Owner');
    const ics = mail.attachments.find((a) => a.filename.endsWith('.ics'))!;
    const vevent = new ICAL.Component(ICAL.parse(ics.content)).getFirstSubcomponent('vevent')!;
    expect(vevent.getFirstPropertyValue('dtstart')!.toString()).toBe(offered[1]!.replace('.000Z', 'Z'));

    const contacts = (await owner.client.get(api(owner, '/contacts?limit=200'))).json().items.filter((c: { emails: string[] }) => c.emails.includes(email));
    expect(contacts).toHaveLength(1);
    const timeline = (await owner.client.get(api(owner, `/timeline?recordType=contacts&recordId=${contacts[0].id}`))).json().items;
    expect(timeline.some((a: { kind: string; subject: string }) => a.kind === 'meeting' && a.subject === '30-minute intro call with Bea Booker')).toBe(true);
    const bookings = (await owner.client.get(api(owner, `/booking/bookings?contactId=${contacts[0].id}`))).json().items;
    expect(bookings.map((b: { startsAt: string }) => b.startsAt)).toEqual([offered[1]]);
    const conv = (await owner.client.get(api(owner, `/conversations/${conversationId}`))).json();
    expect(conv.conversation.contactId).toBe(contacts[0].id);
    expect(conv.visitor).toMatchObject({ name: 'Bea Booker', email });
  });

  it('CONV-5 the assistant books only an address the visitor wrote: a made-up one is refused back to the model and nothing is booked or mailed', async () => {
    const e = await eventType(owner);
    fake.reply(
      { toolCalls: [{ name: 'list_free_slots', input: { eventType: e.slug } }] },
      (r) => ({ toolCalls: [{ name: 'book_slot', input: { eventType: e.slug, start: listedStarts(toolResults(r).join('\n'))[0], name: 'Stan Ger', email: 'stranger@example.test' } }] }),
      (r) => ({ text: toolResults(r).at(-1)!.includes('did not write') ? 'Which email address should the confirmation go to?' : 'booked anyway' }),
    );
    const v = visitor(owner);
    await v.start();
    await v.send(`Book me the first intro call you have please. I'm Sam, sam${Date.now()}@example.test`);
    const reply = await waitForWidgetMessage(v, (m) => m.author === 'assistant');
    expect(reply.body).toBe('Which email address should the confirmation go to?');
    const all = (await owner.client.get(api(owner, '/booking/bookings'))).json().items;
    expect(all.filter((b: { eventTypeId: string }) => b.eventTypeId === e.id)).toEqual([]);
    expect(server.smtp.messages.some((m) => m.to.includes('stranger@example.test'))).toBe(false);
  });

  it('BOOK-3 CONV-5 a time taken meanwhile is refused by the same guard as the page; the model hears the next free times and offers them', async () => {
    const e = await eventType(owner);
    const email = `late${Date.now()}@example.test`;
    let taken = '';
    fake.reply(
      { toolCalls: [{ name: 'list_free_slots', input: { eventType: e.slug } }] },
      async (r) => {
        taken = listedStarts(toolResults(r).join('\n'))[0]!;
        // Someone books that time on the booking page while the visitor is still chatting.
        const other = await new TestClient(server.app).post(`/api/public/booking/${owner.workspaceId}/${e.slug}`, { start: taken, name: 'Quick Quentin', email: `quick${Date.now()}@example.test`, timeZone: 'UTC' });
        expect(other.statusCode, other.body).toBe(201);
        return { toolCalls: [{ name: 'book_slot', input: { eventType: e.slug, start: taken, name: 'Lou Late', email } }] };
      },
      (r) => {
        const said = toolResults(r).at(-1)!;
        return { text: said.startsWith('That time was just taken.') && said.includes('Next free:') ? `That one just went; next free: ${listedStarts(said).join(', ')}` : `unexpected: ${said}` };
      },
    );
    const v = visitor(owner);
    await v.start();
    await v.send(`The first intro call please, I'm Lou Late, ${email}`);
    const reply = await waitForWidgetMessage(v, (m) => m.author === 'assistant');
    expect(reply.body).toMatch(/^That one just went; next free: \S+, \S+, \S+$/);
    expect(listedStarts(reply.body.replace('next free: ', 'start=').replaceAll(', ', ' start='))).not.toContain(taken);
    const mine = (await owner.client.get(api(owner, '/booking/bookings'))).json().items.filter((b: { startsAt: string }) => b.startsAt === taken);
    expect(mine).toHaveLength(1);
  });

  it('CONV-5 AI-8 with no AI provider the widget offers a "Book a time" link to the booking page; without an event type, none', async () => {
    const anon = new TestClient(server.app);
    const before = (await anon.get(w(plain, '/config'), { origin: SITE })).json();
    expect(before).toMatchObject({ assistant: false, bookingPath: null });
    const e = await eventType(plain);
    const after = (await anon.get(w(plain, '/config'), { origin: SITE })).json();
    expect(after).toMatchObject({ assistant: false, bookingPath: `/book/${plain.workspaceId}/${e.slug}` });
    // The path is the public booking page, and its API answers without sign-in.
    const slots = await anon.get(`/api/public/booking/${plain.workspaceId}/${e.slug}?timeZone=UTC`);
    expect(slots.statusCode).toBe(200);
    expect(slots.json().slots.length).toBeGreaterThan(0);
  });
});
