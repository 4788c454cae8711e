import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { startFakeAi, type FakeAi } from '../../../../test/fakes/ai';
import { ownerWithWorkspace, TestClient } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { nyWeekday } from './booking.fixtures';

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

describe('no-shows to Recovery', () => {
  it('BOOK-4 AI-5 a no-show feeds Recovery: find_no_shows lists who missed a meeting (not those who booked again) with the booking link, and the re-booking email waits for approval', async () => {
    const nora = await missed('Nora Noshow', 'nora@example.test', 2);
    const rebooked = await missed('Rita Rebooked', 'rita@example.test', 3);
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
});
