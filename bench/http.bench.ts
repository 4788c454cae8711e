import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import type { Replay } from './hello-server';
import { startKestrel, type KestrelProcess } from './lib/kestrel';
import { loggedStatements, withoutPrepares, type LoggedStatement } from './lib/statement-log';
import { APP_ROLE } from '../src/server/platform/db/migrate';
import { cpuSeconds, freePort, sampleMemory, serverProcess, spawnServer } from './lib/processes';
import pg from 'pg';
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
  /** Bare Fastify sending the very statements Kestrel's `/me` and contacts page send (bench/hello-server.ts). */
  meReplay: LoadRun;
  pageReplay: LoadRun;
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

/** Signs the demo user in; the session cookie. */
async function signInDemo(kestrel: KestrelProcess): Promise<string> {
  if (!kestrel.demoLogin) throw new Error('Kestrel printed no demo login');
  const signIn = await fetch(`${kestrel.url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: kestrel.url },
    body: JSON.stringify(kestrel.demoLogin),
  });
  if (signIn.status !== 200) throw new Error(`Sign-in failed: ${signIn.status} ${await signIn.text()}`);
  const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.includes('kestrel_session'));
  if (!cookie) throw new Error('Sign-in set no session cookie');
  return cookie;
}

const isSessionCheck = (s: LoggedStatement) => s.text.includes('kestrel_session_context');

/**
 * The statements of a signed-in `GET /api/auth/me` and of a contacts page, as PostgreSQL logged
 * them. A first start makes the demo workspace, a session and 50 contacts; a second, with every
 * statement logged from its start (fresh connections, so each logs the PREPAREs of its first
 * opening), asks for both; the load runs on a third start, at the normal log level.
 */
async function captureStatements(dataDir: string, env: Record<string, string>, pgPort: number, appPort: number): Promise<{ cookie: string; replay: Replay }> {
  const first = await startKestrel(dataDir, env, pgPort, appPort);
  let cookie: string;
  try {
    cookie = await signInDemo(first);
    await contactsPage(first.url, cookie, await (await fetch(`${first.url}/api/auth/me`, { headers: { cookie } })).json());
  } finally {
    await first.stop();
  }
  const logging = await startKestrel(dataDir, { ...env, LOG_LEVEL: 'debug' }, pgPort, appPort);
  const password = encodeURIComponent(readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim());
  const admin = new pg.Client({ connectionString: `postgres://postgres:${password}@127.0.0.1:${pgPort}/kestrel` });
  admin.on('error', () => {});
  try {
    await admin.connect();
    await admin.query('ALTER SYSTEM SET log_min_duration_statement = 0');
    await admin.query('SELECT pg_reload_conf()');
    await sleep(300);
    const from = logging.output().length;
    await contactsPage(logging.url, cookie, await (await fetch(`${logging.url}/api/auth/me`, { headers: { cookie } })).json());
    await sleep(500);
    await admin.query('ALTER SYSTEM RESET log_min_duration_statement');
    await admin.query('SELECT pg_reload_conf()');
    // The job worker polls beside the requests; its statements are not theirs.
    const logged = loggedStatements(logging.output().slice(from)).filter((s) => !s.text.includes('graphile_worker'));
    const prepares: Record<string, string> = {};
    const stripped = logged.map((s) => {
      const w = withoutPrepares(s.text);
      Object.assign(prepares, w.prepares);
      return { ...s, text: w.text };
    });
    const me = stripped.find((s) => isSessionCheck(s) && /^t(rue)?$/.test(s.values[3] ?? ''));
    const pageStart = stripped.findLastIndex((s) => isSessionCheck(s) && /^f(alse)?$/.test(s.values[3] ?? ''));
    const pageEnd = stripped.findIndex((s, i) => i > pageStart && s.text === 'COMMIT');
    const page = pageStart >= 0 && pageEnd > pageStart ? stripped.slice(pageStart, pageEnd + 1) : [];
    const listed = () => stripped.map((s) => `  ${JSON.stringify(s.values)} ${s.text.replace(/\s+/g, ' ').slice(0, 100)}`).join('\n');
    if (!me || page.length !== PAGE_ROUND_TRIPS) throw new Error(`Expected /me's session check and the page's ${PAGE_ROUND_TRIPS} statements in the log:\n${listed()}`);
    const missing = page.flatMap((s) => [...s.text.matchAll(/EXECUTE (\w+)/g)].map((m) => m[1]!)).filter((name) => !prepares[name]);
    if (missing.length) throw new Error(`No PREPARE logged for ${missing.join(', ')}:\n${listed()}`);
    return { cookie, replay: { role: APP_ROLE, me: [me], page, prepares } };
  } finally {
    await admin.end().catch(() => {});
    await logging.stop();
  }
}

/**
 * Signed-in GET /api/auth/me on Kestrel against a bare Fastify hello world, same autocannon
 * settings, baseline measured before and after Kestrel so drift on a noisy machine shows.
 * Kestrel's memory is sampled every 250 ms while it is under load.
 */
export async function benchHttp(dataDir: string, settings: LoadSettings = defaultLoad): Promise<HttpResult> {
  // BENCH_APP_PORT / BENCH_PG_PORT: fixed ports on a machine shared with other runs (as the CRM bench).
  // The flood guard would answer 429 within a second at these rates.
  const env = { DEMO_WORKSPACE: 'true', RATE_LIMIT_PER_MINUTE: '100000000' };
  const pgPort = fixedPort('BENCH_PG_PORT') ?? (await freePort());
  const appPort = fixedPort('BENCH_APP_PORT') ?? (await freePort());
  // First the statements our two requests send, as PostgreSQL logs them (bench/lib/statement-log.ts).
  const { cookie, replay } = await captureStatements(dataDir, env, pgPort, appPort);
  const replayFile = path.join(dataDir, 'replay.json');
  writeFileSync(replayFile, JSON.stringify(replay));
  const kestrel = await startKestrel(dataDir, env, pgPort, appPort);
  let hello: Awaited<ReturnType<typeof spawnServer>> | null = null;
  try {
    const meUrl = `${kestrel.url}/api/auth/me`;
    const server = serverProcess(kestrel.pid);
    const kestrelCpu: CpuOwners = { node: server, postgresParent: server };
    const meBody = await (await fetch(meUrl, { headers: { cookie } })).text();
    if (!JSON.parse(meBody).user?.email) throw new Error(`Not signed in: ${meBody}`);
    const password = encodeURIComponent(readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim());
    // The three baselines in one process (bench/hello-server.ts): `/`, `/db` and `/page`.
    const helloPort = await freePort();
    hello = await spawnServer({
      args: ['--import', 'tsx', 'bench/hello-server.ts'],
      env: { PORT: String(helloPort), DATABASE_URL: `postgres://postgres:${password}@127.0.0.1:${kestrel.pgPort}/kestrel`, ROUND_TRIPS: String(PAGE_ROUND_TRIPS), REPLAY_FILE: replayFile },
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
    const meSql = { url: `${hello.url}me-sql` };
    const pageSql = { url: `${hello.url}page-sql` };
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
    await load('warm-up', helloDbCpu, meSql.url, settings, helloBody, {}, settings.warmupSeconds);
    await load('warm-up', pageDbCpu, pageSql.url, settings, helloBody, {}, settings.warmupSeconds);

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
    const meReplay = await load("bare Fastify + `GET /api/auth/me`'s own statement (replayed)", helloDbCpu, meSql.url, settings, helloBody);
    runs.push(meReplay);
    const pageReplay = await load(`bare Fastify + the contacts page's own ${PAGE_ROUND_TRIPS} statements (replayed)`, pageDbCpu, pageSql.url, settings, helloBody);
    runs.push(pageReplay);
    process.stderr.write(`  http: the same statements without Kestrel: /me ${int(meReplay.reqPerSec)} req/s, page ${int(pageReplay.reqPerSec)} req/s\n`);
    runs.push(await load('bare Fastify hello world (after)', helloCpu, hello.url, settings, helloBody));

    return {
      settings,
      runs,
      kestrel: kestrelRun,
      database: databaseRun,
      page: pageRun,
      pageDatabase,
      meReplay,
      pageReplay,
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
    `The same statements without Kestrel (bare Fastify sending, as the application role, exactly what PostgreSQL logged for our two requests; bench/hello-server.ts): ` +
      `\`GET /api/auth/me\` **${ratio(r.kestrel.reqPerSec / r.meReplay.reqPerSec)}** of its ${int(r.meReplay.reqPerSec)} req/s, PostgreSQL CPU ${cpu(r.kestrel.postgresCpuMs)} against ${cpu(r.meReplay.postgresCpuMs)} (${ratio(r.kestrel.postgresCpuMs / r.meReplay.postgresCpuMs)}), Node CPU ${cpu(r.kestrel.serverCpuMs)} against ${cpu(r.meReplay.serverCpuMs)}; ` +
      `contacts page **${ratio(r.page.reqPerSec / r.pageReplay.reqPerSec)}** of its ${int(r.pageReplay.reqPerSec)} req/s, PostgreSQL CPU ${cpu(r.page.postgresCpuMs)} against ${cpu(r.pageReplay.postgresCpuMs)} (${ratio(r.page.postgresCpuMs / r.pageReplay.postgresCpuMs)}), Node CPU ${cpu(r.page.serverCpuMs)} against ${cpu(r.pageReplay.serverCpuMs)}. ` +
      `What our statements cost the database against \`SELECT 'world'\`: ${ratio(r.meReplay.postgresCpuMs / r.database.postgresCpuMs)} for /me's, ${ratio(r.pageReplay.postgresCpuMs / r.pageDatabase.postgresCpuMs)} for the page's.`,
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
