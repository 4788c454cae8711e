import { readFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { startKestrel } from './lib/kestrel';
import { cpuSeconds, freePort, sampleMemory, serverProcess, spawnServer } from './lib/processes';
import type { Goal } from './lib/goals';
import { int, mean, median, mib, ms, ratio, table } from './lib/stats';

export interface LoadSettings {
  connections: number;
  pipelining: number;
  durationSeconds: number;
  warmupSeconds: number;
}

export const defaultLoad: LoadSettings = { connections: 10, pipelining: 1, durationSeconds: 8, warmupSeconds: 2 };

export interface LoadRun {
  label: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  total: number;
  /** Connection errors, timeouts, non-2xx answers and bodies other than the expected one. */
  failures: number;
  /** CPU milliseconds per request: the server's Node process, and its PostgreSQL. */
  serverCpuMs: number;
  postgresCpuMs: number;
}

export interface MemoryFigures {
  samples: number;
  idleRssKib: number;
  peakRssKib: number;
  meanRssKib: number;
  postgresIdlePssKib: number;
  postgresPeakPssKib: number;
}

export interface HttpResult {
  settings: LoadSettings;
  runs: LoadRun[];
  kestrel: LoadRun;
  /** The bare server answering after one PostgreSQL round trip: as many as Kestrel's `GET /api/auth/me`. */
  database: LoadRun;
  /** A contacts page: `POST …/views/query`, 50 rows, and the bare server making as many round trips. */
  page: LoadRun;
  pageDatabase: LoadRun;
  pageRoundTrips: number;
  baselineMean: number;
  baselineCpuMs: number;
  memory: MemoryFigures;
}

const cpu = (millis: number) => (Number.isFinite(millis) ? `${millis.toFixed(millis < 1 ? 3 : 2)} ms` : '—');

const fixedPort = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);

const sleep = (millis: number) => new Promise((r) => setTimeout(r, millis));

/** Whose CPU a run is charged: the server's Node process, and the process the embedded PostgreSQL runs under. */
interface CpuOwners {
  node: number;
  postgresParent: number | null;
}

interface RequestShape {
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
}

async function load(label: string, owners: CpuOwners, url: string, settings: LoadSettings, expectBody: string, request: RequestShape = {}, seconds = settings.durationSeconds): Promise<LoadRun> {
  const sample = () => ({ self: cpuSeconds(owners.node).self, descendants: owners.postgresParent === null ? Number.NaN : cpuSeconds(owners.postgresParent).descendants });
  const before = sample();
  const r = await autocannon({ url, connections: settings.connections, pipelining: settings.pipelining, duration: seconds, method: request.method ?? 'GET', headers: request.headers ?? {}, ...(request.body ? { body: request.body } : {}), expectBody });
  const after = sample();
  const perRequest = (s: number) => (r.requests.total ? (s * 1000) / r.requests.total : Number.NaN);
  return {
    label,
    // Completed requests over the run's length, not autocannon's per-second samples: those are
    // taken by a timer on the same busy event loop.
    reqPerSec: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    total: r.requests.total,
    failures: r.errors + r.timeouts + r.non2xx + r.mismatches,
    serverCpuMs: perRequest(after.self - before.self),
    postgresCpuMs: perRequest(after.descendants - before.descendants),
  };
}

/**
 * Signed-in GET /api/auth/me on Kestrel against a bare Fastify hello world, same autocannon
 * settings, baseline measured before and after Kestrel so drift on a noisy machine shows.
 * Kestrel's memory is sampled every 250 ms while it is under load.
 */
export async function benchHttp(dataDir: string, settings: LoadSettings = defaultLoad): Promise<HttpResult> {
  // The flood guard would answer 429 within a second at these rates.
  // BENCH_APP_PORT / BENCH_PG_PORT: fixed ports on a machine shared with other runs (as the CRM bench).
  const kestrel = await startKestrel(dataDir, { DEMO_WORKSPACE: 'true', RATE_LIMIT_PER_MINUTE: '100000000' }, fixedPort('BENCH_PG_PORT'), fixedPort('BENCH_APP_PORT'));
  let hello: Awaited<ReturnType<typeof spawnServer>> | null = null;
  try {
    if (!kestrel.demoLogin) throw new Error('Kestrel printed no demo login');
    const signIn = await fetch(`${kestrel.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: kestrel.url },
      body: JSON.stringify(kestrel.demoLogin),
    });
    if (signIn.status !== 200) throw new Error(`Sign-in failed: ${signIn.status} ${await signIn.text()}`);
    const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.includes('kestrel_session'));
    if (!cookie) throw new Error('Sign-in set no session cookie');
    const meUrl = `${kestrel.url}/api/auth/me`;
    const server = serverProcess(kestrel.pid);
    const kestrelCpu: CpuOwners = { node: server, postgresParent: server };
    const meBody = await (await fetch(meUrl, { headers: { cookie } })).text();
    if (JSON.parse(meBody).user?.email !== kestrel.demoLogin.email) throw new Error(`Not signed in: ${meBody}`);
    const password = encodeURIComponent(readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim());
    // The three baselines in one process (bench/hello-server.ts): `/`, `/db` and `/page`.
    const helloPort = await freePort();
    hello = await spawnServer({
      args: ['--import', 'tsx', 'bench/hello-server.ts'],
      env: { PORT: String(helloPort), DATABASE_URL: `postgres://postgres:${password}@127.0.0.1:${kestrel.pgPort}/kestrel`, ROUND_TRIPS: String(PAGE_ROUND_TRIPS) },
      logFile: path.join(dataDir, 'hello.log'),
      readyPattern: /hello server ready/,
      url: `http://127.0.0.1:${helloPort}/`,
    });
    const helloCpu: CpuOwners = { node: hello.pid, postgresParent: null };
    const helloBody = await (await fetch(hello.url)).text();
    const db = { url: `${hello.url}db` };
    const helloDbCpu: CpuOwners = { node: hello.pid, postgresParent: server };
    const pageDb = { url: `${hello.url}page` };
    const pageDbCpu: CpuOwners = { node: hello.pid, postgresParent: server };
    const page = await contactsPage(kestrel.url, cookie, JSON.parse(meBody));

    // Idle: started, one sign-in, no load yet.
    await sleep(1000);
    const idle = sampleMemory(server);
    await sleep(2000);
    const idleSamples = await idle.stop();

    process.stderr.write('  http: warming up\n');
    await load('warm-up', helloCpu, hello.url, settings, helloBody, {}, settings.warmupSeconds);
    await load('warm-up', helloDbCpu, db.url, settings, helloBody, {}, settings.warmupSeconds);
    await load('warm-up', kestrelCpu, meUrl, settings, meBody, { headers: { cookie } }, settings.warmupSeconds);
    await load('warm-up', pageDbCpu, pageDb.url, settings, helloBody, {}, settings.warmupSeconds);
    await load('warm-up', kestrelCpu, page.url, settings, page.body, page.request, settings.warmupSeconds);

    const runs: LoadRun[] = [];
    runs.push(await load('bare Fastify hello world (before)', helloCpu, hello.url, settings, helloBody));
    process.stderr.write(`  http: baseline ${int(runs.at(-1)!.reqPerSec)} req/s\n`);
    const databaseRun = await load('bare Fastify + one PostgreSQL round trip (pg)', helloDbCpu, db.url, settings, helloBody);
    runs.push(databaseRun);
    process.stderr.write(`  http: one round trip ${int(databaseRun.reqPerSec)} req/s\n`);
    const sampler = sampleMemory(server);
    const kestrelRun = await load('Kestrel GET /api/auth/me, signed in (1 round trip)', kestrelCpu, meUrl, settings, meBody, { headers: { cookie } });
    const loaded = await sampler.stop();
    runs.push(kestrelRun);
    process.stderr.write(`  http: kestrel ${int(kestrelRun.reqPerSec)} req/s\n`);
    const pageDatabase = await load(`bare Fastify + ${PAGE_ROUND_TRIPS} PostgreSQL round trips (pg)`, pageDbCpu, pageDb.url, settings, helloBody);
    runs.push(pageDatabase);
    const pageRun = await load(`Kestrel contacts page: POST …/views/query, ${page.rows} rows (${PAGE_ROUND_TRIPS} round trips)`, kestrelCpu, page.url, settings, page.body, page.request);
    runs.push(pageRun);
    process.stderr.write(`  http: contacts page ${int(pageRun.reqPerSec)} req/s against ${int(pageDatabase.reqPerSec)}\n`);
    runs.push(await load('bare Fastify hello world (after)', helloCpu, hello.url, settings, helloBody));

    return {
      settings,
      runs,
      kestrel: kestrelRun,
      database: databaseRun,
      page: pageRun,
      pageDatabase,
      pageRoundTrips: PAGE_ROUND_TRIPS,
      baselineMean: mean([runs[0]!.reqPerSec, runs.at(-1)!.reqPerSec]),
      baselineCpuMs: mean([runs[0]!.serverCpuMs, runs.at(-1)!.serverCpuMs]),
      memory: {
        samples: loaded.rss.length,
        idleRssKib: median(idleSamples.rss),
        peakRssKib: Math.max(...loaded.rss),
        meanRssKib: mean(loaded.rss),
        postgresIdlePssKib: median(idleSamples.pss),
        postgresPeakPssKib: Math.max(...loaded.pss),
      },
    };
  } finally {
    await hello?.stop();
    await kestrel.stop();
  }
}

export function httpMarkdown(r: HttpResult): string {
  const s = r.settings;
  const m = r.memory;
  return [
    `autocannon, ${s.connections} connections, pipelining ${s.pipelining}, ${s.durationSeconds} s per run after a ${s.warmupSeconds} s warm-up of each server.`,
    '',
    table(
      ['Server', 'Requests/s', 'Latency p50', 'Latency p99', 'Requests', 'Failed', 'CPU per request: Node', 'CPU per request: PostgreSQL'],
      r.runs.map((x) => [x.label, int(x.reqPerSec), ms(x.p50), ms(x.p99), int(x.total), x.failures, cpu(x.serverCpuMs), Number.isFinite(x.postgresCpuMs) ? cpu(x.postgresCpuMs) : '—']),
    ),
    '',
    `Throughput, Kestrel / bare Fastify (mean of before and after, ${int(r.baselineMean)} req/s): **${ratio(r.kestrel.reqPerSec / r.baselineMean)}**.`,
    `Throughput, Kestrel / bare Fastify + one PostgreSQL round trip (${int(r.database.reqPerSec)} req/s): **${ratio(r.kestrel.reqPerSec / r.database.reqPerSec)}**. ` +
      `Kestrel's signed-in \`GET /api/auth/me\` makes one round trip (session, user and workspaces in one statement) besides the HTTP stack's own work (cookies, CSRF token, security headers, access check, logging, metrics).`,
    `Contacts page / bare Fastify + ${r.pageRoundTrips} round trips (${int(r.pageDatabase.reqPerSec)} req/s): **${ratio(r.page.reqPerSec / r.pageDatabase.reqPerSec)}** ` +
      `(session and role; BEGIN with the scope and the field catalog; the page with its companies, owners and tags; COMMIT: the count test/round-trips.test.ts pins).`,
    `CPU per request, Kestrel (Node + PostgreSQL) / bare Fastify: **${(((r.kestrel.serverCpuMs + r.kestrel.postgresCpuMs) / r.baselineCpuMs)).toFixed(0)}×** (${cpu(r.kestrel.serverCpuMs + r.kestrel.postgresCpuMs)} against ${cpu(r.baselineCpuMs)}).`,
    '',
    '#### Memory of the Kestrel server process',
    '',
    table(
      ['', 'Idle (signed in once, no load)', 'Under load: peak', 'Under load: mean'],
      [
        ['Node process RSS', mib(m.idleRssKib), mib(m.peakRssKib), mib(m.meanRssKib)],
        ['Embedded PostgreSQL, all processes, PSS', mib(m.postgresIdlePssKib), mib(m.postgresPeakPssKib), '—'],
      ],
    ),
    '',
    `${m.samples} samples, every 250 ms during the measured Kestrel run.`,
  ].join('\n');
}

/**
 * Round trips of the contacts page below, as test/round-trips.test.ts pins them for a view with
 * companies, owners and tags: session and role, BEGIN with the scope and the field catalog, the page
 * with its labels and tags, COMMIT.
 */
export const PAGE_ROUND_TRIPS = 4;

/** The demo workspace's contacts, topped up to 50 through the API, as the contacts table asks for them. */
async function contactsPage(base: string, cookie: string, me: { csrfToken: string; workspaces: { id: string }[] }) {
  const workspaceId = me.workspaces[0]?.id;
  if (!workspaceId) throw new Error('The demo user has no workspace');
  const headers = { cookie, 'content-type': 'application/json', 'x-csrf-token': me.csrfToken, origin: base };
  const url = `${base}/api/workspaces/${workspaceId}/views/query`;
  const body = JSON.stringify({ view: { object: 'contacts' }, limit: 50 });
  const ask = async () => {
    const res = await fetch(url, { method: 'POST', headers, body });
    if (res.status !== 200) throw new Error(`views/query: ${res.status} ${await res.text()}`);
    return res.text();
  };
  let rows = (JSON.parse(await ask()) as { rows: unknown[] }).rows.length;
  for (let i = rows; i < 50; i++) {
    const res = await fetch(`${base}/api/workspaces/${workspaceId}/contacts`, { method: 'POST', headers, body: JSON.stringify({ firstName: `Bench${i}`, lastName: 'Contact', emails: [`bench${i}@example.test`] }) });
    if (res.status !== 201) throw new Error(`create contact: ${res.status} ${await res.text()}`);
  }
  const pageBody = await ask();
  rows = (JSON.parse(pageBody) as { rows: unknown[] }).rows.length;
  return { url, body: pageBody, rows, request: { method: 'POST' as const, body, headers } };
}

/** Issue 14's goals for the request path, each against the baseline measured in the same run. */
export function httpGoals(r: HttpResult): Goal[] {
  const me = r.kestrel.reqPerSec / r.database.reqPerSec;
  const page = r.page.reqPerSec / r.pageDatabase.reqPerSec;
  const pgMe = r.kestrel.postgresCpuMs / r.database.postgresCpuMs;
  const pgPage = r.page.postgresCpuMs / r.pageDatabase.postgresCpuMs;
  return [
    { goal: '`GET /api/auth/me` ≥ 0.5× bare Fastify + 1 round trip (req/s)', measured: `${ratio(me)} (${int(r.kestrel.reqPerSec)} against ${int(r.database.reqPerSec)})`, met: me >= 0.5 },
    { goal: `Contacts page (views/query, 50 rows) ≥ 0.5× bare Fastify + ${r.pageRoundTrips} round trips (req/s)`, measured: `${ratio(page)} (${int(r.page.reqPerSec)} against ${int(r.pageDatabase.reqPerSec)})`, met: page >= 0.5 },
    { goal: 'Node CPU per signed-in request (`GET /api/auth/me`) ≤ 0.2 ms', measured: cpu(r.kestrel.serverCpuMs), met: r.kestrel.serverCpuMs <= 0.2 },
    { goal: 'PostgreSQL CPU per `GET /api/auth/me` ≤ 2× the baseline\'s for 1 round trip', measured: `${ratio(pgMe)} (${cpu(r.kestrel.postgresCpuMs)} against ${cpu(r.database.postgresCpuMs)})`, met: pgMe <= 2 },
    { goal: `PostgreSQL CPU per contacts page ≤ 2× the baseline's for ${r.pageRoundTrips} round trips`, measured: `${ratio(pgPage)} (${cpu(r.page.postgresCpuMs)} against ${cpu(r.pageDatabase.postgresCpuMs)})`, met: pgPage <= 2 },
  ];
}
