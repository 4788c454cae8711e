import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ownerWithWorkspace } from '../../../../test/helpers/client';
import { FAKE_EMBEDDING_DIMENSIONS, fakeEmbedding, startFakeAi, type FakeAi } from '../../../../test/fakes/ai';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import type { WorkspaceContext } from '../../platform/db/tenant';
import { embedTexts, indexWorkspace, vectorInstalled } from './semantic';
import { semanticSearchReady } from './semantic-tool';
import { semanticIndexJob } from './semantic-index';
import { rejection } from '../../../../test/helpers/errors';

/**
 * AI-3, AI-4, AI-6: indexing records for search by meaning, against a real database (without
 * pgvector, like the embedded PostgreSQL) and the fake provider's embedding endpoints. The vector
 * SQL itself is tested on PGlite with pgvector in semantic-sql.test.ts.
 */

let server: TestServer;
let fake: FakeAi;
type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;

const KEY = 'sk-test-embeddings-0123456789';
const OPENAI_EMBEDDING_MODEL = 'text-embedding-3-small';

beforeAll(async () => {
  fake = await startFakeAi();
  server = await startTestServer({ AI_RETRY_BASE_MS: '5', AI_RETRY_MAX_DELAY_MS: '2000' });
}, 300_000);

beforeEach(() => fake.reset());

const crm = (o: { workspaceId: string }, path: string) => `/api/workspaces/${o.workspaceId}${path}`;
const ctxOf = (o: { workspaceId: string; userId: string }): WorkspaceContext => ({ workspaceId: o.workspaceId, userId: o.userId, role: 'owner' });

/** A new workspace whose provider is the fake, in the given format. */
async function workspaceWith(name: string, kind: 'openai' | 'anthropic' | 'google' | 'openai_compatible' = 'openai', model = 'gpt-4o-mini'): Promise<Owner> {
  const o = await ownerWithWorkspace(server, name);
  const res = await o.client.request('PUT', crm(o, '/ai/provider'), { kind, model, apiKey: KEY, baseUrl: fake.baseUrl });
  expect(res.statusCode, res.body).toBe(200);
  return o;
}

async function create(o: Owner, path: string, body: Record<string, unknown>): Promise<{ id: string; version: number }> {
  const res = await o.client.post(crm(o, path), body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const embeddingRequests = () => fake.requests.filter((r) => r.endpoint === 'embeddings');
const sentTexts = () => embeddingRequests().flatMap((r) => r.texts ?? []);
const sentRaw = () => embeddingRequests().map((r) => r.raw).join('\n');

interface StoredEmbedding {
  record_type: string;
  record_id: string;
  model: string;
  content_hash: string;
  embedding: number[];
  updated_at: Date;
}

/** The workspace's stored embeddings, read past row-level security. */
async function stored(o: { workspaceId: string }): Promise<StoredEmbedding[]> {
  const { rows } = await server.services.database.systemPool.query<StoredEmbedding>(
    `SELECT record_type, record_id, model, content_hash, embedding, updated_at FROM record_embeddings WHERE workspace_id = $1 ORDER BY record_type, record_id`,
    [o.workspaceId],
  );
  return rows;
}

const keys = (rows: { record_type: string; record_id: string }[]) => rows.map((r) => `${r.record_type}/${r.record_id}`).sort();

describe('indexing for search by meaning', () => {
  it('AI-6 indexing embeds contacts, companies and deals and never sends a restricted contact, an email or a phone number', async () => {
    const o = await workspaceWith('Harbor Bakery Group');
    const bakery = await create(o, '/companies', { name: 'Harbor Bakery', domain: 'harborbakery.example', industry: 'Bakery', city: 'Portland' });
    const ada = await create(o, '/contacts', { firstName: 'Ada', lastName: 'Lovelace', title: 'Head baker', emails: ['ada.lovelace@harborbakery.example'], phones: ['+1 415 555 0100'], companyId: bakery.id });
    const hidden = await create(o, '/contacts', { firstName: 'Zebulon', lastName: 'Quigglesworth', emails: ['zebulon@private.example'], phones: ['+1 212 555 0199'], restricted: true, companyId: bakery.id });
    const cakes = await create(o, '/deals', { name: 'Wedding cakes', contactId: hidden.id, companyId: bakery.id });
    const croissants = await create(o, '/deals', { name: 'Croissant supply', contactId: ada.id, companyId: bakery.id });

    const result = await indexWorkspace(server.services, ctxOf(o), null);

    expect(result).toEqual({ embedded: 4, unchanged: 0, removed: 0, next: null });
    const requests = embeddingRequests();
    expect(requests.length).toBeGreaterThan(0);
    for (const r of requests) {
      expect(r).toMatchObject({ api: 'openai', path: '/v1/embeddings', body: { model: OPENAI_EMBEDDING_MODEL, encoding_format: 'float' } });
      expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
    }
    const texts = sentTexts();
    expect(texts).toHaveLength(4);
    // What is sent describes the records: deals name their (unrestricted) contact and company...
    expect(texts.find((t) => t.includes('Croissant supply'))).toMatch(/contact Ada Lovelace/);
    expect(texts.find((t) => t.includes('Croissant supply'))).toMatch(/company Harbor Bakery/);
    expect(texts.find((t) => t.includes('Ada Lovelace'))).toMatch(/Head baker/);
    // ...but never the restricted contact, even through the deal linked to them, nor any email or phone.
    const raw = sentRaw();
    expect(raw).toContain('Wedding cakes');
    for (const secret of ['Zebulon', 'Quigglesworth', 'zebulon@private.example', 'ada.lovelace@harborbakery.example', '@', '555', '4155550100', '2125550199']) {
      expect(raw, secret).not.toContain(secret);
    }
    const rows = await stored(o);
    expect(keys(rows)).toEqual(keys([
      { record_type: 'companies', record_id: bakery.id },
      { record_type: 'contacts', record_id: ada.id },
      { record_type: 'deals', record_id: cakes.id },
      { record_type: 'deals', record_id: croissants.id },
    ]));
    expect(rows.some((r) => r.record_id === hidden.id)).toBe(false);
    for (const r of rows) {
      expect(r.model).toBe(OPENAI_EMBEDDING_MODEL);
      expect(r.embedding).toHaveLength(FAKE_EMBEDDING_DIMENSIONS);
    }
  });

  it('AI-6 a contact marked restricted later loses its embedding, and the deal naming them is re-embedded without their name', async () => {
    const o = await workspaceWith('Okonkwo Renovations');
    const marguerite = await create(o, '/contacts', { firstName: 'Marguerite', lastName: 'Okonkwo', title: 'Homeowner' });
    const kitchen = await create(o, '/deals', { name: 'Kitchen renovation', contactId: marguerite.id });
    await indexWorkspace(server.services, ctxOf(o), null);
    expect(sentTexts().find((t) => t.includes('Kitchen renovation'))).toMatch(/contact Marguerite Okonkwo/);
    expect(keys(await stored(o))).toEqual(keys([{ record_type: 'contacts', record_id: marguerite.id }, { record_type: 'deals', record_id: kitchen.id }]));

    const patched = await o.client.patch(crm(o, `/contacts/${marguerite.id}`), { restricted: true, version: marguerite.version });
    expect(patched.statusCode, patched.body).toBe(200);
    fake.reset();
    const result = await indexWorkspace(server.services, ctxOf(o), null);

    expect(result).toMatchObject({ embedded: 1, removed: 1, next: null });
    expect(sentTexts()).toHaveLength(1);
    expect(sentTexts()[0]).toContain('Kitchen renovation');
    expect(sentRaw()).not.toContain('Marguerite');
    expect(sentRaw()).not.toContain('Okonkwo');
    expect(keys(await stored(o))).toEqual([`deals/${kitchen.id}`]);
  });

  it('AI-4 every embedding request is recorded as an AI call with its tokens, its texts and the records they describe', async () => {
    const o = await workspaceWith('Recorded Roofing');
    const company = await create(o, '/companies', { name: 'Recorded Roofing Supplies', industry: 'Roofing' });
    await create(o, '/contacts', { firstName: 'Rosa', lastName: 'Parks', title: 'Estimator', companyId: company.id });
    await create(o, '/contacts', { firstName: 'Ravi', lastName: 'Shankar', title: 'Foreman' });
    await create(o, '/deals', { name: 'Slate roof repair', companyId: company.id, amount: 12500, currency: 'USD' });
    // Tokens a real provider would count differently from words, so the record must come from the reply.
    fake.otherwiseEmbeddings((texts) => ({ tokens: 7 * texts.length + 1 }));

    await indexWorkspace(server.services, ctxOf(o), null);

    const requests = embeddingRequests();
    const list = await o.client.get(crm(o, '/ai/calls?feature=brain:index'));
    expect(list.statusCode, list.body).toBe(200);
    const calls = [...list.json().items].reverse();
    expect(calls).toHaveLength(requests.length);
    expect(calls.length).toBe(3);
    const rows = await stored(o);
    for (const [i, summary] of calls.entries()) {
      const texts = requests[i]!.texts!;
      expect(summary).toMatchObject({ feature: 'brain:index', providerKind: 'openai', providerSource: 'workspace', model: OPENAI_EMBEDDING_MODEL, tokensIn: 7 * texts.length + 1, tokensOut: 0, attempts: 1, outcome: 'ok', userId: o.userId });
      const call = (await o.client.get(crm(o, `/ai/calls/${summary.id}`))).json();
      expect(call.prompt.messages.map((m: { content: string }) => m.content)).toEqual(texts);
      expect(call.output.text).toBe(`${texts.length} embeddings of ${FAKE_EMBEDDING_DIMENSIONS} dimensions`);
      expect(call.recordRefs).toHaveLength(texts.length);
      // Each record's stored vector is the one returned for its own text.
      call.recordRefs.forEach((ref: { type: string; id: string }, j: number) => {
        const row = rows.find((r) => r.record_type === ref.type && r.record_id === ref.id);
        expect(row, `${ref.type}/${ref.id}`).toBeDefined();
        fakeEmbedding(texts[j]!).forEach((x, k) => expect(row!.embedding[k]).toBeCloseTo(x, 5));
      });
    }
    expect(calls.map((c) => c.tokensIn).reduce((a: number, b: number) => a + b, 0)).toBe(7 * 4 + 3);
    const usage = (await o.client.get(crm(o, '/ai/usage'))).json();
    expect(usage.totals.calls).toBe(3);
  });

  it('AI-4 an embedding request turned away with 429 is retried; a 401 fails the index, is recorded, and stores nothing', async () => {
    const o = await workspaceWith('Retry Rentals');
    const kayak = await create(o, '/companies', { name: 'Kayak Rentals' });
    fake.replyEmbeddings({ status: 429, headers: { 'retry-after': '0' } });
    await indexWorkspace(server.services, ctxOf(o), null);
    expect(embeddingRequests()).toHaveLength(2);
    expect(embeddingRequests()[0]!.raw).toBe(embeddingRequests()[1]!.raw);
    const [retried] = (await o.client.get(crm(o, '/ai/calls?feature=brain:index'))).json().items;
    expect(retried).toMatchObject({ outcome: 'ok', attempts: 2 });
    expect(keys(await stored(o))).toEqual([`companies/${kayak.id}`]);

    await create(o, '/companies', { name: 'Canoe Tours' });
    fake.reset();
    fake.replyEmbeddings({ status: 401, message: 'Incorrect API key provided' });
    const failed = await rejection(indexWorkspace(server.services, ctxOf(o), null));
    expect(failed).toMatchObject({ code: 'ai_provider_error', statusCode: 502 });
    expect(failed.message).toMatch(/Incorrect API key/);
    expect(embeddingRequests()).toHaveLength(1);
    const record = (await o.client.get(crm(o, `/ai/calls/${failed.details.callId as string}`))).json();
    expect(record).toMatchObject({ feature: 'brain:index', outcome: 'error', attempts: 1, tokensIn: null });
    expect(record.prompt.messages.map((m: { content: string }) => m.content)).toEqual(embeddingRequests()[0]!.texts);
    expect(keys(await stored(o))).toEqual([`companies/${kayak.id}`]);
  });

  it('AI-4 WS-5 over the daily limit indexing is refused with ai_limit_reached and nothing is sent', async () => {
    const o = await workspaceWith('Limited Landscaping');
    await create(o, '/companies', { name: 'Limited Lawns' });
    const limits = server.services.config.ai.limits;
    const saved = { ...limits };
    limits.userCallsPerDay = 0;
    try {
      const refused = await rejection(indexWorkspace(server.services, ctxOf(o), null));
      expect(refused).toMatchObject({ code: 'ai_limit_reached', statusCode: 429 });
      expect(embeddingRequests()).toHaveLength(0);
      const record = (await o.client.get(crm(o, `/ai/calls/${refused.details.callId as string}`))).json();
      expect(record).toMatchObject({ feature: 'brain:index', outcome: 'limit_exceeded', attempts: 0 });
      expect(await stored(o)).toEqual([]);
    } finally {
      Object.assign(limits, saved);
    }
  });

  it('AI-3 a second index run embeds only what changed, and removes embeddings of deleted records', async () => {
    const o = await workspaceWith('Nordic Heat Pumps');
    const priya = await create(o, '/contacts', { firstName: 'Priya', lastName: 'Raman', title: 'Installer' });
    const tomas = await create(o, '/contacts', { firstName: 'Tomas', lastName: 'Berg', title: 'Sales' });
    const nordic = await create(o, '/companies', { name: 'Nordic Heat', industry: 'HVAC' });
    const sunny = await create(o, '/companies', { name: 'Sunny Roofs', industry: 'Roofing' });
    const solar = await create(o, '/deals', { name: 'Solar install', contactId: priya.id, companyId: nordic.id });

    expect(await indexWorkspace(server.services, ctxOf(o), null)).toEqual({ embedded: 5, unchanged: 0, removed: 0, next: null });
    const first = await stored(o);
    expect(first).toHaveLength(5);

    fake.reset();
    expect(await indexWorkspace(server.services, ctxOf(o), null)).toEqual({ embedded: 0, unchanged: 5, removed: 0, next: null });
    expect(embeddingRequests()).toHaveLength(0);

    // A renamed contact is re-embedded, and so is the deal that names them; nothing else.
    const renamed = await o.client.patch(crm(o, `/contacts/${priya.id}`), { lastName: 'Raman-Cole', version: priya.version });
    expect(renamed.statusCode, renamed.body).toBe(200);
    fake.reset();
    expect(await indexWorkspace(server.services, ctxOf(o), null)).toEqual({ embedded: 2, unchanged: 3, removed: 0, next: null });
    const texts = sentTexts();
    expect(texts).toHaveLength(2);
    expect(texts.find((t) => t.startsWith('Contact:'))).toContain('Priya Raman-Cole');
    expect(texts.find((t) => t.startsWith('Deal:'))).toMatch(/Solar install.*contact Priya Raman-Cole/);
    const second = await stored(o);
    const hashOf = (rows: StoredEmbedding[], id: string) => rows.find((r) => r.record_id === id)!.content_hash;
    expect(hashOf(second, priya.id)).not.toBe(hashOf(first, priya.id));
    expect(hashOf(second, solar.id)).not.toBe(hashOf(first, solar.id));
    for (const id of [tomas.id, nordic.id, sunny.id]) expect(hashOf(second, id)).toBe(hashOf(first, id));

    // A deleted company's embedding goes at the end of the walk; nothing else is sent.
    expect((await o.client.delete(crm(o, `/companies/${sunny.id}`))).statusCode).toBe(204);
    fake.reset();
    expect(await indexWorkspace(server.services, ctxOf(o), null)).toEqual({ embedded: 0, unchanged: 4, removed: 1, next: null });
    expect(embeddingRequests()).toHaveLength(0);
    expect(keys(await stored(o))).toEqual(keys(second.filter((r) => r.record_id !== sunny.id)));
  });

  it('AI-3 indexing stops after maxEmbeds and carries on from where it stopped; stale embeddings go only once the walk ends', async () => {
    const o = await workspaceWith('Stepwise Stoves');
    await create(o, '/contacts', { firstName: 'Sven', lastName: 'Stove' });
    await create(o, '/contacts', { firstName: 'Stina', lastName: 'Stove' });
    const gone = await create(o, '/companies', { name: 'Gone Grills' });
    await indexWorkspace(server.services, ctxOf(o), null);
    expect((await o.client.delete(crm(o, `/companies/${gone.id}`))).statusCode).toBe(204);
    const kept = await create(o, '/companies', { name: 'Kept Kilns' });
    await create(o, '/deals', { name: 'Wood stove for the cabin' });
    fake.reset();

    const step1 = await indexWorkspace(server.services, ctxOf(o), null, 1);
    expect(step1).toEqual({ embedded: 1, unchanged: 2, removed: 0, next: { type: 'deals', after: null } });
    expect(sentTexts()).toEqual([expect.stringContaining('Kept Kilns')]);
    expect((await stored(o)).some((r) => r.record_id === gone.id)).toBe(true);

    const step2 = await indexWorkspace(server.services, ctxOf(o), step1.next, 1);
    expect(step2).toEqual({ embedded: 1, unchanged: 0, removed: 1, next: null });
    expect(sentTexts()).toEqual([expect.stringContaining('Kept Kilns'), expect.stringContaining('Wood stove for the cabin')]);
    const rows = await stored(o);
    expect(rows.some((r) => r.record_id === gone.id)).toBe(false);
    expect(rows.some((r) => r.record_id === kept.id)).toBe(true);
    expect(rows).toHaveLength(4);
  });

  // Google reports no token counts for embeddings (the AI SDK gives NaN): recorded as unknown.
  it('AI-3 AI-4 with Google, records are embedded through batchEmbedContents and a single query through embedContent', async () => {
    const o = await workspaceWith('Gemini Gardens', 'google', 'gemini-2.5-flash');
    await create(o, '/companies', { name: 'Gemini Greenhouses', industry: 'Horticulture' });
    await create(o, '/companies', { name: 'Twin Tulips', industry: 'Florist' });

    expect(await indexWorkspace(server.services, ctxOf(o), null)).toMatchObject({ embedded: 2, next: null });
    const [batch] = embeddingRequests();
    expect(batch).toMatchObject({ api: 'google', path: '/v1/models/gemini-embedding-001:batchEmbedContents' });
    expect(batch!.headers['x-goog-api-key']).toBe(KEY);
    expect(batch!.body.requests).toHaveLength(2);
    expect(batch!.body.requests[0]).toMatchObject({ model: 'models/gemini-embedding-001', content: { parts: [{ text: expect.stringContaining('Gemini Greenhouses') }] } });
    expect(keys(await stored(o))).toHaveLength(2);

    const query = await embedTexts(server.services, ctxOf(o), { feature: 'brain:query', texts: ['flowers'] });
    expect(fake.last()).toMatchObject({ api: 'google', path: '/v1/models/gemini-embedding-001:embedContent', texts: ['flowers'] });
    expect(query.vectors).toEqual([fakeEmbedding('flowers')]);
    // Google reports no token counts for embeddings: the call is recorded without them.
    const record = (await o.client.get(crm(o, `/ai/calls/${query.callId}`))).json();
    expect(record).toMatchObject({ feature: 'brain:query', providerKind: 'google', model: 'gemini-embedding-001', outcome: 'ok', tokensIn: null });
  });

  it('AI-3 a provider without embeddings (Anthropic) is told so: 409 ai_no_embeddings, and nothing is sent', async () => {
    const o = await workspaceWith('Claude Carpentry', 'anthropic', 'claude-3-5-haiku-latest');
    await create(o, '/companies', { name: 'Claude Carpentry Ltd' });
    const fromIndex = await rejection(indexWorkspace(server.services, ctxOf(o), null));
    expect(fromIndex).toMatchObject({ code: 'ai_no_embeddings', statusCode: 409, details: { kind: 'anthropic' } });
    expect(fromIndex.message).toMatch(/Anthropic offers no embeddings/);
    const fromEmbed = await rejection(embedTexts(server.services, ctxOf(o), { feature: 'brain:query', texts: ['carpentry'] }));
    expect(fromEmbed).toMatchObject({ code: 'ai_no_embeddings', statusCode: 409 });
    // An OpenAI-compatible server serves whatever it is given: with no embedding model named there is none.
    const local = await workspaceWith('Local Llama Lumber', 'openai_compatible', 'llama3');
    const fromLocal = await rejection(embedTexts(server.services, ctxOf(local), { feature: 'brain:query', texts: ['lumber'] }));
    expect(fromLocal).toMatchObject({ code: 'ai_no_embeddings', statusCode: 409, details: { kind: 'openai_compatible' } });
    expect(fromLocal.message).toMatch(/No embedding model is named/);
    expect(fake.requests).toHaveLength(0);
    expect(await stored(o)).toEqual([]);
  });

  it('AI-3 without pgvector the brain does not offer semantic search, even with an indexed workspace', async () => {
    const { rows } = await server.services.database.systemPool.query(`SELECT name FROM pg_available_extensions WHERE name = 'vector'`);
    expect(rows).toEqual([]);
    expect(await vectorInstalled(server.services.database.db)).toBe(false);
    const o = await workspaceWith('Vectorless Ventures');
    await create(o, '/companies', { name: 'Vectorless Vents' });
    await indexWorkspace(server.services, ctxOf(o), null);
    // Embeddings are kept as real[], so indexing works here; only the search needs the extension.
    expect(await stored(o)).toHaveLength(1);
    expect(await semanticSearchReady(server.services, ctxOf(o))).toEqual({ ready: false, model: null });
  });

  it('AI-3 tenancy: a workspace\'s index never reads, sends or removes another workspace\'s records', async () => {
    const a = await workspaceWith('Alpha Apiaries');
    const alphaCompany = await create(a, '/companies', { name: 'Alpha Honey Farm' });
    await create(a, '/contacts', { firstName: 'Albertine', lastName: 'Beekeeper', companyId: alphaCompany.id });
    await create(a, '/deals', { name: 'Alpha hive rental', companyId: alphaCompany.id });
    await indexWorkspace(server.services, ctxOf(a), null);
    const alphaRows = await stored(a);
    expect(alphaRows).toHaveLength(3);

    const b = await workspaceWith('Beta Breweries');
    const betaCompany = await create(b, '/companies', { name: 'Beta Brewhouse' });
    const betaContact = await create(b, '/contacts', { firstName: 'Bertil', lastName: 'Brewer' });
    fake.reset();
    expect(await indexWorkspace(server.services, ctxOf(b), null)).toEqual({ embedded: 2, unchanged: 0, removed: 0, next: null });

    const raw = sentRaw();
    expect(raw).toContain('Beta Brewhouse');
    for (const theirs of ['Alpha', 'Albertine', 'Beekeeper', 'Honey', 'hive']) expect(raw, theirs).not.toContain(theirs);
    expect(keys(await stored(b))).toEqual(keys([{ record_type: 'companies', record_id: betaCompany.id }, { record_type: 'contacts', record_id: betaContact.id }]));
    // A's embeddings are untouched by B's walk and its clean-up.
    expect(await stored(a)).toEqual(alphaRows);
  });

  it('AI-3 the index job walks every record, keeps its progress for the status, and indexing is refused without pgvector (409 brain_no_vector)', async () => {
    const o = await workspaceWith('Index Job Inns');
    await create(o, '/companies', { name: 'Harbour Inn' });
    await create(o, '/contacts', { firstName: 'Ines', lastName: 'Harbour' });
    await create(o, '/contacts', { firstName: 'Hidden', lastName: 'Guest', restricted: true });
    // Without pgvector an owner is told why, and nothing is queued or sent.
    const refused = await o.client.post(crm(o, '/brain/semantic-index'));
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'brain_no_vector', message: expect.stringMatching(/pgvector/) });
    expect(embeddingRequests()).toHaveLength(0);

    // The job itself needs no pgvector: it stores real[]; here it runs as the worker would.
    await server.services.database.systemPool.query(`INSERT INTO semantic_index_state (workspace_id, model, state, total) VALUES ($1, $2, 'queued', 2)`, [o.workspaceId, OPENAI_EMBEDDING_MODEL]);
    await semanticIndexJob.run({ workspaceId: o.workspaceId, userId: o.userId, from: null }, server.services);
    const status = (await o.client.get(crm(o, '/brain/status'))).json();
    expect(status).toMatchObject({ keywordSearch: true, vectorInstalled: false, embeddingModel: OPENAI_EMBEDDING_MODEL, semanticSearch: false });
    expect(status.index).toMatchObject({ state: 'done', model: OPENAI_EMBEDDING_MODEL, total: 2, walked: 2, embedded: 2, error: null, finishedAt: expect.any(String) });
    expect(status.message).toMatch(/no pgvector|not installed/);
    expect(sentTexts().join('\n')).not.toContain('Hidden');
  });

  it('AI-3 an index run stopped by the provider ends failed with the reason, for the status to show', async () => {
    const o = await workspaceWith('Failing Ferries');
    await create(o, '/companies', { name: 'Ferry Co' });
    fake.otherwiseEmbeddings({ status: 401, message: 'Incorrect API key provided' });
    await server.services.database.systemPool.query(`INSERT INTO semantic_index_state (workspace_id, model, state, total) VALUES ($1, $2, 'queued', 1)`, [o.workspaceId, OPENAI_EMBEDDING_MODEL]);
    await semanticIndexJob.run({ workspaceId: o.workspaceId, userId: o.userId, from: null }, server.services);
    const { index } = (await o.client.get(crm(o, '/brain/status'))).json();
    expect(index).toMatchObject({ state: 'failed', walked: 0, embedded: 0, error: expect.stringMatching(/Incorrect API key/) });
  });

  it('AI-3 an index run that breaks unexpectedly is retried by the worker and meanwhile shows failed, never stuck as running', async () => {
    const o = await workspaceWith('Broken Bridges');
    await create(o, '/companies', { name: 'Bridge Co' });
    await server.services.database.systemPool.query(`INSERT INTO semantic_index_state (workspace_id, model, state, total) VALUES ($1, $2, 'queued', 1)`, [o.workspaceId, OPENAI_EMBEDDING_MODEL]);
    // A progress the database refuses (not a uuid): an error no person can act on, so the job throws for a retry.
    await expect(semanticIndexJob.run({ workspaceId: o.workspaceId, userId: o.userId, from: { type: 'contacts', after: 'not-a-uuid' } }, server.services)).rejects.toThrow(/uuid/);
    const { index } = (await o.client.get(crm(o, '/brain/status'))).json();
    expect(index).toMatchObject({ state: 'failed', error: expect.stringMatching(/unexpected error; it is tried again/), finishedAt: expect.any(String) });
    // The database's own message, which quotes the statement and its values, is not shown to people.
    expect(index.error).not.toMatch(/SELECT|uuid/i);
    // The retry starts over cleanly.
    await semanticIndexJob.run({ workspaceId: o.workspaceId, userId: o.userId, from: null }, server.services);
    expect((await o.client.get(crm(o, '/brain/status'))).json().index).toMatchObject({ state: 'done', error: null, walked: 1 });
  });

  it('AI-3 an embedding model named on the provider is the one records are embedded with', async () => {
    const o = await ownerWithWorkspace(server, 'Named Model Mills');
    const put = await o.client.request('PUT', crm(o, '/ai/provider'), { kind: 'openai_compatible', model: 'llama3', embeddingModel: 'nomic-embed-text', baseUrl: fake.baseUrl });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().embeddingModel).toBe('nomic-embed-text');
    await create(o, '/companies', { name: 'Mill House' });
    expect(await indexWorkspace(server.services, ctxOf(o), null)).toMatchObject({ embedded: 1 });
    expect(embeddingRequests()[0]!.body.model).toBe('nomic-embed-text');
    // Anthropic has none to name: refused with the field named.
    const bad = await o.client.request('PUT', crm(o, '/ai/provider'), { kind: 'anthropic', model: 'claude-sonnet-4-0', apiKey: KEY, embeddingModel: 'text-embedding-3-small' });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().error.details)).toContain('embeddingModel');
  });
});
