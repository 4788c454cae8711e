import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { startFakeAi, type FakeAi } from '../../../../test/fakes/ai';
import { ownerWithWorkspace, TestClient } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { nyWeekday } from './booking.fixtures';
import { until } from '../../../../test/helpers/wait';

let server: TestServer;
let fake: FakeAi;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let visitor: TestClient;
let slug: string;

const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;
const page = () => `/api/public/booking/${owner.workspaceId}/${slug}`;

beforeAll(async () => {
  fake = await startFakeAi();
  server = await startTestServer({ BOOKING_RATE_LIMIT_PER_MINUTE: '1000' });
  owner = await ownerWithWorkspace(server, 'No-show Studio');
  visitor = new TestClient(server.app);
  // AI-7 / decision 022: a sales email carries the business's postal address.
  expect((await owner.client.patch(`/api/workspaces/${owner.workspaceId}`, { mailingAddress: '7 Harbour Row, Portland ME 04101, USA' })).statusCode).toBe(200);
  const put = await owner.client.request('PUT', api('/ai/provider'), { kind: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-test-0123456789', baseUrl: fake.baseUrl });
  expect(put.statusCode, put.body).toBe(200);
  const s = (await owner.client.post(api('/booking/schedules'), { name: 'Hours', timeZone: 'America/New_York', weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })), overrides: [] })).json();
  const e = await owner.client.post(api('/booking/event-types'), { slug: 'demo', title: 'Product demo', durationMinutes: 30, hosts: [{ userId: s.userId, scheduleId: s.id }] });
  expect(e.statusCode, e.body).toBe(201);
  slug = e.json().slug;
}, 300_000);

/** Books a meeting, lets time pass it, and marks the attendee as a no-show. */
async function missed(name: string, email: string, day: number) {
  const made = await visitor.post(page(), { start: nyWeekday(day, '10:00'), name, email, timeZone: 'Europe/London' });
  expect(made.statusCode, made.body).toBe(201);
  await server.services.database.system.execute(sql`UPDATE bookings SET starts_at = now() - interval '2 hours', ends_at = now() - interval '90 minutes' WHERE id = ${made.json().id}`);
  const marked = await owner.client.post(api(`/booking/bookings/${made.json().id}/no-show`));
  expect(marked.statusCode, marked.body).toBe(200);
  return marked.json() as { contactId: string };
}

type RunSummary = { id: string; agent: string; task: string; status: string; subjectType: string | null; subjectId: string | null };
const recoveryRuns = async (): Promise<RunSummary[]> => ((await owner.client.get(api('/agents/runs?agent=recovery'))).json().items as RunSummary[]).filter((r) => r.task === 'no_shows' && r.subjectType === 'contacts');

describe('no-shows to Recovery', () => {
  it('BOOK-4 AI-5 a no-show feeds Recovery: find_no_shows lists who missed a meeting (not those who booked again) with the booking link, and the re-booking email waits for approval', async () => {
    const nora = await missed('Nora Noshow', 'nora@example.test', 2);
    const rebooked = await missed('Rita Rebooked', 'rita@example.test', 3);
    // Marking each no-show started Recovery for that person in the background (see the next test);
    // let those runs end (the fake answers them "OK") so this run's script is its own.
    await until(async () => (await recoveryRuns()).length === 2 && (await recoveryRuns()).every((r) => r.status !== 'running'), 'the queued Recovery runs to end');
    fake.reset();
    // Rita already picked a new time herself: nothing to win back.
    expect((await visitor.post(page(), { start: nyWeekday(4, '11:00'), name: 'Rita Rebooked', email: 'rita@example.test', timeZone: 'Europe/London' })).statusCode).toBe(201);

    const link = `${server.services.config.publicUrl}/book/${owner.workspaceId}/${slug}`;
    fake.reply(
      { toolCalls: [{ name: 'find_no_shows', input: {} }] },
      {
        toolCalls: [
          {
            name: 'propose_email',
            input: { contactId: nora.contactId, subject: 'Sorry we missed you', body: `Hi Nora,\n\nWe missed you at the product demo. Pick a new time here: ${link}\n\nSam`, rationale: 'Nora missed the demo.' },
          },
        ],
      },
      { toolCalls: [{ name: 'finish', input: { summary: 'One re-booking email drafted.', findings: [{ title: 'Nora missed the demo', detail: 'Re-booking email drafted.', records: [`contacts/${nora.contactId}`] }] } }] },
    );
    const agents = (await owner.client.get(api('/agents'))).json().agents;
    expect(agents.find((a: { name: string }) => a.name === 'recovery').tasks.map((t: { key: string }) => t.key)).toContain('no_shows');
    const run = await owner.client.post(api('/agents/recovery/runs'), { task: 'no_shows', subject: { type: 'workspace' }, background: false });
    expect(run.statusCode, run.body).toBe(200);
    expect(run.json()).toMatchObject({ status: 'succeeded' });

    // What the tool told the model: Nora with the meeting she missed (in her zone) and the link; not Rita.
    const toolResult = JSON.stringify(fake.requests[1]!.body.messages.filter((m: { role: string }) => m.role === 'tool'));
    expect(toolResult).toContain(`[contacts/${nora.contactId}] Nora Noshow — missed \\"Product demo\\"`);
    expect(toolResult).toContain('(Europe/London)');
    expect(toolResult).toContain(`Booking link: ${link}`);
    expect(toolResult).not.toContain(rebooked.contactId);

    const inbox = (await owner.client.get(api('/approvals'))).json();
    expect(inbox.items[0]).toMatchObject({ kind: 'send_email', status: 'pending', agent: 'recovery', payload: expect.objectContaining({ contactId: nora.contactId, body: expect.stringContaining(link) }) });
    expect(server.smtp.mailsTo('nora@example.test').filter((m) => m.subject === 'Sorry we missed you')).toHaveLength(0);
  });

  it('BOOK-4 AI-2 marking a no-show queues Recovery’s "Re-book no-shows" for that contact in the same transaction; the email waits for approval, and goes at once on autopilot', async () => {
    const script = (contactId: string, subject: string) =>
      fake.reply(
        { toolCalls: [{ name: 'find_no_shows', input: { contactId } }] },
        { toolCalls: [{ name: 'propose_email', input: { contactId, subject, body: `We missed you. Pick a new time: ${server.services.config.publicUrl}/book/${owner.workspaceId}/${slug}`, rationale: 'Missed the demo.' } }] },
        { toolCalls: [{ name: 'finish', input: { summary: 'Drafted.', findings: [] } }] },
      );
    const before = (await recoveryRuns()).length;
    // No provider call happens until the run is picked up, so the script can follow the marking.
    const olga = await missedWith('Olga Absent', 'olga@example.test', 5, (contactId) => script(contactId, 'Sorry we missed you, Olga'));
    const runs = await recoveryRuns();
    expect(runs.length).toBe(before + 1);
    const run = runs.find((r) => r.subjectId === olga.contactId)!;
    expect(run).toMatchObject({ agent: 'recovery', task: 'no_shows', subjectType: 'contacts' });
    await until(async () => (await recoveryRuns()).find((r) => r.id === run.id)?.status === 'succeeded', 'the Recovery run');
    const pending = (await owner.client.get(api('/approvals'))).json().items.find((p: { payload: { subject?: string } }) => p.payload.subject === 'Sorry we missed you, Olga');
    expect(pending).toMatchObject({ kind: 'send_email', status: 'pending', agent: 'recovery', payload: expect.objectContaining({ contactId: olga.contactId }) });
    expect(server.smtp.mailsTo('olga@example.test').filter((m) => m.subject === 'Sorry we missed you, Olga')).toHaveLength(0);

    // On autopilot the re-booking email leaves without waiting.
    expect((await owner.client.request('PUT', api('/agents/settings'), { autopilot: ['recovery'], weeklyBrief: false })).statusCode).toBe(200);
    try {
      const pia = await missedWith('Pia Away', 'pia@example.test', 6, (contactId) => script(contactId, 'Sorry we missed you, Pia'));
      const piaRun = (await recoveryRuns()).find((r) => r.subjectId === pia.contactId)!;
      await until(async () => (await recoveryRuns()).find((r) => r.id === piaRun.id)?.status === 'succeeded', 'the autopilot run');
      await until(() => server.smtp.mailsTo('pia@example.test').find((m) => m.subject === 'Sorry we missed you, Pia'), 'the re-booking email');
    } finally {
      await owner.client.request('PUT', api('/agents/settings'), { autopilot: [], weeklyBrief: false });
    }
  });

  it('BOOK-4 a no-show whose follow-up cannot be queued is not marked either (one transaction)', async () => {
    const made = await visitor.post(page(), { start: nyWeekday(7, '10:00'), name: 'Tom Tx', email: 'tom@example.test', timeZone: 'Europe/London' });
    await server.services.database.system.execute(sql`UPDATE bookings SET starts_at = now() - interval '2 hours', ends_at = now() - interval '90 minutes' WHERE id = ${made.json().id}`);
    const { onBookingEvent } = await import('./index');
    const stop = onBookingEvent(async (_tx, _s, e) => {
      if (e.kind === 'no_show') throw new Error('listener failed');
    });
    try {
      const before = (await recoveryRuns()).length;
      expect((await owner.client.post(api(`/booking/bookings/${made.json().id}/no-show`))).statusCode).toBe(500);
      expect((await recoveryRuns()).length).toBe(before);
      const status = (await server.services.database.system.execute<{ status: string }>(sql`SELECT status FROM bookings WHERE id = ${made.json().id}`)).rows[0]!.status;
      expect(status).toBe('confirmed');
    } finally {
      stop();
    }
  });
});

/** Books, lets the meeting pass, scripts the model for the contact, then marks the no-show. */
async function missedWith(name: string, email: string, day: number, scriptFor: (contactId: string) => void) {
  const made = await visitor.post(page(), { start: nyWeekday(day, '10:00'), name, email, timeZone: 'Europe/London' });
  expect(made.statusCode, made.body).toBe(201);
  const [row] = (await server.services.database.system.execute<{ contact_id: string }>(sql`UPDATE bookings SET starts_at = now() - interval '2 hours', ends_at = now() - interval '90 minutes' WHERE id = ${made.json().id} RETURNING contact_id`)).rows;
  scriptFor(row!.contact_id);
  const marked = await owner.client.post(api(`/booking/bookings/${made.json().id}/no-show`));
  expect(marked.statusCode, marked.body).toBe(200);
  return marked.json() as { contactId: string };
}
