import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 240_000 });
import { startFakeAi, type FakeAi, type FakeRequest } from '../../../../test/fakes/ai';
import { ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { until } from '../../../../test/helpers/wait';
import { waitForWidgetMessage, widgetVisitor } from '../../../../test/helpers/widget-visitor';
import { OFFER_CALL, PROMISE_FOLLOW_UP } from './closer-next-step';

let server: TestServer;
let fake: FakeAi;
type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
const SITE = 'https://bakery.example';
const api = (o: Owner, path: string) => `/api/workspaces/${o.workspaceId}${path}`;
const isCloser = (r: FakeRequest) => r.raw.includes('You are Closer');

/**
 * The model's answers: the website assistant asks the one qualifying question; Closer (a real
 * agent run) proposes a follow-up task on the contact it was given, then finishes.
 */
function script(o: Owner) {
  fake.otherwise(async (r) => {
    if (!isCloser(r)) return { text: 'A birthday cake for 10 people costs $40. When is your event?' };
    const steps = fake.requests.filter(isCloser).length;
    if (steps === 1) {
      const contactId = /\[contacts\/([0-9a-f-]{36})\]/.exec(r.raw)?.[1] ?? (await o.client.get(api(o, '/contacts?q=mia@example.test'))).json().items[0].id;
      return { toolCalls: [{ name: 'propose_tasks', input: { tasks: [{ title: 'Call Mia about the party cake', dueInDays: 1, recordType: 'contacts', recordId: contactId }], rationale: 'Qualified in chat: party on Saturday.' } }] };
    }
    return { toolCalls: [{ name: 'finish', input: { summary: 'Party cake for Saturday; call tomorrow.', findings: [] } }] };
  });
}

async function setUp(name: string, o?: { autopilot?: boolean; booking?: boolean }) {
  const owner = await ownerWithWorkspace(server, name);
  expect((await owner.client.request('PUT', api(owner, '/ai/provider'), { kind: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-test-0123456789', baseUrl: fake.baseUrl })).statusCode).toBe(200);
  expect((await owner.client.patch(api(owner, '/widget-settings'), { allowedOrigins: [SITE], questions: ['When is your event?'] })).statusCode).toBe(200);
  expect((await owner.client.post(api(owner, '/knowledge'), { kind: 'faq', title: 'How much does a birthday cake cost?', body: 'A birthday cake for 10 people costs $40.' })).statusCode).toBe(201);
  if (o?.autopilot) expect((await owner.client.request('PUT', api(owner, '/agents/settings'), { autopilot: ['closer'], weeklyBrief: false })).statusCode).toBe(200);
  if (o?.booking) {
    const hours = (await owner.client.post(api(owner, '/booking/schedules'), { name: 'Hours', timeZone: 'UTC', weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })), overrides: [] })).json();
    expect((await owner.client.post(api(owner, '/booking/event-types'), { slug: 'intro', title: 'Intro call', durationMinutes: 30, hosts: [{ userId: hours.userId, scheduleId: hours.id }] })).statusCode).toBe(201);
  }
  return owner;
}

/** A visitor asks, answers the qualifying question, and leaves a name and email. */
async function qualify(owner: Owner) {
  const v = widgetVisitor(server.app, owner, SITE);
  await v.start();
  const waitFor = (pred: (m: { author: string; body: string }) => boolean) => waitForWidgetMessage(v, pred, { timeout: 30_000, interval: 100 });
  expect((await v.send('How much is a birthday cake?')).statusCode).toBe(200);
  await waitFor((m) => m.author === 'assistant');
  expect((await v.send('Saturday the 14th, ten guests')).statusCode).toBe(200);
  await vi.waitFor(
    async () => {
      const msgs = (await v.read()).messages as { author: string; body: string }[];
      expect(msgs.filter((m) => m.author === 'assistant'), JSON.stringify(msgs.map((m) => [m.author, m.body]))).toHaveLength(2);
    },
    { timeout: 45_000, interval: 200 },
  );
  const left = await v.c.post(`/api/widget/${owner.workspaceId}/contact`, { token: v.token, name: 'Mia Lopez', email: 'mia@example.test', consent: true }, { origin: SITE });
  expect(left.statusCode, left.body).toBe(200);
  return { v, waitFor };
}

const conversationOf = async (owner: Owner) => {
  const [c] = (await owner.client.get(api(owner, '/conversations'))).json().items;
  return (await owner.client.get(api(owner, `/conversations/${c.id}`))).json();
};

beforeAll(async () => {
  fake = await startFakeAi();
  server = await startTestServer();
}, 300_000);

describe('Closer in the website assistant', () => {
  it('CONV-2 AI-5 AI-4 a qualified lead gets a real Closer run: its follow-up task waits for approval, the inbox shows "Closer suggested…", the visitor is told a person will follow up', async () => {
    const owner = await setUp('Crumb Bakery');
    fake.reset();
    script(owner);
    const { waitFor } = await qualify(owner);
    const promise = await waitFor((m) => m.author === 'assistant' && m.body === PROMISE_FOLLOW_UP);
    expect(promise.body).toBe(PROMISE_FOLLOW_UP);

    const detail = await conversationOf(owner);
    const note = detail.messages.find((m: { author: string; body: string }) => m.author === 'note' && m.body.startsWith('Closer suggested'));
    expect(note.body).toBe('Closer suggested: task "Call Mia about the party cake" (waiting for approval). Party cake for Saturday; call tomorrow.');
    expect(note.meta.closer.proposals).toMatchObject([{ kind: 'create_tasks', status: 'pending' }]);

    // A real agent step: Closer's model calls are recorded against its run (AI-4), and the proposal waits in approvals (AI-5).
    const pending = (await owner.client.get(api(owner, `/approvals?runId=${note.meta.closer.runId}`))).json().items;
    expect(pending).toMatchObject([{ agent: 'closer', kind: 'create_tasks', status: 'pending', rationale: 'Qualified in chat: party on Saturday.' }]);
    const calls = (await owner.client.get(api(owner, '/ai/calls?feature=agent%3Acloser'))).json().items;
    expect(calls.length).toBe(2);
    // Closer was told the visitor's answer to the qualifying question.
    expect(fake.requests.filter(isCloser)[0]!.raw).toContain('Saturday the 14th, ten guests');
    // One run per conversation: a later reply does not start another.
    const runs = await server.services.database.system.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM agent_runs WHERE workspace_id = ${owner.workspaceId} AND agent = 'closer'`);
    expect(runs.rows[0]!.n).toBe(1);
  });

  it('CONV-2 CONV-5 AI-5 with Closer on autopilot the task is created at once, and with something to book the visitor is offered a call', async () => {
    const owner = await setUp('Autopilot Bakery', { autopilot: true, booking: true });
    fake.reset();
    script(owner);
    const { waitFor } = await qualify(owner);
    await waitFor((m) => m.author === 'assistant' && m.body === OFFER_CALL);
    const detail = await conversationOf(owner);
    const note = detail.messages.find((m: { author: string; body: string }) => m.author === 'note' && m.body.startsWith('Closer suggested'));
    expect(note.body).toContain('(done on autopilot)');
    const contactId = detail.conversation.contactId ?? (await owner.client.get(api(owner, '/contacts?q=mia@example.test'))).json().items[0].id;
    const tasks = (await owner.client.get(api(owner, `/timeline?recordType=contacts&recordId=${contactId}&kinds=task`))).json().items;
    expect(tasks.some((t: { subject: string }) => t.subject === 'Call Mia about the party cake')).toBe(true);
  });

  it('AI-6 a restricted contact is never given to Closer: no run, no model call, a note says why', async () => {
    const owner = await setUp('Private Bakery');
    const existing = await owner.client.post(api(owner, '/contacts'), { firstName: 'Mia', lastName: 'Lopez', emails: ['mia@example.test'], restricted: true });
    expect(existing.statusCode, existing.body).toBe(201);
    fake.reset();
    script(owner);
    await qualify(owner);
    const note = await until(async () => (await conversationOf(owner)).messages.find((m: { author: string; body: string }) => m.author === 'note' && m.body.startsWith('Closer did not')), 'the note about the restricted contact');
    expect(note.body).toBe('Closer did not look at this lead: the contact is restricted, so nothing about them goes to the AI model.');
    expect(fake.requests.filter(isCloser)).toHaveLength(0);
  });
});
