import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { startFakeAi, type FakeAi } from '../../../../test/fakes/ai';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';

let server: TestServer;
let fake: FakeAi;
type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
let owner: Owner;
let staff: Awaited<ReturnType<typeof addMember>>;
let quiet: { id: string; name: string };
let busy: { id: string; name: string };

const api = (o: { workspaceId: string }, path: string) => `/api/workspaces/${o.workspaceId}${path}`;
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

beforeAll(async () => {
  fake = await startFakeAi();
  server = await startTestServer();
  owner = await ownerWithWorkspace(server, 'Brainy Builders');
  staff = await addMember(server, owner, 'staff');
  const put = await owner.client.request('PUT', api(owner, '/ai/provider'), { kind: 'anthropic', model: 'claude-sonnet-4-5', apiKey: 'sk-ant-test-0123456789', baseUrl: fake.baseUrl });
  expect(put.statusCode, put.body).toBe(200);
  const texan = (await owner.client.post(api(owner, '/companies'), { name: 'Lone Star Roofing', state: 'TX' })).json();
  const ohio = (await owner.client.post(api(owner, '/companies'), { name: 'Buckeye Gutters', state: 'OH' })).json();
  quiet = (await owner.client.post(api(owner, '/deals'), { name: 'Lone Star fleet deal', amount: 18000, companyId: texan.id })).json();
  busy = (await owner.client.post(api(owner, '/deals'), { name: 'Buckeye pilot', companyId: ohio.id })).json();
  for (const [deal, when] of [
    [quiet, 21],
    [busy, 3],
  ] as const) {
    const res = await owner.client.post(api(owner, '/activities'), { kind: 'meeting', subject: 'Demo', body: '<p>Ran the product demo for the crew leads.</p>', occurredAt: daysAgo(when), meetingStartsAt: daysAgo(when), links: [{ recordType: 'deals', recordId: deal.id }] });
    expect(res.statusCode, res.body).toBe(201);
  }
}, 300_000);

beforeEach(() => fake.reset());

describe('brain', () => {
  it('AI-3 a question is answered from searches of the workspace, and every citation points at a record the brain read', async () => {
    const bogus = '01900000-0000-7000-8000-00000000beef';
    fake.reply(
      { toolCalls: [{ id: 't1', name: 'search_timeline', input: { query: 'demo', kind: 'meeting' } }, { id: 't2', name: 'find_records', input: { object: 'companies', conditions: [{ field: 'state', op: 'in', value: ['TX', 'Texas'] }] } }] },
      { text: `Lone Star fleet deal has had nothing since the demo three weeks ago [deals/${quiet.id}]. Also [deals/${bogus}].` },
    );
    const res = await staff.client.post(api(owner, '/brain/conversations'), { question: 'Which deals in Texas have gone quiet since the demo?' });
    expect(res.statusCode, res.body).toBe(200);
    const { conversation, answer } = res.json();
    expect(conversation.title).toBe('Which deals in Texas have gone quiet since the demo?');
    expect(answer.status).toBe('ok');
    expect(answer.citations).toEqual([{ type: 'deals', id: quiet.id, label: 'Lone Star fleet deal' }]);
    expect(answer.content).toContain(`[deals/${quiet.id}]`);
    expect(answer.content).not.toContain(bogus);
    // The search really ran: the second request carried the matching timeline items and the Texan company.
    const results = fake.requests[1]!.body.messages.flatMap((m: { content: unknown }) => (Array.isArray(m.content) ? m.content : [])).filter((b: { type: string }) => b.type === 'tool_result');
    const byId = (id: string) => JSON.stringify(results.find((b: { tool_use_id: string }) => b.tool_use_id === id).content);
    expect(byId('t1')).toContain('Lone Star fleet deal');
    expect(byId('t1')).toContain('Buckeye pilot');
    expect(byId('t2')).toContain('Lone Star Roofing');
    expect(byId('t2')).not.toContain('Buckeye Gutters');
    expect(fake.requests[0]!.api).toBe('anthropic');
    // AI-4: each step is a recorded call linked to the answer.
    const calls = (await owner.client.get(api(owner, '/ai/calls?feature=brain'))).json().items;
    expect(calls.length).toBe(2);
  });

  it('AI-3 chat history is kept: a follow-up sees the earlier turns and may cite their records; history is private to its author', async () => {
    fake.reply({ text: `It is worth 18000 [deals/${quiet.id}].` }, { text: `Sure [deals/${quiet.id}].` });
    const first = (await staff.client.post(api(owner, '/brain/conversations'), { question: 'What is the Lone Star deal worth?' })).json();
    // That first answer cited a record it never read in this conversation: dropped.
    expect(first.answer.citations).toEqual([]);
    fake.reset();
    fake.reply(
      { toolCalls: [{ name: 'search_records', input: { query: 'Lone Star fleet' } }] },
      { text: `The Lone Star fleet deal is 18,000 [deals/${quiet.id}].` },
      { text: `Yes, the same one [deals/${quiet.id}].` },
    );
    const convo = (await staff.client.post(api(owner, '/brain/conversations'), { question: 'How big is the Lone Star fleet deal?' })).json().conversation;
    const followUp = await staff.client.post(api(owner, `/brain/conversations/${convo.id}/messages`), { question: 'Is that the Texan one?' });
    expect(followUp.statusCode, followUp.body).toBe(200);
    expect(followUp.json().answer.citations.map((c: { id: string }) => c.id)).toEqual([quiet.id]);
    expect(fake.last().raw).toContain('How big is the Lone Star fleet deal?');
    const full = (await staff.client.get(api(owner, `/brain/conversations/${convo.id}`))).json();
    expect(full.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect((await staff.client.get(api(owner, '/brain/conversations'))).json().items.length).toBeGreaterThanOrEqual(2);
    // Another member (even the owner) does not see it.
    expect((await owner.client.get(api(owner, `/brain/conversations/${convo.id}`))).statusCode).toBe(404);
    expect((await owner.client.post(api(owner, `/brain/conversations/${convo.id}/messages`), { question: 'hello there' })).statusCode).toBe(404);
    expect((await staff.client.delete(api(owner, `/brain/conversations/${convo.id}`))).statusCode).toBe(204);
    expect((await staff.client.get(api(owner, `/brain/conversations/${convo.id}`))).statusCode).toBe(404);
  });

  it('AI-3 says where it searches: keyword always, pgvector only when the database has it', async () => {
    const status = (await staff.client.get(api(owner, '/brain/status'))).json();
    expect(status.keywordSearch).toBe(true);
    expect(typeof status.vectorExtension).toBe('boolean');
    expect(status.message).toMatch(/full-text/);
  });

  it('AI-8 with no provider the brain says how to connect one; bad questions get clear answers', async () => {
    const lone = await ownerWithWorkspace(server, 'Brainless');
    const res = await lone.client.post(api(lone, '/brain/conversations'), { question: 'Anything?' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('ai_not_configured');
    const empty = await staff.client.post(api(owner, '/brain/conversations'), { question: ' ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.details.fields.question).toBe('Type a question.');
  });

  it('AI-1 browser-key mode: the server runs the tools, keeps each call (marked browser) and the answer, and checks its citations; it is never given a key', async () => {
    const answerId = '01900000-0000-7000-8000-0000000000a1';
    const tool = await staff.client.post(api(owner, '/brain/tools/search_timeline'), { input: { query: 'demo' }, runId: answerId });
    expect(tool.statusCode, tool.body).toBe(200);
    expect(tool.json().output).toContain('Lone Star fleet deal');
    expect(tool.json().records.map((r: { id: string }) => r.id)).toContain(quiet.id);
    expect((await staff.client.post(api(owner, '/brain/tools/drop_tables'), { input: {}, runId: answerId })).statusCode).toBe(400);
    expect((await staff.client.post(api(owner, '/brain/tools/find_records'), { input: { object: 'planets' }, runId: answerId })).statusCode).toBe(400);

    const recorded = await staff.client.post(api(owner, '/ai/browser-calls'), {
      feature: 'brain',
      runId: answerId,
      providerKind: 'openai',
      model: 'gpt-4o-mini',
      prompt: { system: 'x', messages: [{ role: 'user', content: 'q' }] },
      output: { text: 'answer', toolCalls: [] },
      tokensIn: 100,
      tokensOut: 20,
      latencyMs: 900,
      outcome: 'ok',
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    // A body carrying a key is refused outright: there is no field for one.
    expect((await staff.client.post(api(owner, '/ai/browser-calls'), { feature: 'brain', providerKind: 'openai', model: 'm', prompt: { system: null, messages: [] }, output: null, tokensIn: null, tokensOut: null, latencyMs: 1, outcome: 'ok', apiKey: 'sk-x' })).statusCode).toBe(400);
    const call = (await staff.client.get(api(owner, `/ai/calls/${recorded.json().callId}`))).json();
    expect(call).toMatchObject({ providerSource: 'browser', tokensIn: 100, tokensOut: 20, feature: 'brain' });
    expect(recorded.json().costUsd).toBeCloseTo((100 * 0.15 + 20 * 0.6) / 1_000_000, 10);

    const hidden = (await owner.client.post(api(owner, '/contacts'), { firstName: 'Secret', lastName: 'Sam', restricted: true })).json();
    const saved = await staff.client.post(api(owner, '/brain/browser-turns'), {
      conversationId: null,
      answerId,
      question: 'Which deals went quiet?',
      answer: `Lone Star [deals/${quiet.id}], and [contacts/${hidden.id}] and [deals/01900000-0000-7000-8000-00000000dead].`,
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const answer = saved.json().messages.find((m: { role: string }) => m.role === 'assistant');
    expect(saved.json().messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(answer.citations).toEqual([{ type: 'deals', id: quiet.id, label: 'Lone Star fleet deal' }]);
    expect(answer.content).not.toContain(hidden.id);
  });
});
