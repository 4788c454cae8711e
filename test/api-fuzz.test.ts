import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseDataError } from '../src/server/platform/http/errors';
import { TestClient, addMember, ownerWithWorkspace } from './helpers/client';
import { hostile, hostileLeaf, oddStrings, valid, type ArbitraryOptions, type JsonSchema } from './helpers/openapi-arbitrary';
import { startTestServer, type TestServer } from './helpers/server';

/**
 * INT-4: every operation of the OpenAPI document, called as a signed-in owner with
 * requests generated from its own schemas (fast-check), with every value at the bounds its schema
 * declares (so a bound wider than the column's shows), then with hostile ones (wrong types, huge
 * and negative numbers, long and odd strings, nulls, unknown keys, malformed JSON, bad path ids).
 * No answer may be a 5xx, and every 4xx must have the standard error shape.
 *
 * Nothing is skipped: operations that end the session or the owner's membership (sign-out, a
 * changed role) are followed by signing in again or a fresh owner and workspace. Paths use ids of
 * real records (seeded, then collected from every successful answer) or random ones. Calls that
 * would leave the machine (a provider's default base URL) fail as offline, the way they would
 * without a network. `FUZZ_SEED` and `FUZZ_RUNS` reproduce or widen a run; `FUZZ_ONLY` narrows it to paths containing one of its comma-separated texts.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.FUZZ_RUNS ?? 5);
/** Reproducing a failure: only operations whose path contains one of these (comma-separated). */
const ONLY = process.env.FUZZ_ONLY?.split(',').filter(Boolean);

interface Operation {
  method: string;
  path: string;
  operationId: string;
  parameters: Array<{ name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema: JsonSchema }>;
  body: JsonSchema | null;
}
interface GeneratedRequest {
  path: Record<string, string>;
  query: Record<string, unknown>;
  body?: unknown;
}

let server: TestServer;
let doc: { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, JsonSchema> } };
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let operations: Operation[] = [];
/** Ids of real records by the path parameter that names them (`contactId`, ...). */
const known = new Map<string, Set<string>>();
/** The path parameter naming the items of each collection path, e.g. `/api/workspaces/{workspaceId}/contacts` → `contactId`. */
const itemParamOf = new Map<string, string>();
const realFetch = globalThis.fetch;
let recoveries = { signIns: 0, freshOwners: 0 };

const remember = (param: string, id: unknown) => {
  if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) return;
  const set = known.get(param) ?? new Set<string>();
  set.add(id);
  known.set(param, set);
};

/** Collects the ids a successful answer names, under the parameter its collection's items use. */
function harvest(collectionPath: string, res: LightMyRequestResponse): void {
  const param = itemParamOf.get(collectionPath);
  if (!param || res.statusCode >= 300 || !res.headers['content-type']?.toString().includes('json')) return;
  const body = res.json() as { id?: unknown; items?: Array<{ id?: unknown }>; stages?: Array<{ id?: unknown }> } | unknown[];
  const items = Array.isArray(body) ? body : [body, ...(Array.isArray(body.items) ? body.items : [])];
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    remember(param, (item as { id?: unknown }).id);
    for (const stage of (item as { stages?: Array<{ id?: unknown }> }).stages ?? []) remember('stageId', stage.id);
    for (const value of Object.values(item)) if (Array.isArray(value)) for (const v of value) if (v && typeof v === 'object' && 'id' in v) remember(param, (v as { id: unknown }).id);
  }
}

/** Percent-encodes a path value; a lone surrogate (no UTF-8 for it) goes as the bytes of one, which is not valid UTF-8. */
const encodePathValue = (value: string) => {
  try {
    return encodeURIComponent(value);
  } catch {
    return value.replace(/[\ud800-\udfff]/g, '%ED%A0%80').replace(/[^%A-Za-z0-9]/g, (c) => { try { return encodeURIComponent(c); } catch { return '%ED%A0%80'; } });
  }
};
const fillPath = (path: string, values: Record<string, string>) => path.replace(/\{([^}]+)\}/g, (_, name: string) => encodePathValue(values[name] ?? ''));

function queryString(query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) params.append(k, one !== null && typeof one === 'object' ? JSON.stringify(one) : String(one));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

function arbitraryOptions(extremes = false): ArbitraryOptions {
  return {
    extremes,
    components: doc.components.schemas,
    known: (name) => (name === 'workspaceId' ? [owner.workspaceId] : [...(known.get(name) ?? [])]),
    uriBase: 'http://127.0.0.1:9',
  };
}

/** A request to `op`, generated from its schemas (`valid`) or with one hostile spot (`hostile`). */
function requestArbitrary(op: Operation, mode: 'valid' | 'extremes' | 'hostile'): fc.Arbitrary<GeneratedRequest> {
  const opts = arbitraryOptions(mode === 'extremes');
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const validPath = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, p.name === 'workspaceId' ? fc.constant(owner.workspaceId) : valid(p.schema, opts, p.name).map(String)]))) as fc.Arbitrary<Record<string, string>>;
  const validQuery = fc.record(Object.fromEntries(queryParams.map((p) => [p.name, valid(p.schema, opts, p.name)])), {
    requiredKeys: queryParams.filter((p) => p.required).map((p) => p.name),
  }) as fc.Arbitrary<Record<string, unknown>>;
  const validBody = op.body ? valid(op.body, opts) : fc.constant(undefined);
  if (mode !== 'hostile') return fc.record({ path: validPath, query: validQuery, body: validBody }, { requiredKeys: ['path', 'query'] });

  const hostileText = fc.oneof(fc.constantFrom(...oddStrings.filter(Boolean)), fc.constant('z'.repeat(3000)), fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }));
  const spots: Array<fc.Arbitrary<GeneratedRequest>> = [];
  const nonWorkspacePath = pathParams.filter((p) => p.name !== 'workspaceId');
  if (nonWorkspacePath.length) {
    spots.push(
      fc
        .tuple(validPath, validQuery, validBody, fc.constantFrom(...nonWorkspacePath.map((p) => p.name)), hostileText)
        .map(([path, query, body, name, bad]) => ({ path: { ...path, [name]: bad }, query, body })),
    );
  }
  if (queryParams.length) {
    spots.push(
      fc
        .tuple(validPath, validQuery, validBody, fc.constantFrom(...queryParams), fc.nat())
        .chain(([path, query, body, param]) =>
          fc.oneof(hostile(param.schema, opts), hostileLeaf, fc.array(hostileText, { minLength: 2, maxLength: 3 })).map((bad) => ({ path, query: { ...query, [param.name]: bad }, body })),
        ),
    );
  }
  spots.push(fc.tuple(validPath, validQuery, validBody, hostileText).map(([path, query, body, bad]) => ({ path, query: { ...query, unexpected: bad }, body })));
  if (op.body) {
    spots.push(fc.tuple(validPath, validQuery, hostile(op.body, opts)).map(([path, query, body]) => ({ path, query, body })));
    spots.push(
      fc
        .tuple(validPath, validQuery, fc.constantFrom('{"unterminated":', '[]]', '\u0000', 'null', '"just a string"', '{"a":1}{"b":2}', '{"deep":' + '['.repeat(5000) + ']'.repeat(5000) + '}'))
        .map(([path, query, raw]) => ({ path, query, body: { __raw: raw } })),
    );
  } else if (op.method !== 'GET') {
    spots.push(fc.tuple(validPath, validQuery, hostileLeaf).map(([path, query, body]) => ({ path, query, body })));
  }
  return fc.oneof(...spots);
}

async function send(client: TestClient, op: Operation, req: GeneratedRequest): Promise<LightMyRequestResponse> {
  const url = fillPath(op.path, req.path) + queryString(req.query);
  const raw = req.body && typeof req.body === 'object' && '__raw' in (req.body as object) ? (req.body as { __raw: string }).__raw : undefined;
  const body = raw ?? (op.method === 'GET' ? undefined : req.body === undefined && op.body ? undefined : req.body);
  return client.request(op.method as 'GET', url, body);
}

/**
 * What is wrong with an answer, or null: no 500, and every 4xx in `{ error: { code, message, details } }`.
 * A 502/503/504 is the one 5xx allowed: an outside server the fuzzer itself configured (an SMTP host
 * it made up) failed, and Kestrel says so in the same shape, never as an internal error.
 */
function problemWith(res: LightMyRequestResponse): string | null {
  const upstream = [502, 503, 504].includes(res.statusCode);
  if (res.statusCode >= 500 && !upstream) return `answered ${res.statusCode}: ${res.body.slice(0, 300)}`;
  if (res.statusCode >= 400) {
    let body: { error?: { code?: unknown; message?: unknown; details?: unknown } };
    try {
      body = res.json();
    } catch {
      return `answered ${res.statusCode} without JSON: ${res.body.slice(0, 200)}`;
    }
    const e = body?.error;
    if (!e || typeof e.code !== 'string' || typeof e.message !== 'string' || !e.details || typeof e.details !== 'object' || Array.isArray(e.details)) {
      return `answered ${res.statusCode} outside the error shape: ${res.body.slice(0, 200)}`;
    }
  }
  return null;
}

/** After a write went through: still signed in as the workspace's owner? Otherwise sign in again, or start over. */
async function ensureOwner(): Promise<void> {
  const me = await owner.client.get('/api/auth/me');
  const ok = me.statusCode === 200 && (me.json().workspaces as Array<{ id: string; role: string }>).some((w) => w.id === owner.workspaceId && w.role === 'owner');
  if (ok) return;
  if (me.statusCode === 200 && me.json().user) {
    await freshOwner();
    return;
  }
  const again = new TestClient(server.app);
  const res = await again.post('/api/auth/sign-in', { email: owner.email, password: owner.password });
  const meAgain = again.cookie ? await again.get('/api/auth/me') : null;
  if (res.statusCode === 200 && meAgain?.statusCode === 200 && meAgain.json().workspaces.some((w: { id: string; role: string }) => w.id === owner.workspaceId && w.role === 'owner')) {
    recoveries.signIns++;
    owner.client.cookie = again.cookie;
    owner.client.csrf = again.csrf;
    return;
  }
  await freshOwner();
}

async function freshOwner(): Promise<void> {
  recoveries.freshOwners++;
  owner = await ownerWithWorkspace(server, 'Fuzz Again Co');
  known.clear();
  await seed();
}

/** Real records for path parameters; each answer's ids are collected like every other answer's. */
async function seed(): Promise<void> {
  const ws = `/api/workspaces/${owner.workspaceId}`;
  const post = async (path: string, body: unknown) => harvest(`${ws}${path}`.replace(owner.workspaceId, '{workspaceId}'), await owner.client.post(`${ws}${path}`, body));
  const get = async (path: string) => harvest(`${ws}${path}`.replace(owner.workspaceId, '{workspaceId}'), await owner.client.get(`${ws}${path}`));
  await post('/companies', { name: 'Fuzz Co' });
  const companyId = [...(known.get('companyId') ?? [])][0];
  await post('/contacts', { firstName: 'Ada', lastName: 'Lovelace', emails: ['ada@example.test'], companyId });
  const contactId = [...(known.get('contactId') ?? [])][0];
  await get('/pipelines');
  await post('/deals', { name: 'Fuzz deal', amount: '1200.50', contactId, companyId });
  await post('/tags', { name: 'fuzzed' });
  await post('/activities', { kind: 'task', subject: 'Call back', links: [{ recordType: 'contacts', recordId: contactId }] });
  await post('/custom-fields', { object: 'contacts', key: 'favourite_colour', label: 'Favourite colour', type: 'text' });
  await post('/scoring-rules', { label: 'Customers', condition: { kind: 'lifecycle', values: ['customer'] }, points: 10 });
  await post('/views', { name: 'All contacts', definition: { object: 'contacts' } });
  await post('/invitations', { email: 'invitee@example.test', role: 'staff' });
  for (const path of ['/members', '/territory-rules', '/imports', '/bulk-operations', '/agents/runs', '/ai/calls', '/approvals', '/brain/conversations']) await get(path);
}

beforeAll(async () => {
  server = await startTestServer({ AI_MAX_ATTEMPTS: '1', AI_TIMEOUT_MS: '2000', AI_RETRY_BASE_MS: '5' });
  // Offline, as a machine without a network would be: only loopback answers.
  globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new TypeError('fetch failed', { cause: new Error(`getaddrinfo ENOTFOUND ${url.hostname}`) });
    return realFetch(input, init);
  }) as typeof fetch;
  doc = (await server.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const body = op.requestBody?.content?.['application/json']?.schema ?? null;
      operations.push({ method: method.toUpperCase(), path, operationId: op.operationId, parameters: op.parameters ?? [], body });
    }
    const item_ = /^(.*)\/\{([^}]+)\}$/.exec(path);
    if (item_) itemParamOf.set(item_[1]!, item_[2]!);
  }
  // Collections and reads first, so that ids are known when their items' routes come; deletions last.
  const rank = (op: Operation) => (op.method === 'DELETE' ? 2 : op.path.endsWith('}') ? 1 : 0);
  operations = operations.sort((a, b) => rank(a) - rank(b) || a.path.length - b.path.length || a.path.localeCompare(b.path));
  owner = await ownerWithWorkspace(server, 'Fuzz Co');
  await addMember(server, owner, 'staff');
  await seed();
}, 300_000);

afterAll(() => {
  globalThis.fetch = realFetch;
});

describe('fuzzing every operation of the OpenAPI document as a signed-in owner', () => {
  it('INT-4 generated and hostile requests never answer 5xx, and every 4xx has the standard error shape', { timeout: 600_000 }, async () => {
    expect(operations.length).toBeGreaterThan(150);
    if (ONLY) operations = operations.filter((op) => ONLY.some((part) => op.path.includes(part)));
    const failures: string[] = [];
    const statuses: Record<string, number> = {};
    let requests = 0;
    const started = Date.now();
    for (const [index, op] of operations.entries()) {
      for (const mode of ['valid', 'extremes', 'hostile'] as const) {
        const opStarted = Date.now();
        const details = await fc.check(
          fc.asyncProperty(requestArbitrary(op, mode), async (req) => {
            const res = await send(owner.client, op, req);
            requests++;
            statuses[`${res.statusCode}`] = (statuses[`${res.statusCode}`] ?? 0) + 1;
            const collection = op.path;
            harvest(collection, res);
            const problem = problemWith(res);
            if (op.method !== 'GET' && res.statusCode < 300) await ensureOwner();
            if (problem) throw new Error(problem);
          }),
          { numRuns: mode === 'extremes' ? 2 : RUNS, seed: SEED + index * 3 + ['valid', 'extremes', 'hostile'].indexOf(mode), endOnFailure: true },
        );
        if (process.env.FUZZ_VERBOSE) process.stderr.write(`${op.method} ${op.path} ${mode} ${Date.now() - opStarted} ms\n`);
        if (details.failed) {
          const example = JSON.stringify(details.counterexample?.[0])?.slice(0, 400);
          failures.push(`${op.method} ${op.path} (${mode}, seed ${details.seed}): ${String((details.errorInstance as Error)?.message ?? details.errorInstance)} — request ${example}`);
          await ensureOwner();
        }
      }
    }
    console.log(`fuzz: ${operations.length} operations, ${requests} requests in ${Math.round((Date.now() - started) / 1000)} s, statuses ${JSON.stringify(statuses)}, recoveries ${JSON.stringify(recoveries)}`);
    expect(failures).toEqual([]);
  });
});

describe('the safety net behind the bounded contracts', () => {
  it('INT-4 a value PostgreSQL refuses (out of range, too long, a NUL character) is named as the caller\'s error, never as ours', async () => {
    const { db } = server.services.database;
    const refusal = async (query: ReturnType<typeof sql>) => {
      try {
        await db.execute(query);
      } catch (error) {
        return databaseDataError(error);
      }
      throw new Error('expected PostgreSQL to refuse the value');
    };
    expect(await refusal(sql`SELECT ${'2147483648'}::int`)).toEqual({ code: 'value_out_of_range', message: 'A number is out of range.' });
    let tooLong: unknown = null;
    await db
      .transaction(async (tx) => {
        await tx.execute(sql`CREATE TEMP TABLE fuzz_short (v varchar(2)) ON COMMIT DROP`);
        await tx.execute(sql`INSERT INTO fuzz_short VALUES (${'abcd'})`);
      })
      .catch((error: unknown) => (tooLong = error));
    expect(databaseDataError(tooLong)).toEqual({ code: 'value_too_long', message: 'A value is too long.' });
    expect(await refusal(sql`SELECT ${'a\u0000b'}::text`)).toMatchObject({ code: 'invalid_value' });
    expect(databaseDataError(new Error('connection refused'))).toBeNull();
  });
});
