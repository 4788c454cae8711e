// `npm run bench -- --only live [--write]`: issue 15's live chat measure. Visitors of the website
// widget (start a conversation, ask for a person, hold the SSE message stream open, send a message
// every few seconds, jittered) and 10 signed-in staff on the inbox's live stream, replying to some
// conversations; delivery latency both ways, against a bare node:http SSE relay driven by the same
// load generator in the same run; then the same with two app instances on one database
// (visitors on A, staff on B).
//
// Rate limits stay on: the server trusts the bench as its proxy (TRUST_PROXY=loopback, a setting
// operators use behind nginx) and every visitor and staff member comes from its own address in
// X-Forwarded-For, so the per-IP and per-visitor limits of the widget apply as in production; the
// signed-in API's per-minute limit is raised with its own knob (RATE_LIMIT_PER_MINUTE).
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cpuPressure, describeMachine, measureAvailability, type Availability, type Machine } from './lib/machine';
import { cpuSeconds, spawnServer, type SpawnedServer } from './lib/processes';
import { isolatedEnv } from './lib/kestrel';
import { int, ms, percentile, ratio, table } from './lib/stats';
import pg from 'pg';

/** The brief's ports: app 3161–3164, embedded PostgreSQL 55261–55264. */
const PORTS = { a: Number(process.env.LIVE_PORT_A ?? 3161), b: Number(process.env.LIVE_PORT_B ?? 3162), echo: Number(process.env.LIVE_PORT_ECHO ?? 3163), pg: Number(process.env.LIVE_PORT_PG ?? 55261) };
const STAFF = 10;

export interface LiveOptions {
  visitors?: number;
  /** Mean time between one visitor's messages (each wait is 0.5–1.5× this). */
  intervalMs?: number;
  seconds?: number;
  /** Share of visitor messages a staff member answers. */
  replyShare?: number;
}

interface Latencies {
  toStaff: number[];
  toVisitor: number[];
}

export interface LivePhase {
  name: string;
  visitorsConnected: number;
  staffConnected: number;
  rampMs: number;
  sent: { visitor: number; staff: number };
  errors: Record<string, number>;
  lost: { toStaff: number; toVisitor: number };
  latency: Latencies;
  /** CPU seconds of the server process(es) and, separately, of PostgreSQL, over the window. */
  cpu: { server: number; postgres: number };
  rssMiB: { peak: number; end: number };
  windowMs: number;
  /** The load generator's own event loop: if it lagged, latencies include its lag. */
  clientLagP99Ms: number;
  load: number;
  /** How long the visitor's POST took (stored and committed), p50 / p95, ms. */
  sendMs: { p50: number; p95: number };
  /** The app's PostgreSQL connections sampled every 20 ms over the window: mean number waiting on each event (or idle in a transaction). */
  waits: Record<string, number>;
}

export interface LiveBenchResult {
  machine: Machine;
  options: Required<LiveOptions>;
  phases: LivePhase[];
  pressure: { start: number | null; end: number | null };
  availability: { start: Availability; end: Availability };
  load: { start: number[]; end: number[] };
}

// ---------------------------------------------------------------------------------------------
// HTTP plumbing: one keep-alive agent for the short requests, no agent (own socket) per stream.

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function call(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request(url, { method, agent, headers: { ...(payload !== undefined ? { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

interface Stream {
  close(): void;
}

/** An SSE stream on its own socket; resolves once the response headers arrived (200) or rejects. */
function openStream(url: string, headers: Record<string, string>, onEvent: (event: string, data: string) => void): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => reject(new Error(`stream ${res.statusCode}: ${text.slice(0, 200)}`)));
        return;
      }
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let event = 'message';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (data) onEvent(event, data);
        }
      });
      res.on('error', () => {});
      resolve({ close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

async function inBatches<T>(count: number, width: number, fn: (i: number) => Promise<T>): Promise<(T | Error)[]> {
  const out: (T | Error)[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await fn(i).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
      }
    }),
  );
  return out;
}

const ipOf = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${(i & 255) || 1}`;
const staffIp = (j: number) => `10.250.0.${j + 1}`;

// ---------------------------------------------------------------------------------------------
// What a target (the bare relay, or Kestrel) offers the load generator.

interface Target {
  name: string;
  /** Opens visitor i: resolves to its key (conversation id) once its stream is open. */
  openVisitor(i: number, onStaffReply: (text: string) => void): Promise<{ key: string; stream: Stream }>;
  /** Sends visitor i's text; resolves to the id staff events carry for it. */
  visitorSend(i: number, key: string, text: string, clientId: string): Promise<string>;
  /** Opens staff stream j; onVisitorMessage gets the id of each visitor message it hears of. */
  openStaff(j: number, onEventId: (id: string) => void): Promise<Stream>;
  staffReply(j: number, key: string, text: string): Promise<void>;
  pids: number[];
}

class HttpError extends Error {
  constructor(readonly status: number, body: string) {
    super(`${status} ${body.slice(0, 200)}`);
  }
}

function bareTarget(url: string, pid: number): Target {
  return {
    name: 'Bare node:http SSE relay',
    pids: [pid],
    async openVisitor(i, onStaffReply) {
      const stream = await openStream(`${url}/stream?id=v${i}`, {}, (_e, data) => onStaffReply((JSON.parse(data) as { body: string }).body));
      return { key: `v${i}`, stream };
    },
    async visitorSend(_i, key, text, clientId) {
      // The relay pushes the text to every staff stream, as Kestrel tells every inbox.
      const id = `${key}:${clientId}`;
      const res = await call(`${url}/send?to=staff`, 'POST', {}, `${id}\n${text}`);
      if (res.status !== 200) throw new HttpError(res.status, res.body);
      return id;
    },
    openStaff(j, onEventId) {
      return openStream(`${url}/stream?id=s${j}`, {}, (_e, data) => onEventId((JSON.parse(data) as { body: string }).body.split('\n')[0]!));
    },
    async staffReply(_j, key, text) {
      const res = await call(`${url}/send?to=${key}`, 'POST', {}, text);
      if (res.status !== 200) throw new HttpError(res.status, res.body);
    },
  };
}

interface StaffSession {
  cookie: string;
  csrf: string;
}

async function signIn(url: string, login: { email: string; password: string }, j: number): Promise<StaffSession & { workspaceId: string }> {
  const res = await call(`${url}/api/auth/sign-in`, 'POST', { 'x-forwarded-for': staffIp(j), origin: url }, login);
  if (res.status !== 200) throw new HttpError(res.status, res.body);
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => /kestrel_session=/.test(c));
  if (!setCookie) throw new Error('sign-in set no session cookie');
  const cookie = setCookie.split(';')[0]!;
  const me = JSON.parse((await call(`${url}/api/auth/me`, 'GET', { cookie, 'x-forwarded-for': staffIp(j) })).body) as { csrfToken: string; workspaces: { id: string; name: string }[] };
  return { cookie, csrf: me.csrfToken, workspaceId: me.workspaces[0]!.id };
}

function kestrelTarget(name: string, visitorUrl: string, staffUrl: string, workspaceId: string, sessions: StaffSession[], pids: number[]): Target {
  const tokens = new Map<string, string>();
  const w = `/api/widget/${workspaceId}`;
  return {
    name,
    pids,
    async openVisitor(i, onStaffReply) {
      const h = { 'x-forwarded-for': ipOf(i) };
      const started = await call(`${visitorUrl}${w}/conversations`, 'POST', h, { page: 'https://shop.example/pricing' });
      if (started.status !== 200) throw new HttpError(started.status, started.body);
      const { token, conversationId } = JSON.parse(started.body) as { token: string; conversationId: string };
      tokens.set(conversationId, token);
      // The visitor asked for a person: the assistant stays silent, staff answer (CONV-3).
      const handoff = await call(`${visitorUrl}${w}/handoff`, 'POST', h, { token });
      if (handoff.status !== 200) throw new HttpError(handoff.status, handoff.body);
      const stream = await openStream(`${visitorUrl}${w}/messages?token=${encodeURIComponent(token)}`, h, (event, data) => {
        if (event !== 'message') return;
        const m = JSON.parse(data) as { author: string; body: string };
        if (m.author === 'staff') onStaffReply(m.body);
      });
      return { key: conversationId, stream };
    },
    async visitorSend(i, key, text, clientId) {
      const res = await call(`${visitorUrl}${w}/messages`, 'POST', { 'x-forwarded-for': ipOf(i) }, { token: tokens.get(key)!, clientId, body: text });
      if (res.status !== 200) throw new HttpError(res.status, res.body);
      return `${key}:${(JSON.parse(res.body) as { seq: number }).seq}`;
    },
    openStaff(j, onEventId) {
      const s = sessions[j % sessions.length]!;
      return openStream(`${staffUrl}/api/workspaces/${workspaceId}/conversations/live`, { cookie: s.cookie, 'x-forwarded-for': staffIp(j) }, (event, data) => {
        if (event !== 'change') return;
        const c = JSON.parse(data) as { conversationId: string | null; kind: string; seq: number | null };
        if (c.kind === 'message' && c.conversationId && c.seq !== null) onEventId(`${c.conversationId}:${c.seq}`);
      });
    },
    async staffReply(j, key, text) {
      const s = sessions[j % sessions.length]!;
      const res = await call(`${staffUrl}/api/workspaces/${workspaceId}/conversations/${key}/messages`, 'POST', { cookie: s.cookie, 'x-csrf-token': s.csrf, origin: staffUrl, 'x-forwarded-for': staffIp(j) }, { kind: 'reply', body: text });
      if (res.status !== 201) throw new HttpError(res.status, res.body);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The load generator.

function rssKib(pid: number): number {
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

const sleep = (millis: number) => new Promise((r) => setTimeout(r, millis));

/** Samples what the database's active backends wait on (pg_stat_activity), every 20 ms until stopped. */
function sampleWaits(connectionString: string | null): { stop(): Promise<Record<string, number>> } {
  if (!connectionString) return { stop: async () => ({}) };
  const counts: Record<string, number> = {};
  let total = 0;
  let running = true;
  const client = new pg.Client({ connectionString });
  const loop = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<{ w: string }>(
        // 'idle in transaction': a connection held by the app between two statements (waiting for Node, not for PostgreSQL).
        `SELECT CASE WHEN state = 'idle in transaction' THEN 'idle in transaction' ELSE coalesce(wait_event_type || ':' || wait_event, 'CPU') END AS w FROM pg_stat_activity WHERE state IN ('active', 'idle in transaction') AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND query NOT LIKE 'LISTEN%'`,
      );
      total++;
      for (const r of rows) counts[r.w] = (counts[r.w] ?? 0) + 1;
      await sleep(20);
    }
    await client.end();
  })();
  return {
    async stop() {
      running = false;
      await loop.catch(() => {});
      // Mean backends in each state per sample.
      return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, v / Math.max(1, total)]));
    },
  };
}

async function drive(target: Target, o: Required<LiveOptions>, database: string | null = null): Promise<LivePhase> {
  process.stderr.write(`  ${target.name}: opening ${o.visitors} visitors and ${STAFF} staff…\n`);
  const errors: Record<string, number> = {};
  const fail = (where: string, e: unknown) => {
    const k = `${where} ${e instanceof HttpError ? e.status : e instanceof Error ? e.message.slice(0, 60) : 'error'}`;
    errors[k] = (errors[k] ?? 0) + 1;
  };
  const latency: Latencies = { toStaff: [], toVisitor: [] };
  let measuring = false;
  let sending = false;
  // visitor → staff: the id (conversation:seq) a send got, with its send time; events heard before the send's answer wait here.
  const sentAt = new Map<string, { t: number; owner: number; key: string; heard: number }>();
  const early = new Map<string, { j: number; t: number }[]>();
  const repliesPending = new Map<string, number>();
  const sent = { visitor: 0, staff: 0 };
  const heard = (j: number, id: string, t: number) => {
    const s = sentAt.get(id);
    if (!s) {
      const list = early.get(id) ?? [];
      list.push({ j, t });
      early.set(id, list);
      return;
    }
    s.heard++;
    latency.toStaff.push(t - s.t);
    // The conversation's owner answers some of them.
    if (j === s.owner && sending && Math.random() < o.replyShare) {
      const text = `r|${performance.now().toFixed(3)}`;
      repliesPending.set(text, performance.now());
      sent.staff++;
      target.staffReply(j, s.key, text).catch((e) => fail('staff reply', e));
    }
  };
  const onReply = (text: string) => {
    if (!text.startsWith('r|')) return;
    const t0 = repliesPending.get(text);
    if (t0 === undefined) return;
    repliesPending.delete(text);
    latency.toVisitor.push(performance.now() - t0);
  };

  const rampStart = performance.now();
  const staffStreams = (await inBatches(STAFF, STAFF, (j) => target.openStaff(j, (id) => (measuring ? heard(j, id, performance.now()) : undefined)))).filter((s): s is Stream => !(s instanceof Error) || (fail('staff stream', s), false));
  const opened = await inBatches(o.visitors, 40, (i) => target.openVisitor(i, onReply));
  const visitors = opened.map((v, i) => ({ i, v })).filter((x): x is { i: number; v: { key: string; stream: Stream } } => !(x.v instanceof Error) || (fail('visitor open', x.v), false));
  const rampMs = performance.now() - rampStart;
  process.stderr.write(`  ${visitors.length} visitors and ${staffStreams.length} staff connected in ${ms(rampMs)}; sending for ${o.seconds} s…\n`);

  const pids = target.pids;
  const cpuBefore = pids.map((p) => cpuSeconds(p));
  const rss: number[] = [];
  const rssTimer = setInterval(() => rss.push(pids.reduce((a, p) => a + rssKib(p), 0)), 1000);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const sendTimes: number[] = [];
  const waits = sampleWaits(database);
  measuring = true;
  sending = true;
  const windowStart = performance.now();
  let n = 0;
  const loops = visitors.map(async ({ i, v }) => {
    await sleep(Math.random() * o.intervalMs);
    while (sending) {
      const clientId = `b${i}-${n++}`;
      const t = performance.now();
      try {
        sent.visitor++;
        const id = await target.visitorSend(i, v.key, `v|${t.toFixed(3)}`, clientId);
        if (sending) sendTimes.push(performance.now() - t);
        const entry = { t, owner: i % STAFF, key: v.key, heard: 0 };
        sentAt.set(id, entry);
        for (const e of early.get(id) ?? []) heard(e.j, id, e.t);
        early.delete(id);
      } catch (e) {
        fail('visitor send', e);
      }
      await sleep(o.intervalMs * (0.5 + Math.random()));
    }
  });
  await sleep(o.seconds * 1000);
  sending = false;
  const waited = await waits.stop();
  const windowMs = performance.now() - windowStart;
  await Promise.all(loops);
  await sleep(3000); // what is still on its way arrives
  measuring = false;
  lag.disable();
  clearInterval(rssTimer);
  const cpuAfter = pids.map((p) => cpuSeconds(p));
  const lostToStaff = [...sentAt.values()].reduce((a, s) => a + Math.max(0, staffStreams.length - s.heard), 0);
  for (const s of staffStreams) s.close();
  for (const { v } of visitors) v.stream.close();
  const cpu = { server: 0, postgres: 0 };
  pids.forEach((_, k) => {
    cpu.server += cpuAfter[k]!.self - cpuBefore[k]!.self;
    cpu.postgres += cpuAfter[k]!.descendants - cpuBefore[k]!.descendants;
  });
  return {
    name: target.name,
    visitorsConnected: visitors.length,
    staffConnected: staffStreams.length,
    rampMs,
    sent,
    errors,
    lost: { toStaff: lostToStaff, toVisitor: repliesPending.size },
    latency,
    cpu,
    rssMiB: { peak: Math.max(0, ...rss) / 1024, end: (rss.at(-1) ?? 0) / 1024 },
    windowMs,
    clientLagP99Ms: lag.percentile(99) / 1e6,
    load: os.loadavg()[0]!,
    sendMs: { p50: sendTimes.length ? percentile(sendTimes, 0.5) : Number.NaN, p95: sendTimes.length ? percentile(sendTimes, 0.95) : Number.NaN },
    waits: waited,
  };
}

// ---------------------------------------------------------------------------------------------

/** LIVE_PHASES=bare,one,two (default all three): which targets to drive, e.g. `one` while profiling. */
const PHASES = new Set((process.env.LIVE_PHASES ?? 'bare,one,two').split(','));

function startKestrelInstance(dataDir: string, port: number, extra: Record<string, string | undefined>): Promise<SpawnedServer> {
  // LIVE_CPU_PROF=<dir>: the server writes a V8 CPU profile there when it stops.
  const prof = process.env.LIVE_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.LIVE_CPU_PROF] : [];
  return spawnServer({
    args: [...prof, '--import', 'tsx', 'src/server/main.ts'],
    env: { ...isolatedEnv(dataDir, port, PORTS.pg), LOG_LEVEL: 'warn', TRUST_PROXY: 'loopback', RATE_LIMIT_PER_MINUTE: '100000', ...extra },
    logFile: path.join(dataDir, `server-${port}.log`),
    readyPattern: /Kestrel is ready at/,
    url: `http://127.0.0.1:${port}`,
    timeoutMs: 600_000,
  });
}

export async function benchLive(options: LiveOptions = {}): Promise<LiveBenchResult> {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined && !Number.isNaN(v)));
  const o: Required<LiveOptions> = { visitors: 1000, intervalMs: 5000, seconds: 30, replyShare: 0.2, ...given };
  const machine = describeMachine();
  const loadStart = os.loadavg();
  const availabilityStart = measureAvailability();
  const pressureStart = cpuPressure(10);
  const phases: LivePhase[] = [];

  if (PHASES.has('bare')) {
    process.stderr.write('Live chat: bare SSE relay…\n');
    const echo = await spawnServer({ args: ['bench/live-echo-server.mjs'], env: { PORT: String(PORTS.echo) }, logFile: path.join(os.tmpdir(), `live-echo-${process.pid}.log`), readyPattern: /echo ready/, url: `http://127.0.0.1:${PORTS.echo}` });
    try {
      phases.push(await drive(bareTarget(echo.url, echo.pid), o));
    } finally {
      await echo.stop();
    }
  }

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kestrel-bench-live-'));
  process.stderr.write('Live chat: starting Kestrel (instance A, embedded PostgreSQL)…\n');
  const a = await startKestrelInstance(dataDir, PORTS.a, {});
  let b: SpawnedServer | null = null;
  try {
    const demo = /Demo login: (\S+) \/ (\S+)/.exec(a.output());
    if (!demo) throw new Error('no demo login printed');
    const login = { email: demo[1]!, password: demo[2]! };
    const first = await signIn(a.url, login, 0);
    const enable = await call(`${a.url}/api/workspaces/${first.workspaceId}/widget-settings`, 'PATCH', { cookie: first.cookie, 'x-csrf-token': first.csrf, origin: a.url, 'x-forwarded-for': staffIp(0) }, { enabled: true });
    if (enable.status !== 200) throw new HttpError(enable.status, enable.body);
    const sessionsOn = async (url: string) => {
      const out: StaffSession[] = [];
      for (let j = 0; j < STAFF; j++) out.push(await signIn(url, login, j).catch(() => out[0] ?? first));
      return out;
    };
    const password = encodeURIComponent(readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim());
    const database = `postgres://postgres:${password}@127.0.0.1:${PORTS.pg}/kestrel`;
    if (PHASES.has('one')) phases.push(await drive(kestrelTarget('Kestrel, one instance', a.url, a.url, first.workspaceId, await sessionsOn(a.url), [a.pid]), o, database));
    if (!PHASES.has('two')) return finish();

    process.stderr.write('Live chat: starting instance B on the same database…\n');
    b = await startKestrelInstance(dataDir, PORTS.b, { DATABASE_URL: database, DEMO_WORKSPACE: 'false' });
    phases.push(await drive(kestrelTarget('Kestrel, two instances (visitors on A, staff on B)', a.url, b.url, first.workspaceId, await sessionsOn(b.url), [a.pid, b.pid]), o, database));
  } finally {
    agent.destroy();
    await b?.stop();
    await a.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return finish();
  function finish(): LiveBenchResult {
    return { machine, options: o, phases, pressure: { start: pressureStart, end: cpuPressure(10) }, availability: { start: availabilityStart, end: measureAvailability() }, load: { start: loadStart, end: os.loadavg() } };
  }
}

const loadavg = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
const pauses = (a: Availability) => `${a.runningPct.toFixed(1)} % running, ${a.pauses} pauses ≥ 5 ms, longest ${ms(a.longestMs)}`;

export function liveMarkdown(r: LiveBenchResult): string {
  const m = r.machine;
  const base = r.phases[0]!;
  const baseAll = [...base.latency.toStaff, ...base.latency.toVisitor];
  const baseP50 = baseAll.length ? percentile(baseAll, 0.5) : Number.NaN;
  const q = (xs: number[], p: number) => (xs.length ? ms(percentile(xs, p)) : '—');
  const rows = r.phases.map((p) => {
    const msgs = p.sent.visitor + p.sent.staff;
    return [
      p.name,
      `${int(p.visitorsConnected)} + ${p.staffConnected}`,
      `${int(p.sent.visitor)} / ${int(p.sent.staff)}`,
      `${q(p.latency.toStaff, 0.5)} / ${q(p.latency.toStaff, 0.95)} / ${q(p.latency.toStaff, 0.99)}`,
      `${q(p.latency.toVisitor, 0.5)} / ${q(p.latency.toVisitor, 0.95)} / ${q(p.latency.toVisitor, 0.99)}`,
      `${ms(p.sendMs.p50)} / ${ms(p.sendMs.p95)}`,
      p.latency.toStaff.length && baseAll.length ? ratio(percentile([...p.latency.toStaff, ...p.latency.toVisitor], 0.95) / baseP50) : '—',
      msgs ? `${((p.cpu.server * 1000) / msgs).toFixed(2)} + ${((p.cpu.postgres * 1000) / msgs).toFixed(2)} ms` : '—',
      `${p.rssMiB.peak.toFixed(0)} MiB`,
      `${p.lost.toStaff} / ${p.lost.toVisitor}`,
      Object.entries(p.errors).map(([k, v]) => `${k}: ${v}`).join('; ') || 'none',
      ms(p.rampMs),
      ms(p.clientLagP99Ms),
      p.load.toFixed(2),
    ];
  });
  return [
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGib} GiB, ${m.os}, Node ${m.node}; commit ${m.commit}; ${m.date}.`,
    `Load average (1/5/15 min) at start ${loadavg(r.load.start)}, at end ${loadavg(r.load.end)}; CPU pressure ${r.pressure.start ?? '?'} % → ${r.pressure.end ?? '?'} %.`,
    `Host pauses (3 s busy loop): at start ${pauses(r.availability.start)}; at end ${pauses(r.availability.end)}.`,
    '',
    `${int(r.options.visitors)} visitors asked for a person and held the widget's SSE stream open, each sending a message every ${ms(r.options.intervalMs)} on average (0.5–1.5×) for ${r.options.seconds} s; ${STAFF} signed-in staff held the inbox live stream; the conversation's staff member replied to ${(r.options.replyShare * 100).toFixed(0)} % of messages. Visitor → staff: send to the staff stream's change event (every staff stream hears every message, so ${STAFF} samples a message); staff → visitor: send to the visitor stream's message event (timestamp in the text). The load generator, the servers and PostgreSQL share the machine.`,
    '',
    table(
      ['Target', 'Visitors + staff', 'Sent (visitor / staff)', 'Visitor → staff p50 / p95 / p99', 'Staff → visitor p50 / p95 / p99', 'Visitor POST p50 / p95', 'p95 ÷ bare p50', 'CPU per message (server + PG)', 'Server RSS peak', 'Lost (staff events / replies)', 'Errors', 'Ramp-up', 'Client lag p99', 'Load'],
      rows,
    ),
    '',
    ...r.phases.filter((p) => Object.keys(p.waits).length).map((p) => `The app's PostgreSQL connections in a transaction (${p.name}), mean number per 20 ms sample by what they wait on: ${Object.entries(p.waits).slice(0, 8).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}.`),
    '',
    `Goal: p95 ≤ 50 ms on this machine's terms, i.e. ≤ ${ratio(50 / Math.max(baseP50, 0.001))} the bare relay's p50 (${ms(baseP50)}) measured in this run.`,
  ].join('\n');
}
