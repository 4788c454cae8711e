import { createOpenAI } from '@ai-sdk/openai';
import { embedMany } from 'ai';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { FAKE_EMBEDDING_DIMENSIONS, startFakeAi, type FakeAi } from '../../../../test/fakes/ai';
import { ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { until } from '../../../../test/helpers/wait';
import { widgetVisitor } from '../../../../test/helpers/widget-visitor';
import { withTenant } from '../../platform/db/tenant';
import { searchKnowledge } from './knowledge';
import { chunkEntry, CHUNK_CHARS, indexKnowledge, MIN_SIMILARITY } from './knowledge-meaning';

let server: TestServer;
let fake: FakeAi;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
const SITE = 'https://bakery.example';
const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;
const REFUND = { kind: 'faq', title: 'Refund policy', body: 'Unhappy with a purchase? We give your money back within 14 days.' };
const QUESTION = 'Could I return a broken item for cash?';
const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const knowledge = async () => (await owner.client.get(api('/knowledge'))).json() as { items: { id: string; title: string; indexedByMeaning: boolean }[]; meaning: { available: boolean; model: string | null } };
/** Waits for the index job; on a timeout the error says what the job's queue holds (decision 034 saw one such wait). */
const allIndexed = async () => {
  try {
    return await until(async () => (await knowledge()).items.every((i) => i.indexedByMeaning), 'the knowledge to be indexed by meaning');
  } catch (error) {
    const { rows } = await server.services.database.system.execute(sql`SELECT task_identifier, attempts, max_attempts, run_at, locked_at, last_error FROM graphile_worker.jobs ORDER BY id`);
    throw new Error(`${(error as Error).message}; jobs queued: ${JSON.stringify(rows)}`);
  }
};

beforeAll(async () => {
  fake = await startFakeAi();
  server = await startTestServer();
  owner = await ownerWithWorkspace(server, 'Crumb Bakery');
  expect((await owner.client.request('PUT', api('/ai/provider'), { kind: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-test-0123456789', baseUrl: fake.baseUrl })).statusCode).toBe(200);
  expect((await owner.client.patch(api('/widget-settings'), { allowedOrigins: [SITE] })).statusCode).toBe(200);
  for (const k of [
    { kind: 'faq', title: 'How much does a birthday cake cost?', body: 'A birthday cake for 10 people costs $40; for 20 people $70.' },
    { kind: 'page', title: 'Delivery', body: 'We deliver cakes within 10 km of the shop every day except Sunday.', url: `${SITE}/delivery` },
    REFUND,
    { kind: 'faq', title: 'Allergens', body: 'All our loaves contain wheat; we bake no gluten-free bread.' },
  ]) expect((await owner.client.post(api('/knowledge'), k)).statusCode).toBe(201);
}, 300_000);

describe('knowledge by meaning', () => {
  it("CONV-2 the fake provider's embeddings, through the official SDK, put a question near the answer it shares no word with", async () => {
    const openai = createOpenAI({ apiKey: 'sk-test-0123456789', baseURL: fake.baseUrl });
    const texts = [QUESTION, `${REFUND.title}\n${REFUND.body}`, 'Allergens\nAll our loaves contain wheat; we bake no gluten-free bread.', 'Delivery\nWe deliver cakes within 10 km of the shop every day except Sunday.'];
    const { embeddings } = await embedMany({ model: openai.embedding('text-embedding-3-small'), values: texts });
    expect(embeddings.every((e) => e.length === FAKE_EMBEDDING_DIMENSIONS)).toBe(true);
    const [q, refund, ...others] = embeddings;
    expect(cos(q!, refund!)).toBeGreaterThan(MIN_SIMILARITY);
    for (const o of others) expect(cos(q!, o)).toBeLessThan(MIN_SIMILARITY);
  });

  it('CONV-2 AI-4 a question that shares no word with the right FAQ finds it by meaning; the answer cites it; the embeddings are recorded AI calls', async () => {
    await allIndexed();
    expect((await knowledge()).meaning).toMatchObject({ available: true, model: 'text-embedding-3-small' });
    // By words alone there is nothing to answer from.
    expect(await withTenant(server.services.database.db, { workspaceId: owner.workspaceId, userId: null }, (tx) => searchKnowledge(tx, owner.workspaceId, QUESTION))).toEqual([]);

    fake.otherwise({ text: 'Yes: we give your money back within 14 days.' });
    const mark = fake.requests.length;
    const v = widgetVisitor(server.app, owner, SITE);
    await v.start();
    await v.send(QUESTION);
    const answer = await vi.waitFor(
      async () => {
        const m = (await v.read()).messages.find((x: { author: string }) => x.author === 'assistant');
        if (!m) throw new Error('not yet');
        return m as { body: string; sources: { title: string }[] };
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(answer.body).toBe('Yes: we give your money back within 14 days.');
    expect(answer.sources.map((s) => s.title)).toEqual(['Refund policy']);
    const chat = fake.requests.slice(mark).filter((r) => r.endpoint === 'chat').at(-1)!;
    expect(chat.raw).toContain('money back within 14 days');
    expect(chat.raw).not.toContain('gluten-free');
    const asked = fake.requests.slice(mark).filter((r) => r.endpoint === 'embeddings' && r.texts?.[0] === QUESTION);
    expect(asked).toHaveLength(1);
    const calls = async (feature: string) => (await owner.client.get(api(`/ai/calls?feature=${encodeURIComponent(feature)}`))).json().items as { outcome: string }[];
    expect((await calls('assistant:index')).length).toBeGreaterThan(0);
    expect(await calls('assistant:query')).toMatchObject([{ outcome: 'ok' }]);
  });

  it('CONV-2 an entry is embedded again only when its text changes (content hash); a long page is cut into chunks', async () => {
    await allIndexed();
    const unchanged = await indexKnowledge(server.services, owner.workspaceId);
    expect(unchanged).toMatchObject({ state: 'done', embedded: 0, removed: 0 });
    expect(unchanged.unchanged).toBe(4);

    const refund = (await knowledge()).items.find((i) => i.title === 'Refund policy')!;
    const before = fake.requests.filter((r) => r.endpoint === 'embeddings').length;
    expect((await owner.client.patch(api(`/knowledge/${refund.id}`), { body: 'Unhappy with a purchase? We give your money back within 30 days.' })).statusCode).toBe(200);
    await allIndexed();
    const sent = fake.requests.filter((r) => r.endpoint === 'embeddings').slice(before).flatMap((r) => r.texts ?? []);
    expect(sent).toEqual(['Refund policy\nUnhappy with a purchase? We give your money back within 30 days.']);

    const paragraph = (n: number) => `Part ${n}. ${'Our ovens run from four in the morning and every loaf is shaped by hand. '.repeat(12)}`;
    const long = { kind: 'page' as const, title: 'About us', body: [1, 2, 3].map(paragraph).join('\n\n') };
    expect(chunkEntry(long).length).toBe(3);
    expect(chunkEntry(long).every((c) => c.length <= CHUNK_CHARS + long.title.length + 1)).toBe(true);
    const page = (await owner.client.post(api('/knowledge'), long)).json();
    await allIndexed();
    const chunks = await server.services.database.system.execute<{ chunk: number }>(sql`SELECT chunk FROM knowledge_chunks WHERE entry_id = ${page.id} ORDER BY chunk`);
    expect(chunks.rows.map((r) => r.chunk)).toEqual([0, 1, 2]);
    // Shortened to one paragraph: its later chunks go.
    expect((await owner.client.patch(api(`/knowledge/${page.id}`), { body: paragraph(1) })).statusCode).toBe(200);
    await allIndexed();
    await until(async () => (await server.services.database.system.execute(sql`SELECT chunk FROM knowledge_chunks WHERE entry_id = ${page.id}`)).rows.length === 1, 'the extra chunks to go');
  });
});
