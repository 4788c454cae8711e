// Issue 14: where PostgreSQL's CPU goes in a contacts page (`POST …/views/query`, 50 rows). Starts
// the bench's server (demo workspace topped up to 50 contacts, as bench/http.bench.ts), logs the
// statements of one page as the server sends them, then runs each on one connection as the
// application role with the page's scope, named (as the pool names every parameterised statement,
// src/server/platform/db/database.ts), and reads the backend's CPU from /proc per call. Also the
// page's statement without its tags, without its labels, and with the tags' subquery unguarded
// (before the EXISTS guard of tagsJsonOf), and with each row's tags probe behind one probe of the
// workspace's tags, so the pieces compare in one run. The page is logged from a fresh start, so each
// connection's first opening carries its PREPAREs, which the bench's connection runs once. Not part of
// `npm run bench`: `BENCH_APP_PORT=3111 BENCH_PG_PORT=55231 npx tsx bench/contacts-page-cost.ts [calls]`.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startKestrel } from './lib/kestrel';
import { freePort } from './lib/processes';
import { loggedStatements, withoutPrepares, type LoggedStatement } from './lib/statement-log';

const calls = Number(process.argv[2] ?? 3000);
const dataDir = await mkdtemp(path.join(tmpdir(), 'kestrel-page-cost-'));
const pgPort = process.env.BENCH_PG_PORT ? Number(process.env.BENCH_PG_PORT) : await freePort();
const appPort = process.env.BENCH_APP_PORT ? Number(process.env.BENCH_APP_PORT) : undefined;
const env = { LOG_LEVEL: 'debug', DEMO_WORKSPACE: 'true', RATE_LIMIT_PER_MINUTE: '100000000' };
let kestrel = await startKestrel(dataDir, env, pgPort, appPort);
const ticks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (1/100 s)
};

type Logged = LoggedStatement;

try {
  const password = encodeURIComponent(readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim());
  const admin = new pg.Client({ connectionString: `postgres://postgres:${password}@127.0.0.1:${pgPort}/kestrel` });
  admin.on('error', () => {});
  await admin.connect();
  const base = kestrel.url;
  const signIn = await fetch(`${base}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify(kestrel.demoLogin) });
  const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.includes('kestrel_session'))!;
  const me = (await (await fetch(`${base}/api/auth/me`, { headers: { cookie } })).json()) as { csrfToken: string; user: { id: string }; workspaces: { id: string }[] };
  const workspaceId = me.workspaces[0]!.id;
  const headers = { cookie, 'content-type': 'application/json', 'x-csrf-token': me.csrfToken, origin: base };
  const url = `${base}/api/workspaces/${workspaceId}/views/query`;
  const body = JSON.stringify({ view: { object: 'contacts' }, limit: 50 });
  const rows = ((await (await fetch(url, { method: 'POST', headers, body })).json()) as { rows: unknown[] }).rows.length;
  for (let i = rows; i < 50; i++) await fetch(`${base}/api/workspaces/${workspaceId}/contacts`, { method: 'POST', headers, body: JSON.stringify({ firstName: `Bench${i}`, lastName: 'Contact', emails: [`bench${i}@example.test`] }) });
  const tagged = (await admin.query<{ n: number }>(`SELECT count(DISTINCT record_id)::int AS n FROM record_tags WHERE workspace_id = $1 AND record_type = 'contacts'`, [workspaceId])).rows[0]!.n;

  // Logged from a fresh start: each connection's first opening carries its PREPAREs (src/server/platform/db/tenant.ts).
  await admin.end();
  await kestrel.stop();
  kestrel = await startKestrel(dataDir, env, pgPort, appPort);
  headers['x-csrf-token'] = ((await (await fetch(`${base}/api/auth/me`, { headers: { cookie } })).json()) as { csrfToken: string }).csrfToken;
  const admin2 = new pg.Client({ connectionString: `postgres://postgres:${password}@127.0.0.1:${pgPort}/kestrel` });
  admin2.on('error', () => {});
  await admin2.connect();
  await admin2.query('ALTER SYSTEM SET log_min_duration_statement = 0');
  await admin2.query('SELECT pg_reload_conf()');
  await new Promise((r) => setTimeout(r, 500));
  const from = kestrel.output().length;
  await fetch(url, { method: 'POST', headers, body });
  await new Promise((r) => setTimeout(r, 500));
  await admin2.query('ALTER SYSTEM RESET log_min_duration_statement');
  await admin2.query('SELECT pg_reload_conf()');
  // The request's own statements: from the session check to its COMMIT (job polling runs beside it).
  // Texts as sent after a connection's first use: the opening's PREPAREs run once, below.
  const prepares: Record<string, string> = {};
  const logged = loggedStatements(kestrel.output().slice(from)).map((s) => {
    const w = withoutPrepares(s.text);
    Object.assign(prepares, w.prepares);
    return { ...s, text: w.text };
  });
  const first = logged.findIndex((s) => s.text.includes('kestrel_session_context'));
  const sent = logged.slice(first, logged.findIndex((s, i) => i > first && s.text === 'COMMIT') + 1);
  const page = sent.find((s) => s.text.startsWith('select "id"'));
  if (!page) throw new Error(`The page's statement was not logged:\n${sent.map((s) => s.text.slice(0, 120)).join('\n')}`);

  const client = new pg.Client({ connectionString: `postgres://postgres:${password}@127.0.0.1:${pgPort}/kestrel` });
  client.on('error', () => {});
  await client.connect();
  await client.query('SET ROLE kestrel_app');
  for (const text of Object.values(prepares)) await client.query(text);
  await client.query(`SELECT set_config('kestrel.workspace_id', $1, false), set_config('kestrel.user_id', $2, false)`, [workspaceId, me.user.id]);
  const backend = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

  // Pieces of the page's statement: its select list items are `, (SELECT …) as "lN"` and the tags.
  const tagsStart = page.text.indexOf(', CASE WHEN EXISTS (SELECT 1 FROM "record_tags"');
  const fromClause = page.text.indexOf(' from "contacts" where');
  const withoutTags = tagsStart > 0 ? page.text.slice(0, tagsStart) + page.text.slice(fromClause) : page.text;
  const firstLabel = page.text.indexOf(', (SELECT ');
  const withoutLabels = firstLabel > 0 ? page.text.slice(0, firstLabel) + page.text.slice(fromClause) : page.text;
  const unguarded = page.text.replace(/CASE WHEN EXISTS \(SELECT 1 FROM "record_tags" WHERE [^)]*\) THEN (\(SELECT coalesce\(json_agg[\s\S]*?\)) ELSE '\[\]'::json END as "tags"/, '$1 as "tags"');
  // One probe of the workspace's tags for the whole page (an InitPlan), before each row's own.
  const workspaceGuarded = page.text.replace('CASE WHEN EXISTS (SELECT 1 FROM "record_tags" WHERE', `CASE WHEN EXISTS (SELECT 1 FROM "record_tags" WHERE "record_tags"."workspace_id" = '${workspaceId}' AND "record_tags"."record_type" = 'contacts') AND EXISTS (SELECT 1 FROM "record_tags" WHERE`);
  /** Renumbers the parameters a shortened text still uses, and keeps their values. */
  const renumber = (text: string, values: (string | null)[]) => {
    const used = [...new Set([...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
    return { text: text.replace(/\$(\d+)/g, (_, n: string) => `$${used.indexOf(Number(n)) + 1}`), values: used.map((n) => values[n - 1] ?? null) };
  };
  const variants: [string, Logged][] = [
    ["`SELECT 'world'` (the baseline's statement)", { text: `SELECT 'world' AS hello`, values: [] }],
    ...sent.filter((s) => s !== page).map((s): [string, Logged] => [`app: ${s.text.replace(/\s+/g, ' ').slice(0, 70)}…`, s]),
    ['app: the page (50 rows, labels, tags)', page],
    ['  the page without its tags', renumber(withoutTags, page.values)],
    ['  the page without labels and tags', renumber(withoutLabels, page.values)],
    ['  the page, tags subquery without the EXISTS guard (before)', renumber(unguarded, page.values)],
    ["  the page, each row's tags probe behind one probe of the workspace's tags", { text: workspaceGuarded, values: page.values }],
  ];
  const results: string[] = [];
  for (let round = 0; round < 2; round++) {
    for (const [i, [name, s]] of variants.entries()) {
      // BEGIN/COMMIT and multi-statement texts go as simple queries, as the app sends them.
      const simple = s.values.length === 0;
      const run = () => (simple ? client.query(s.text) : client.query({ name: `v${i}`, text: s.text, values: s.values }));
      if (/^BEGIN/.test(s.text)) await client.query('COMMIT').catch(() => {});
      for (let k = 0; k < 100; k++) await run().then(() => (/^BEGIN/.test(s.text) ? client.query('COMMIT') : null));
      const before = ticks(backend);
      for (let k = 0; k < calls; k++) await run().then(() => (/^BEGIN/.test(s.text) ? client.query('COMMIT') : null));
      const cpuUs = ((ticks(backend) - before) * 10_000) / calls;
      if (round === 1) results.push(`| ${name} | ${cpuUs.toFixed(0)} µs |`);
    }
  }
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`${tagged} of the page's 50 contacts have tags; load average ${load} at the end.\n\n| Statement (${calls} calls each, one connection, as kestrel_app, named) | PostgreSQL backend CPU per call |\n|---|---|\n${results.join('\n')}`);
  await client.end();
  await admin2.end();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await kestrel.stop();
  await rm(dataDir, { recursive: true, force: true });
}
