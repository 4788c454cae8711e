// Latency of the CRM's read paths on the generated million-contact workspace: the real routes
// through app.inject (routing, session, validation, use case, serialisation — everything but
// the socket), and the plan PostgreSQL used for the slowest statement of each.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { APP_ROLE } from '../src/server/platform/db/migrate';

export interface Scenario {
  key: string;
  label: string;
  /** Bound from the issue on p95, in ms. */
  boundMs: number;
  /** The i-th request; `state` carries a cursor between pages. */
  request: (i: number, state: { cursor?: string | null }) => { method: 'GET' | 'POST'; url: string; body?: unknown };
  /** What a good answer looks like, checked on every run. */
  check: (res: LightMyRequestResponse) => string | null;
}

export interface LatencyResult {
  key: string;
  label: string;
  boundMs: number;
  runs: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  rowsFirst: number;
  plan: CapturedPlan | null;
}

export interface CapturedPlan {
  /** The statement that took longest in one request (the others are look-ups of a few rows). */
  sql: string;
  text: string;
  summary: string;
}

export const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;

/** Signs in through the app and returns headers that make a request look like the web app's. */
export async function signIn(app: FastifyInstance, login: { email: string; password: string }): Promise<Record<string, string>> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: login, remoteAddress: '10.9.9.9' });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const c = res.cookies.find((x) => x.name.endsWith('kestrel_session'));
  if (!c) throw new Error('sign-in set no session cookie');
  const cookie = `${c.name}=${c.value}`;
  const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie }, remoteAddress: '10.9.9.9' });
  return { cookie, 'x-csrf-token': me.json().csrfToken as string };
}

const inject = (app: FastifyInstance, headers: Record<string, string>, r: { method: 'GET' | 'POST'; url: string; body?: unknown }) =>
  app.inject({ method: r.method, url: r.url, headers: { ...headers, ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}) }, remoteAddress: '10.9.9.9', ...(r.body !== undefined ? { payload: JSON.stringify(r.body) } : {}) });

interface Captured {
  text: string;
  values: unknown[];
  ms: number;
}

/** Records every statement the app's pool sends while `fn` runs (one request at a time). */
async function capture(fn: () => Promise<unknown>): Promise<Captured[]> {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const seen: Captured[] = [];
  proto.query = function (this: unknown, ...args: unknown[]) {
    const a = args[0] as string | { text?: string; values?: unknown[] };
    const text = typeof a === 'string' ? a : a?.text;
    // drizzle passes a query config object and the values beside it (`query(config, params)`).
    const values = (typeof a === 'string' ? args[1] : (a?.values ?? args[1])) as unknown[] | undefined;
    const result = original.apply(this, args);
    if (typeof text === 'string' && result && typeof (result as Promise<unknown>).then === 'function') {
      const entry: Captured = { text, values: Array.isArray(values) ? values : [], ms: 0 };
      seen.push(entry);
      const t0 = performance.now();
      (result as Promise<unknown>).then(
        () => (entry.ms = performance.now() - t0),
        () => (entry.ms = performance.now() - t0),
      );
    }
    return result;
  };
  try {
    await fn();
  } finally {
    proto.query = original;
  }
  return seen;
}

/**
 * Replays a request's statements in one rolled-back transaction as the application role (so
 * row-level security shapes the plan as it does in the app), with EXPLAIN on the slowest.
 */
async function explainSlowest(ownerUrl: string, statements: Captured[]): Promise<CapturedPlan | null> {
  const replayable = statements.filter((s) => !/^\s*(begin|commit|rollback)\b/i.test(s.text));
  const slowest = replayable.filter((s) => /^\s*(select|with)\b/i.test(s.text) && !/set_config/.test(s.text)).sort((a, b) => b.ms - a.ms)[0];
  if (!slowest) return null;
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL ROLE ${APP_ROLE}`);
    let text = '';
    for (const s of replayable) {
      if (s === slowest) {
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${s.text}`, s.values);
        text = rows.map((r) => r['QUERY PLAN']).join('\n');
        break;
      }
      // A statement that fails as replayed (a sign-in look-up, say) must not abort the rest.
      await client.query('SAVEPOINT replay');
      await client.query(s.text, s.values).then(
        () => client.query('RELEASE SAVEPOINT replay'),
        () => client.query('ROLLBACK TO SAVEPOINT replay'),
      );
    }
    await client.query('ROLLBACK');
    return { sql: slowest.text, text, summary: summarisePlan(text) };
  } finally {
    await client.end();
  }
}

/** "Index Scan Backward using contacts_created_idx → Limit; 0.21 ms; shared hit=12" */
export function summarisePlan(text: string): string {
  const nodes = [...text.matchAll(/(?:->\s+)?((?:Parallel )?(?:Index Only Scan|Index Scan|Bitmap Index Scan|Bitmap Heap Scan|Seq Scan)(?: Backward)?(?: using| on) \S+)/g)].map((m) => m[1]!);
  const exec = /Execution Time: ([\d.]+) ms/.exec(text)?.[1];
  const buffers = /Buffers: ([^\n]+)/.exec(text)?.[1];
  const sort = /Sort Method: ([^\n]+)/.exec(text)?.[1];
  return [[...new Set(nodes)].join('; ') || 'no scan nodes', sort ? `sort: ${sort.trim()}` : '', exec ? `${exec} ms in PostgreSQL` : '', buffers ? `buffers ${buffers.trim()}` : '']
    .filter(Boolean)
    .join(' — ');
}

/** Runs a scenario `runs` times after a warm-up and returns its latency distribution and plan. */
export async function measure(app: FastifyInstance, headers: Record<string, string>, ownerUrl: string, s: Scenario, runs: number, log: (l: string) => void): Promise<LatencyResult> {
  const state: { cursor?: string | null } = {};
  for (let i = 0; i < 10; i++) await inject(app, headers, s.request(i, state));
  const times: number[] = [];
  let rowsFirst = 0;
  const run = { cursor: undefined as string | null | undefined };
  for (let i = 0; i < runs; i++) {
    const r = s.request(i, run);
    const t0 = performance.now();
    const res = await inject(app, headers, r);
    times.push(performance.now() - t0);
    const problem = s.check(res);
    if (problem) throw new Error(`${s.key} run ${i}: ${problem}`);
    const body = res.json() as { rows?: unknown[]; results?: unknown[]; nextCursor?: string | null };
    if (i === 0) rowsFirst = (body.rows ?? body.results ?? []).length;
    if ('nextCursor' in body) run.cursor = body.nextCursor;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const statements = await capture(() => inject(app, headers, s.request(0, {})));
  const plan = await explainSlowest(ownerUrl, statements).catch((e: unknown) => ({ sql: '', text: String(e), summary: `EXPLAIN failed: ${String(e)}` }));
  if (plan?.sql) {
    // The statement and its values, kept to rerun by hand in psql.
    const file = path.join(os.tmpdir(), `kestrel-bench-${s.key}.sql`);
    writeFileSync(file, `${plan.sql}\n-- values: ${JSON.stringify(statements.find((st) => st.text === plan.sql)?.values ?? [])}\n`);
  }
  const result = { key: s.key, label: s.label, boundMs: s.boundMs, runs, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), max: sorted.at(-1)!, rowsFirst, plan };
  log(`  ${s.key}: p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms (${runs} runs)`);
  return result;
}

const ok = (res: LightMyRequestResponse) => (res.statusCode === 200 ? null : `HTTP ${res.statusCode}: ${res.body.slice(0, 300)}`);
const okWithRows = (min: number) => (res: LightMyRequestResponse) => {
  const problem = ok(res);
  if (problem) return problem;
  const body = res.json() as { rows?: unknown[]; results?: unknown[] };
  const n = (body.rows ?? body.results ?? []).length;
  return n >= min ? null : `only ${n} rows`;
};

/** Misspelt and partial names a person types into the command palette. */
export const searchTerms = [
  'jonh smith', 'priya sharam', 'jurgen muller', 'sofia nunez', 'chloe dubios', 'aarav pate', 'okafor', 'acme bakry', 'blue rivr design', 'kowalsky',
  'lakshmi iyer', 'yuki tanaka', 'olivia costa', 'mehmet yilmaz', 'wei wang', 'zoe lefevre', 'maria gonzales', 'summit clinc', 'søren sørensen', 'ngozi mensah',
];

export function crmScenarios(workspaceId: string): Scenario[] {
  const base = `/api/workspaces/${workspaceId}`;
  return [
    {
      key: 'table',
      label: 'Contacts table, first page of 50, default sort (newest first)',
      boundMs: 25,
      request: () => ({ method: 'POST', url: `${base}/views/query`, body: { view: { object: 'contacts' }, limit: 50 } }),
      check: okWithRows(50),
    },
    {
      key: 'table-paging',
      label: 'Contacts table, the next 200 pages of 50 one after another (keyset cursor)',
      boundMs: 25,
      request: (_i, state) => ({ method: 'POST', url: `${base}/views/query`, body: { view: { object: 'contacts' }, limit: 50, ...(state.cursor ? { cursor: state.cursor } : {}) } }),
      check: okWithRows(50),
    },
    {
      key: 'filter',
      label: 'Leads in zip codes 94…, loyalty tier Gold (custom select), sorted by last name',
      boundMs: 50,
      request: () => ({
        method: 'POST',
        url: `${base}/views/query`,
        body: {
          view: {
            object: 'contacts',
            filter: { match: 'all', conditions: [{ field: 'postalCode', op: 'starts_with', value: '94' }, { field: 'lifecycle', op: 'eq', value: 'lead' }, { field: 'custom.loyalty_tier', op: 'eq', value: 'Gold' }] },
            sort: { field: 'lastName', direction: 'asc' },
          },
          limit: 50,
        },
      }),
      check: okWithRows(50),
    },
    {
      key: 'filter-range',
      label: 'Texas customers with consent, lifetime value over 20,000 (custom number), sorted by last update',
      boundMs: 50,
      request: () => ({
        method: 'POST',
        url: `${base}/views/query`,
        body: {
          view: {
            object: 'contacts',
            filter: { match: 'all', conditions: [{ field: 'state', op: 'eq', value: 'TX' }, { field: 'consentState', op: 'eq', value: 'granted' }, { field: 'custom.lifetime_value', op: 'gt', value: 20000 }] },
            sort: { field: 'updatedAt', direction: 'desc' },
          },
          limit: 50,
        },
      }),
      check: okWithRows(50),
    },
    {
      key: 'search',
      label: `Fuzzy search across contacts, companies and deals (${searchTerms.length} misspelt names in turn)`,
      boundMs: 50,
      request: (i) => ({ method: 'GET', url: `${base}/search?q=${encodeURIComponent(searchTerms[i % searchTerms.length]!)}&limit=10` }),
      check: ok,
    },
  ];
}
