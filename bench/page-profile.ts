// Issue 14: a CPU profile of the bundled server under a contacts-page load. Starts the bench's
// server (as bench/http.bench.ts: demo workspace topped up to 50 contacts) with `node --cpu-prof`,
// loads `POST …/views/query` (50 rows) with autocannon, stops the server so the profile is
// written, and prints where the samples of the load window went (bench/lib/cpu-profile.ts). Not part
// of `npm run bench`: `BENCH_APP_PORT=3113 BENCH_PG_PORT=55233 npx tsx bench/page-profile.ts [seconds] [--statements | --measure]`.
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { startKestrel } from './lib/kestrel';
import { readFileSync, readdirSync } from 'node:fs';
import pg from 'pg';
import { cpuSeconds, freePort, serverProcess } from './lib/processes';
import { summariseProfile } from './lib/cpu-profile';

const seconds = Number(process.argv[2] ?? 8);
/** `--statements`: no profile; pg_stat_statements (loaded by a restart) says what each statement cost under the load. */
const statements = process.argv.includes('--statements');
/** `--measure`: neither; only the CPU per page (for before/after runs of two builds). */
const measureOnly = process.argv.includes('--measure');
const dataDir = await mkdtemp(path.join(tmpdir(), 'kestrel-page-profile-'));
const profDir = path.join(dataDir, 'prof');
const pgPort = process.env.BENCH_PG_PORT ? Number(process.env.BENCH_PG_PORT) : await freePort();
const appPort = process.env.BENCH_APP_PORT ? Number(process.env.BENCH_APP_PORT) : undefined;
const env = { DEMO_WORKSPACE: 'true', RATE_LIMIT_PER_MINUTE: '100000000', ...(statements || measureOnly ? {} : { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profDir}` }) };
let kestrel = await startKestrel(dataDir, env, pgPort, appPort);
const admin = () => {
  const password = encodeURIComponent(readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim());
  return new pg.Client({ connectionString: `postgres://postgres:${password}@127.0.0.1:${pgPort}/kestrel` });
};
if (statements) {
  const c = admin();
  await c.connect();
  await c.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
  await c.query(`ALTER SYSTEM SET pg_stat_statements.track_planning = on`);
  await c.end();
  await kestrel.stop();
  kestrel = await startKestrel(dataDir, env, pgPort, appPort);
  const d = admin();
  await d.connect();
  await d.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await d.end();
}
let window: { from: number; to: number } | null = null;
try {
  const signIn = await fetch(`${kestrel.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json', origin: kestrel.url }, body: JSON.stringify(kestrel.demoLogin) });
  const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.includes('kestrel_session'))!;
  const me = (await (await fetch(`${kestrel.url}/api/auth/me`, { headers: { cookie } })).json()) as { csrfToken: string; workspaces: { id: string }[] };
  const ws = me.workspaces[0]!.id;
  const headers = { cookie, 'content-type': 'application/json', 'x-csrf-token': me.csrfToken, origin: kestrel.url };
  const url = `${kestrel.url}/api/workspaces/${ws}/views/query`;
  const body = JSON.stringify({ view: { object: 'contacts' }, limit: 50 });
  const first = (await (await fetch(url, { method: 'POST', headers, body })).json()) as { rows: unknown[] };
  for (let i = first.rows.length; i < 50; i++) {
    await fetch(`${kestrel.url}/api/workspaces/${ws}/contacts`, { method: 'POST', headers, body: JSON.stringify({ firstName: `Bench${i}`, lastName: 'Contact', emails: [`bench${i}@example.test`] }) });
  }
  const expectBody = await (await fetch(url, { method: 'POST', headers, body })).text();
  await autocannon({ url, connections: 10, duration: 2, method: 'POST', headers, body, expectBody });
  if (statements) {
    const c = admin();
    await c.connect();
    await c.query('SELECT pg_stat_statements_reset()');
    await c.end();
  }
  const server = serverProcess(kestrel.pid);
  const pgBefore = postgresProcesses(server);
  const before = cpuSeconds(server);
  const from = Date.now();
  const r = await autocannon({ url, connections: 10, duration: seconds, method: 'POST', headers, body, expectBody });
  const to = Date.now();
  const after = cpuSeconds(server);
  const pgAfter = postgresProcesses(server);
  window = { from, to };
  const per = (s: number) => ((s * 1000) / r.requests.total).toFixed(3);
  const byKind = new Map<string, number>();
  for (const [pid, { kind, ticks }] of pgAfter) byKind.set(kind, (byKind.get(kind) ?? 0) + ticks - (pgBefore.get(pid)?.ticks ?? 0));
  console.log([...byKind].sort((a, b) => b[1] - a[1]).map(([k, t]) => `  PostgreSQL ${k}: ${((t * 10) / r.requests.total).toFixed(3)} ms/page`).join('\n'));
  if (statements) {
    const c = admin();
    await c.connect();
    const { rows } = await c.query<{ calls: number; plans: number; plan_ms: number; exec_ms: number; rows: number; hit: number; query: string }>(
      `SELECT calls::int, plans::int, total_plan_time AS plan_ms, total_exec_time AS exec_ms, rows::int, shared_blks_hit::int AS hit, query FROM pg_stat_statements WHERE calls > 10 ORDER BY total_plan_time + total_exec_time DESC LIMIT 15`,
    );
    await c.end();
    const n = r.requests.total;
    console.log(`| calls/page | plans/page | plan µs/page | exec µs/page | rows/call | buffer hits/call | statement |\n|---|---|---|---|---|---|---|`);
    for (const x of rows)
      console.log(`| ${(x.calls / n).toFixed(2)} | ${(x.plans / n).toFixed(2)} | ${((x.plan_ms * 1000) / n).toFixed(1)} | ${((x.exec_ms * 1000) / n).toFixed(1)} | ${(x.rows / x.calls).toFixed(1)} | ${(x.hit / x.calls).toFixed(0)} | ${x.query.replace(/\s+/g, ' ').slice(0, 160)} |`);
  }
  console.log(`${r.requests.total} pages, ${(r.requests.total / r.duration).toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, failures ${r.errors + r.non2xx + r.mismatches}; Node ${per(after.self - before.self)} ms/page, PostgreSQL ${per(after.descendants - before.descendants)} ms/page`);
} finally {
  await kestrel.stop();
}
/** Each PostgreSQL process under the server: what it is (its title without the client's address and state) and its CPU ticks. */
function postgresProcesses(root: number): Map<number, { kind: string; ticks: number }> {
  const out = new Map<number, { kind: string; ticks: number }>();
  const children = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const stack = children(root);
  while (stack.length) {
    const pid = stack.pop()!;
    stack.push(...children(pid));
    try {
      const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      const kind = title.replace(/\d+\.\d+\.\d+\.\d+\(\d+\)/, '').replace(/ (idle|active|idle in transaction|BEGIN|SELECT|COMMIT|UPDATE|INSERT)\s*$/, '').trim();
      out.set(pid, { kind, ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // gone
    }
  }
  void readdirSync;
  return out;
}

if (statements || measureOnly) process.exit(0);
const files = (await readdir(profDir)).filter((f) => f.endsWith('.cpuprofile'));
// The largest profile is the server's (start.mjs, its parent, writes a small one too).
const { statSync } = await import('node:fs');
const biggest = files.map((f) => path.join(profDir, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
console.log(`profile: ${biggest}`);
if (window) console.log(summariseProfile(biggest, window));
