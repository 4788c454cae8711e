import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tool } from 'ai';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startFakeAi, type FakeAi } from '../../../../test/fakes/ai';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { ConfigError, loadConfig } from '../../platform/config';
import type { WorkspaceContext } from '../../platform/db/tenant';
import { buildRecordContext, runModel, streamModel } from './index';
import { recordCall } from './record-call';
import { recordAuditAlone } from '../audit/record-audit';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import * as schema from '../../platform/db/schema';
import pg from 'pg';
import { rejection } from '../../../../test/helpers/errors';

let server: TestServer;
let fake: FakeAi;
type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
type Member = Awaited<ReturnType<typeof addMember>>;
let owner: Owner;
let admin: Member;
let staff: Member;
let client: Member;
let stranger: Owner;

const KEY = 'sk-test-0123456789-secret-wxyz';

beforeAll(async () => {
  fake = await startFakeAi();
  server = await startTestServer({ AI_RETRY_BASE_MS: '5', AI_RETRY_MAX_DELAY_MS: '2000' });
  owner = await ownerWithWorkspace(server, 'Model Makers');
  admin = await addMember(server, owner, 'admin');
  staff = await addMember(server, owner, 'staff');
  client = await addMember(server, owner, 'client');
  stranger = await ownerWithWorkspace(server, 'Elsewhere Ltd');
  await connect(owner, { kind: 'openai', model: 'gpt-4o-mini' });
}, 300_000);

beforeEach(() => fake.reset());

const api = (path: string, o: { workspaceId: string } = owner) => `/api/workspaces/${o.workspaceId}/ai${path}`;
const crm = (path: string, o: { workspaceId: string } = owner) => `/api/workspaces/${o.workspaceId}${path}`;
const ctxOf = (o: { workspaceId: string; userId: string }, role: WorkspaceContext['role'] = 'owner'): WorkspaceContext => ({ workspaceId: o.workspaceId, userId: o.userId, role });
/** A member of the owner's workspace acting in it. */
const memberCtx = (m: Member, role: WorkspaceContext['role']) => ctxOf({ workspaceId: owner.workspaceId, userId: m.userId }, role);
const hi = [{ role: 'user' as const, content: 'Say hello to Ada.' }];

async function connect(o: Owner, body: Record<string, unknown>) {
  const res = await o.client.request('PUT', api('/provider', o), { apiKey: KEY, baseUrl: fake.baseUrl, ...body });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function callRecord(o: Owner, id: string) {
  const res = await o.client.get(api(`/calls/${id}`, o));
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('providers', () => {
  it('AI-8 with no provider every AI route answers ai_not_configured and says how to connect one', async () => {
    const lone = await ownerWithWorkspace(server, 'No Model Co');
    const status = await lone.client.get(api('/status', lone));
    expect(status.json()).toMatchObject({ configured: false, source: null });
    expect(status.json().message).toMatch(/Settings → AI/);
    const test = await lone.client.post(api('/provider/test', lone));
    expect(test.statusCode).toBe(409);
    expect(test.json().error).toMatchObject({ code: 'ai_not_configured' });
    expect(test.json().error.message).toMatch(/connect/i);
    const err = await rejection(runModel(server.services, ctxOf(lone), { feature: 'brain', messages: hi }));
    expect(err).toMatchObject({ code: 'ai_not_configured', statusCode: 409 });
    // The rest works: the call list and usage are simply empty.
    expect((await lone.client.get(api('/calls', lone))).json()).toEqual({ items: [], nextCursor: null });
    expect((await lone.client.get(api('/usage', lone))).json().totals.calls).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });

  it('AI-1 a workspace key is stored sealed and never returned', async () => {
    const o = await ownerWithWorkspace(server, 'Sealed Co');
    const saved = await connect(o, { kind: 'openai', model: 'gpt-4o-mini' });
    expect(saved).toMatchObject({ kind: 'openai', model: 'gpt-4o-mini', apiKeySet: true, apiKeyLast4: 'wxyz', baseUrl: fake.baseUrl });
    const read = await o.client.get(api('/provider', o));
    expect(read.json()).toMatchObject({ active: 'workspace', operator: null, workspace: { apiKeySet: true, apiKeyLast4: 'wxyz' } });
    for (const body of [JSON.stringify(saved), read.body]) expect(body).not.toContain(KEY);
    const { rows } = await server.services.database.systemPool.query(`SELECT * FROM ai_providers WHERE workspace_id = $1`, [o.workspaceId]);
    expect(rows[0].api_key_sealed).toMatch(/^v1\.test1\./);
    expect(JSON.stringify(rows[0])).not.toContain(KEY);
    expect(server.services.secrets.box.open(rows[0].api_key_sealed, `ai_provider:${o.workspaceId}:api_key`)).toBe(KEY);
    // Sealed to this workspace: the ciphertext does not open as another's.
    expect(() => server.services.secrets.box.open(rows[0].api_key_sealed, `ai_provider:${stranger.workspaceId}:api_key`)).toThrow();
    // Changing the model without a key keeps the key; the audit log never holds it.
    const changed = await o.client.request('PUT', api('/provider', o), { kind: 'openai', baseUrl: fake.baseUrl, model: 'gpt-4.1-mini' });
    expect(changed.json()).toMatchObject({ model: 'gpt-4.1-mini', apiKeySet: true, apiKeyLast4: 'wxyz' });
    const audit = await server.services.database.systemPool.query(`SELECT action, details FROM audit_log WHERE workspace_id = $1 AND action LIKE 'ai_provider.%'`, [o.workspaceId]);
    expect(audit.rows.map((r) => r.action)).toEqual(expect.arrayContaining(['ai_provider.connected', 'ai_provider.updated']));
    expect(JSON.stringify(audit.rows)).not.toContain(KEY);
  });

  it('AI-1 owners and admins manage providers; staff use AI; clients have none', async () => {
    expect((await admin.client.get(api('/provider'))).statusCode).toBe(200);
    expect((await staff.client.get(api('/provider'))).statusCode).toBe(403);
    expect((await staff.client.request('PUT', api('/provider'), { kind: 'openai', model: 'x', apiKey: KEY })).statusCode).toBe(403);
    expect((await staff.client.post(api('/provider/test'))).statusCode).toBe(403);
    expect((await staff.client.get(api('/status'))).json()).toMatchObject({ configured: true, source: 'workspace', kind: 'openai' });
    expect((await staff.client.get(api('/calls'))).statusCode).toBe(200);
    for (const path of ['/status', '/calls', '/usage', '/settings']) expect((await client.client.get(api(path))).statusCode, path).toBe(403);
    const bad = await admin.client.request('PUT', api('/provider'), { kind: 'openai_compatible', model: 'llama3' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.baseUrl).toMatch(/base URL/);
  });

  it('AI-1 removing the provider leaves AI unconfigured again; a key can be cleared', async () => {
    const o = await ownerWithWorkspace(server, 'Removal Co');
    await connect(o, { kind: 'anthropic', model: 'claude-3-5-haiku-latest' });
    const cleared = await o.client.request('PUT', api('/provider', o), { kind: 'openai_compatible', baseUrl: fake.baseUrl, model: 'llama3', apiKey: null });
    expect(cleared.json()).toMatchObject({ apiKeySet: false, apiKeyLast4: null });
    expect((await o.client.delete(api('/provider', o))).statusCode).toBe(204);
    expect((await o.client.delete(api('/provider', o))).statusCode).toBe(404);
    expect((await o.client.get(api('/status', o))).json().configured).toBe(false);
  });

  it('AI-1 "Test connection" makes a tiny real call and says whether it worked', async () => {
    fake.reply({ text: 'OK' }, { status: 401, message: 'Incorrect API key provided' });
    const ok = await owner.client.post(api('/provider/test'));
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ ok: true, kind: 'openai', model: 'gpt-4o-mini' });
    expect(ok.json().message).toMatch(/Connected to gpt-4o-mini; it replied "OK"/);
    expect(fake.last().body.messages.at(-1).content).toMatch(/connection test/);
    const failed = await owner.client.post(api('/provider/test'));
    expect(failed.json()).toMatchObject({ ok: false });
    expect(failed.json().message).toBe('The provider refused the key: check that it was copied whole and is still active. It said: “Incorrect API key provided”');
    // The record keeps the sentence and what the SDK reported.
    expect((await callRecord(owner, failed.json().callId))).toMatchObject({ feature: 'connection_test', outcome: 'error', attempts: 1, errorMessage: expect.stringMatching(/^The provider refused the key.*\(401 Incorrect API key provided\)$/) });
  });

  it('AI-1 AI-8 connection errors read as sentences: nothing listening, no such host, an unknown model, a provider in trouble', async () => {
    const o = await ownerWithWorkspace(server, 'Sentences Co');
    const test = async () => (await o.client.post(api('/provider/test', o))).json();
    // A port nothing listens on: one that was just free.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    await connect(o, { kind: 'openai_compatible', baseUrl: `http://127.0.0.1:${port}/v1`, model: 'llama3' });
    expect(await test()).toMatchObject({ ok: false, message: `Nothing answered at http://127.0.0.1:${port}. Is the server running, and is the address right?` });
    await connect(o, { kind: 'openai_compatible', baseUrl: 'http://127.0.0.1:1/v1', model: 'llama3' });
    expect((await test()).message).toMatch(/^Kestrel may not call http:\/\/127\.0\.0\.1:1: that port belongs to another kind of service/);
    await connect(o, { kind: 'openai_compatible', baseUrl: 'http://ollama.invalid:11434/v1', model: 'llama3' });
    expect((await test()).message).toBe('No server could be found at http://ollama.invalid:11434: check the address for typing mistakes, and that this machine can reach it.');
    await connect(o, { kind: 'openai_compatible', model: 'llama9' });
    fake.reply({ status: 404, message: 'model "llama9" not found, try pulling it first' });
    expect((await test()).message).toBe(`The provider does not know the model “llama9”, or ${new URL(fake.baseUrl).origin} is not the API's address: check the model name and the base URL. It said: “model "llama9" not found, try pulling it first”`);
    fake.reply({ status: 400, message: 'Invalid model' });
    expect((await test()).message).toBe('The provider turned the request down. It said: “Invalid model”');
    fake.reply({ status: 501, message: 'Not implemented' });
    expect((await test()).message).toMatch(/^The provider has a problem on its side \(error 501\) and retrying did not help/);
  });
});

describe('calls', () => {
  it('AI-1 AI-4 a call in the OpenAI format is sent with store:false and recorded with tokens, cost and latency', async () => {
    fake.reply({ text: 'Hello, Ada!', usage: { input: 1000, output: 200 } });
    const refs = [{ type: 'contacts', id: '01900000-0000-7000-8000-000000000001' }];
    const result = await runModel(server.services, ctxOf(owner), { feature: 'test:openai', system: 'You are brief.', messages: hi, recordRefs: refs });
    expect(result).toMatchObject({ text: 'Hello, Ada!', tokensIn: 1000, tokensOut: 200, attempts: 1, provider: { source: 'workspace', kind: 'openai', model: 'gpt-4o-mini' } });
    const sent = fake.last();
    expect(sent).toMatchObject({ api: 'openai', path: '/v1/chat/completions', stream: false });
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent.body).toMatchObject({ model: 'gpt-4o-mini', store: false, messages: [{ role: 'system', content: 'You are brief.' }, { role: 'user', content: 'Say hello to Ada.' }] });
    const record = await callRecord(owner, result.callId);
    expect(record).toMatchObject({
      feature: 'test:openai',
      providerKind: 'openai',
      providerSource: 'workspace',
      model: 'gpt-4o-mini',
      tokensIn: 1000,
      tokensOut: 200,
      // gpt-4o-mini: $0.15 in, $0.60 out per million tokens.
      costUsd: 0.00027,
      costNote: null,
      outcome: 'ok',
      userId: owner.userId,
      userName: 'Olive Owner',
      recordRefs: refs,
      prompt: { system: 'You are brief.', messages: hi },
      output: { text: 'Hello, Ada!', toolCalls: [] },
      streamed: false,
    });
    expect(record.latencyMs).toBeGreaterThanOrEqual(0);
    const list = (await owner.client.get(api('/calls?feature=test:openai'))).json();
    expect(list.items[0]).toMatchObject({ id: result.callId, outcome: 'ok' });
    expect(list.items[0].prompt).toBeUndefined();
  });

  it('AI-1 AI-4 a call in the Anthropic format returns tool calls; an unpriced model has no cost and says so', async () => {
    const o = await ownerWithWorkspace(server, 'Anthropic Co');
    await connect(o, { kind: 'anthropic', model: 'claude-fake-1' });
    fake.reply({ text: 'Let me look.', toolCalls: [{ id: 'toolu_1', name: 'findContact', input: { name: 'Ada' } }], usage: { input: 50, output: 10 } });
    const tools = { findContact: tool({ description: 'Find a contact by name', inputSchema: z.object({ name: z.string() }) }) };
    const result = await runModel(server.services, ctxOf(o), { feature: 'test:anthropic', system: 'Be helpful.', messages: hi, tools });
    expect(result.toolCalls).toEqual([{ toolCallId: 'toolu_1', name: 'findContact', input: { name: 'Ada' } }]);
    const sent = fake.last();
    expect(sent).toMatchObject({ api: 'anthropic', path: '/v1/messages', stream: false });
    expect(sent.headers['x-api-key']).toBe(KEY);
    expect(sent.body).toMatchObject({ model: 'claude-fake-1', system: [{ type: 'text', text: 'Be helpful.' }], tools: [{ name: 'findContact', description: 'Find a contact by name' }] });
    const record = await callRecord(o, result.callId);
    expect(record).toMatchObject({ providerKind: 'anthropic', tokensIn: 50, tokensOut: 10, costUsd: null, outcome: 'ok', output: { text: 'Let me look.', toolCalls: [{ name: 'findContact', input: { name: 'Ada' } }] } });
    expect(record.costNote).toMatch(/No price is known for model "claude-fake-1"/);
    // A price the workspace sets is used from then on.
    await o.client.request('PUT', api('/provider', o), { kind: 'anthropic', baseUrl: fake.baseUrl, model: 'claude-fake-1', prices: { 'claude-fake-1': { input: 1, output: 2 } } });
    fake.reply({ text: 'Priced.', usage: { input: 1_000_000, output: 500_000 } });
    const priced = await runModel(server.services, ctxOf(o), { feature: 'test:anthropic', messages: hi });
    expect(priced.costUsd).toBe(2);
  });

  it('AI-1 AI-4 a call in Google\'s Gemini format returns tool calls, streams, and is recorded with its tokens', async () => {
    const o = await ownerWithWorkspace(server, 'Gemini Co');
    await connect(o, { kind: 'google', model: 'gemini-2.5-flash' });
    fake.reply({ text: 'Looking.', toolCalls: [{ name: 'findContact', input: { name: 'Ada' } }], usage: { input: 40, output: 8 } });
    const tools = { findContact: tool({ description: 'Find a contact by name', inputSchema: z.object({ name: z.string() }) }) };
    const result = await runModel(server.services, ctxOf(o), { feature: 'test:google', system: 'Be helpful.', messages: hi, tools });
    expect(result.toolCalls).toEqual([expect.objectContaining({ name: 'findContact', input: { name: 'Ada' } })]);
    const sent = fake.last();
    expect(sent).toMatchObject({ api: 'google', path: '/v1/models/gemini-2.5-flash:generateContent', stream: false });
    expect(sent.headers['x-goog-api-key']).toBe(KEY);
    expect(sent.body.systemInstruction.parts[0].text).toBe('Be helpful.');
    expect(sent.body.tools[0].functionDeclarations[0].name).toBe('findContact');
    expect(await callRecord(o, result.callId)).toMatchObject({ providerKind: 'google', tokensIn: 40, tokensOut: 8, outcome: 'ok' });
    fake.reply({ text: 'Hello Ada, nice to meet you.', usage: { input: 9, output: 6 } });
    const streamed = await streamModel(server.services, ctxOf(o), { feature: 'test:google', messages: hi });
    let text = '';
    for await (const piece of streamed.textStream) text += piece;
    expect(text).toBe('Hello Ada, nice to meet you.');
    expect(fake.last()).toMatchObject({ api: 'google', stream: true });
    expect(await streamed.result).toMatchObject({ tokensIn: 9, tokensOut: 6 });
  });

  it('AI-4 structured output is parsed against the schema', async () => {
    fake.reply({ text: JSON.stringify({ subject: 'Hi Ada', score: 7 }) });
    const schema = z.object({ subject: z.string(), score: z.number() });
    const result = await runModel(server.services, ctxOf(owner), { feature: 'test:object', messages: hi, schema });
    expect(result.object).toEqual({ subject: 'Hi Ada', score: 7 });
    expect(fake.last().body.response_format).toMatchObject({ type: 'json_schema' });
    expect((await callRecord(owner, result.callId)).output.object).toEqual({ subject: 'Hi Ada', score: 7 });
  });

  it('AI-4 streaming works in both formats and is recorded when it ends', async () => {
    fake.reply({ text: 'Streaming hello to Ada.', chunkSize: 3, usage: { input: 30, output: 8 } });
    const s = await streamModel(server.services, ctxOf(owner), { feature: 'test:stream', messages: hi });
    const chunks: string[] = [];
    for await (const chunk of s.textStream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.join('')).toBe('Streaming hello to Ada.');
    const result = await s.result;
    expect(fake.last()).toMatchObject({ api: 'openai', stream: true });
    expect(await callRecord(owner, result.callId)).toMatchObject({ streamed: true, outcome: 'ok', tokensIn: 30, tokensOut: 8, output: { text: 'Streaming hello to Ada.' } });

    const o = await ownerWithWorkspace(server, 'Stream Co');
    await connect(o, { kind: 'anthropic', model: 'claude-3-5-haiku-latest' });
    fake.reply({ text: 'Anthropic streams too.', chunkSize: 5, usage: { input: 40, output: 6 } });
    const a = await streamModel(server.services, ctxOf(o), { feature: 'test:stream', messages: hi });
    let text = '';
    for await (const chunk of a.textStream) text += chunk;
    expect(text).toBe('Anthropic streams too.');
    expect(fake.last()).toMatchObject({ api: 'anthropic', stream: true });
    expect(await callRecord(o, (await a.result).callId)).toMatchObject({ streamed: true, outcome: 'ok', tokensIn: 40, tokensOut: 6, costUsd: 0.000056 });

    // A reader that stops early cancels the call, and the record says so.
    fake.reply({ text: 'x'.repeat(400), chunkSize: 1 });
    const early = await streamModel(server.services, ctxOf(owner), { feature: 'test:stream-cancel', messages: hi });
    for await (const _ of early.textStream) break;
    const cancelled = await rejection(early.result);
    expect(cancelled.code).toBe('ai_cancelled');
    expect(await callRecord(owner, cancelled.details.callId as string)).toMatchObject({ outcome: 'cancelled', streamed: true });
  });

  it('AI-4 a 429 is retried honouring Retry-After, then succeeds; a 500 too; giving up is recorded', async () => {
    fake.reply({ status: 429, headers: { 'retry-after': '0' } }, { text: 'Got through.' });
    const after429 = await runModel(server.services, ctxOf(owner), { feature: 'test:retry', messages: hi });
    expect(after429).toMatchObject({ text: 'Got through.', attempts: 2 });
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]!.raw).toBe(fake.requests[1]!.raw);

    fake.reset();
    fake.reply({ status: 500 }, { status: 503 }, { text: 'Recovered.' });
    const after500 = await runModel(server.services, ctxOf(owner), { feature: 'test:retry', messages: hi });
    expect(after500).toMatchObject({ text: 'Recovered.', attempts: 3 });
    expect((await callRecord(owner, after500.callId)).attempts).toBe(3);

    fake.reset();
    fake.otherwise({ status: 429, headers: { 'retry-after': '0' } });
    const busy = await rejection(runModel(server.services, ctxOf(owner), { feature: 'test:retry', messages: hi }));
    expect(busy).toMatchObject({ code: 'ai_provider_rate_limited', statusCode: 503 });
    expect(fake.requests).toHaveLength(4);
    expect(await callRecord(owner, busy.details.callId as string)).toMatchObject({ outcome: 'rate_limited', attempts: 4, tokensIn: null });

    // A provider asking to wait longer than we would is not waited for.
    fake.reset();
    fake.reply({ status: 429, headers: { 'retry-after': '3600' } });
    const tooLong = await rejection(runModel(server.services, ctxOf(owner), { feature: 'test:retry', messages: hi }));
    expect(tooLong.code).toBe('ai_provider_rate_limited');
    expect(fake.requests).toHaveLength(1);

    // A 400 is not retried.
    fake.reset();
    fake.reply({ status: 400, message: 'Invalid model' });
    const bad = await rejection(runModel(server.services, ctxOf(owner), { feature: 'test:retry', messages: hi }));
    expect(bad).toMatchObject({ code: 'ai_provider_error', statusCode: 502 });
    expect(bad.message).toBe('The provider turned the request down. It said: “Invalid model”');
    expect(fake.requests).toHaveLength(1);
    expect(await callRecord(owner, bad.details.callId as string)).toMatchObject({ outcome: 'error', attempts: 1 });
  });

  it('AI-4 WS-5 over a daily limit the call is refused with 429 ai_limit_reached, and recorded', async () => {
    const o = await ownerWithWorkspace(server, 'Limited Co');
    await connect(o, { kind: 'openai', model: 'gpt-4o-mini' });
    const limits = server.services.config.ai.limits;
    const saved = { ...limits };
    limits.userCallsPerDay = 1;
    try {
      await runModel(server.services, ctxOf(o), { feature: 'test:limit', messages: hi });
      const refused = await rejection(runModel(server.services, ctxOf(o), { feature: 'test:limit', messages: hi }));
      expect(refused).toMatchObject({ code: 'ai_limit_reached', statusCode: 429 });
      expect(refused.message).toMatch(/You have used your 1 AI calls for today/);
      expect(refused.details).toMatchObject({ limit: 'user_calls_per_day', used: 1, max: 1 });
      expect(fake.requests).toHaveLength(1);
      expect(await callRecord(o, refused.details.callId as string)).toMatchObject({ outcome: 'limit_exceeded', attempts: 0, tokensIn: null, costNote: null });
      const viaHttp = await o.client.post(api('/provider/test', o));
      expect(viaHttp.statusCode).toBe(429);
      expect(viaHttp.json().error.code).toBe('ai_limit_reached');
      // Refused calls do not count toward the limit; the usage page shows them as failed.
      const usage = (await o.client.get(api('/usage', o))).json();
      expect(usage.totals).toMatchObject({ calls: 1, failed: 2 });
      expect(usage.limits.userCallsPerDay).toBe(1);
      limits.userCallsPerDay = null;
      limits.workspaceTokensPerDay = 17;
      const tokens = await rejection(runModel(server.services, ctxOf(o), { feature: 'test:limit', messages: hi }));
      expect(tokens.details).toMatchObject({ limit: 'workspace_tokens_per_day', used: 17 });
    } finally {
      Object.assign(limits, saved);
    }
  });

  it('AI-6 a restricted contact is never sent; emails and phone numbers are redacted when the workspace asks', async () => {
    const post = async (path: string, body: unknown) => {
      const res = await owner.client.post(crm(path), body);
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };
    const ada = await post('/contacts', { firstName: 'Ada', lastName: 'Lovelace', emails: ['ada@engine.example'], phones: ['+1 415 555 0100'], title: 'Analyst' });
    const rita = await post('/contacts', { firstName: 'Rita', lastName: 'Restricted', emails: ['rita@private.example'], restricted: true });
    const deal = await post('/deals', { name: 'Private engine', contactId: rita.id, currency: 'USD' });
    const ctx = ctxOf(owner);
    const context = await buildRecordContext(server.services.database.db, ctx, [
      { type: 'contacts', id: ada.id },
      { type: 'contacts', id: rita.id },
      { type: 'deals', id: deal.id },
    ]);
    expect(context.refs).toEqual([{ type: 'contacts', id: ada.id }, { type: 'deals', id: deal.id }]);
    expect(context.omitted).toBe(1);
    const result = await runModel(server.services, ctx, { feature: 'test:context', system: `Records:\n${context.text}`, messages: hi, recordRefs: context.refs });
    const sent = fake.last().raw;
    expect(sent).toContain('Ada Lovelace');
    expect(sent).toContain('ada@engine.example');
    expect(sent).toContain('Private engine');
    for (const secret of ['Rita', 'Restricted', 'rita@private.example', rita.id]) expect(sent).not.toContain(secret);
    expect((await callRecord(owner, result.callId)).recordRefs).toEqual(context.refs);

    expect((await staff.client.request('PUT', api('/settings'), { redactPii: true })).statusCode).toBe(403);
    expect((await owner.client.request('PUT', api('/settings'), { redactPii: true })).json()).toEqual({ redactPii: true });
    try {
      const redacted = await buildRecordContext(server.services.database.db, ctx, [{ type: 'contacts', id: ada.id }]);
      await runModel(server.services, ctx, { feature: 'test:context', system: redacted.text, messages: hi, recordRefs: redacted.refs });
      const body = fake.last().raw;
      expect(body).toContain('Ada Lovelace');
      for (const pii of ['ada@engine.example', '555', '0100']) expect(body).not.toContain(pii);
    } finally {
      await owner.client.request('PUT', api('/settings'), { redactPii: false });
    }
  });

  it('AI-1 the operator provider comes from config, is validated at boot, and yields to a workspace provider', async () => {
    const base = { NODE_ENV: 'test', DATABASE_URL: 'postgres://x@localhost/x' };
    expect(() => loadConfig({ ...base, AI_PROVIDER: 'openai_compatible', AI_MODEL: 'llama3' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, AI_PROVIDER: 'openai', AI_MODEL: 'gpt-4o-mini' })).toThrow(/AI_API_KEY/);
    expect(() => loadConfig({ ...base, AI_API_KEY: 'sk-dangling-key' })).toThrow(/AI_PROVIDER/);
    expect(() => loadConfig({ ...base, AI_PRICES: '{"m": {"input": "cheap"}}' })).toThrow(/AI_PRICES/);
    const loaded = loadConfig({ ...base, AI_PROVIDER: 'openai_compatible', AI_BASE_URL: `${fake.baseUrl}/`, AI_API_KEY: 'op-key-0123456789', AI_MODEL: 'local-llama', AI_PRICES: '{"local-llama": {"input": 0, "output": 0}}' });
    expect(loaded.ai.operator).toEqual({ kind: 'openai_compatible', baseUrl: fake.baseUrl, apiKey: 'op-key-0123456789', model: 'local-llama', embeddingModel: null });
    expect('AI_API_KEY' in loaded).toBe(false);

    const o = await ownerWithWorkspace(server, 'Operator Co');
    const ai = server.services.config.ai;
    ai.operator = loaded.ai.operator;
    ai.prices = loaded.ai.prices;
    try {
      expect((await o.client.get(api('/status', o))).json()).toMatchObject({ configured: true, source: 'operator', kind: 'openai_compatible', model: 'local-llama' });
      const state = (await o.client.get(api('/provider', o))).json();
      expect(state).toEqual({ workspace: null, operator: { kind: 'openai_compatible', model: 'local-llama' }, active: 'operator' });
      expect(JSON.stringify(state)).not.toContain('op-key');
      fake.reply({ text: 'From the operator.' });
      const result = await runModel(server.services, ctxOf(o), { feature: 'test:operator', messages: hi });
      expect(fake.last().headers.authorization).toBe('Bearer op-key-0123456789');
      expect(fake.last().body.model).toBe('local-llama');
      expect(await callRecord(o, result.callId)).toMatchObject({ providerSource: 'operator', providerKind: 'openai_compatible', costUsd: 0 });
      await connect(o, { kind: 'openai', model: 'gpt-4o-mini' });
      await runModel(server.services, ctxOf(o), { feature: 'test:operator', messages: hi });
      expect(fake.last().headers.authorization).toBe(`Bearer ${KEY}`);
    } finally {
      ai.operator = null;
      ai.prices = {};
    }
  });
});

describe('record and usage', () => {
  it('AI-4 WS-3 staff see their own calls; another workspace sees none of ours', async () => {
    const mine = await runModel(server.services, memberCtx(staff, 'staff'), { feature: 'test:staff', messages: hi });
    const theirs = await runModel(server.services, ctxOf(owner), { feature: 'test:staff', messages: hi });
    const staffList = (await staff.client.get(api('/calls?limit=100'))).json();
    expect(staffList.items.map((c: { id: string }) => c.id)).toContain(mine.callId);
    expect(staffList.items.every((c: { userId: string }) => c.userId === staff.userId)).toBe(true);
    expect((await staff.client.get(api(`/calls/${theirs.callId}`))).statusCode).toBe(404);
    expect((await staff.client.get(api(`/calls/${mine.callId}`))).statusCode).toBe(200);
    const ownerView = (await owner.client.get(api(`/calls?feature=test:staff&userId=${staff.userId}`))).json();
    expect(ownerView.items.map((c: { id: string }) => c.id)).toEqual([mine.callId]);
    // Another workspace: its own routes do not find our call; ours are not theirs to open.
    expect((await stranger.client.get(api(`/calls/${theirs.callId}`, stranger))).statusCode).toBe(404);
    expect((await stranger.client.get(api(`/calls/${theirs.callId}`))).statusCode).toBe(404);
    expect((await stranger.client.get(api('/calls', stranger))).json().items).toEqual([]);
    expect((await stranger.client.get(api('/provider', stranger))).json()).toMatchObject({ workspace: null, active: null });
    expect((await stranger.client.get(api('/provider'))).statusCode).toBe(404);
  });

  it('AI-4 the call list pages newest first and filters by outcome', async () => {
    fake.reply({ text: 'one' }, { text: 'two' }, { text: 'three' });
    for (let i = 0; i < 3; i++) await runModel(server.services, ctxOf(owner), { feature: 'test:paging', messages: hi });
    fake.otherwise({ status: 429, headers: { 'retry-after': '0' } });
    await rejection(runModel(server.services, ctxOf(owner), { feature: 'test:paging', messages: hi }));
    const first = (await owner.client.get(api('/calls?limit=2'))).json();
    expect(first.items).toHaveLength(2);
    expect(first.items[0].id > first.items[1].id).toBe(true);
    const second = (await owner.client.get(api(`/calls?limit=2&cursor=${first.nextCursor}`))).json();
    expect(second.items[0].id < first.items[1].id).toBe(true);
    const errors = (await owner.client.get(api('/calls?outcome=rate_limited'))).json();
    expect(errors.items.length).toBeGreaterThan(0);
    expect(errors.items.every((c: { outcome: string }) => c.outcome === 'rate_limited')).toBe(true);
  });

  it('WS-5 usage per day and per member over the last 30 days', async () => {
    for (let i = 0; i < 3; i++) await runModel(server.services, ctxOf(owner), { feature: 'test:usage', messages: hi });
    await runModel(server.services, memberCtx(staff, 'staff'), { feature: 'test:usage', messages: hi });
    const usage = (await owner.client.get(api('/usage'))).json();
    const today = new Date().toISOString().slice(0, 10);
    expect(usage.scope).toBe('workspace');
    expect(usage.days.map((d: { day: string }) => d.day)).toEqual([today]);
    expect(usage.totals.calls).toBeGreaterThanOrEqual(4);
    expect(usage.totals.tokensIn).toBeGreaterThan(0);
    expect(usage.totals.costUsd).toBeGreaterThan(0);
    expect(usage.users.map((u: { userName: string }) => u.userName)).toEqual(expect.arrayContaining(['Olive Owner', 'staff person']));
    const own = (await staff.client.get(api('/usage'))).json();
    expect(own.scope).toBe('own');
    expect(own.users.map((u: { userId: string }) => u.userId)).toEqual([staff.userId]);
  });

  it('AI-4 WS-4 issue 14: a call record and an audit entry written in one statement each leave no workspace scope on the pooled connection', async () => {
    // One connection, so the statement after the record runs where the record was written.
    const pool = new pg.Pool({ ...server.services.database.pool.options, max: 1 });
    try {
      const db = drizzle(pool, { schema });
      const base = { feature: 'test:one-statement', providerKind: 'openai' as const, providerSource: 'workspace' as const, model: 'gpt-4o-mini', prompt: { system: null, messages: [] }, outcome: 'ok' as const };
      const id = await recordCall(db, ctxOf(owner), { ...base, tokensIn: 3, streamed: true });
      const after = await pool.query<{ w: string | null; u: string | null; sync: string; visible: number }>(
        `SELECT current_setting('kestrel.workspace_id', true) AS w, current_setting('kestrel.user_id', true) AS u, current_setting('synchronous_commit') AS sync, (SELECT count(*) FROM ai_calls) AS visible`,
      );
      expect(after.rows[0]).toEqual({ w: expect.toBeOneOf(['', null]), u: expect.toBeOneOf(['', null]), sync: 'on', visible: 0 });
      // The agent's audit entries use the same one-statement rule (decision 023).
      await recordAuditAlone(db, ctxOf(owner), { action: 'test.one_statement', targetType: 'agent_run', targetId: id }, { waitForDisk: false });
      const afterAudit = await pool.query(`SELECT current_setting('kestrel.workspace_id', true) AS w, current_setting('synchronous_commit') AS sync, (SELECT count(*) FROM audit_log) AS visible`);
      expect(afterAudit.rows[0]).toEqual({ w: expect.toBeOneOf(['', null]), sync: 'on', visible: 0 });
      const audit = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/audit?action=test.one_statement`)).json();
      expect(audit.entries.map((e: { targetId: string }) => e.targetId)).toEqual([id]);
      // Written in the owner's workspace, under the owner, as before.
      const listed = (await owner.client.get(api('/calls?limit=50'))).json();
      expect(listed.items.find((c: { id: string }) => c.id === id)).toMatchObject({ feature: 'test:one-statement', outcome: 'ok', tokensIn: 3 });
      expect((await stranger.client.get(api('/calls?limit=50', stranger))).json().items.map((c: { id: string }) => c.id)).not.toContain(id);
      // Inside a longer transaction the caller's own scope is back after the record.
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('kestrel.workspace_id', $1, true), set_config('kestrel.user_id', $2, true)`, [stranger.workspaceId, stranger.userId]);
        await drizzle(client).execute(sql`SELECT kestrel_record_ai_call(${owner.workspaceId}::uuid, ${owner.userId}::uuid, gen_random_uuid(), 'test:nested', null, 'openai', 'workspace', 'm', '{}'::jsonb, null, null, null, null, null, null, null, null, 'ok', null)`);
        const inside = await client.query<{ w: string; u: string }>(`SELECT current_setting('kestrel.workspace_id', true) AS w, current_setting('kestrel.user_id', true) AS u`);
        expect(inside.rows[0]).toEqual({ w: stranger.workspaceId, u: stranger.userId });
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
    } finally {
      await pool.end();
    }
  });
});

