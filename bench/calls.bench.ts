// `npx tsx bench/calls.bench.ts [--contacts 1000000] [--runs 200] [--write]`: the call planner's
// queue (CALL-1) on a generated workspace, p50/p95 per page, as a ratio to the bare keyset SQL
// that reads the same page of contacts. The default reuses the CRM bench's million-contact data
// (data/bench-crm, seeded once by bench/crm-dataset.ts); a smaller --contacts seeds its own folder.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { defaultSeedOptions } from '../scripts/seed-big/generate';
import { buildApp } from '../src/server/app';
import { startPlatform } from '../src/server/platform/boot';
import { loadConfig } from '../src/server/platform/config';
import { APP_ROLE } from '../src/server/platform/db/migrate';
import { createLogger } from '../src/server/platform/logger';
import { ensureDataset } from './crm-dataset';
import { measure, percentile, signIn } from './crm-queries';
import { postgresVersion } from './lib/kestrel';
import { cpuPressure, describeMachine } from './lib/machine';
import { freePort, repoRoot, spawnServer } from './lib/processes';
import { writeBenchBlock } from './lib/report';
import { int, ratio, table } from './lib/stats';

const { values } = parseArgs({ options: { contacts: { type: 'string' }, runs: { type: 'string' }, write: { type: 'boolean' } } });
const contacts = Number(values.contacts ?? defaultSeedOptions.contacts);
const runs = Number(values.runs ?? 200);
const full = contacts === defaultSeedOptions.contacts;
const options = full ? defaultSeedOptions : { ...defaultSeedOptions, contacts, companies: Math.ceil(contacts / 5), deals: Math.ceil(contacts * 0.3), workspaces: 2, otherContacts: 1000 };
const dataDir = path.join(repoRoot, full ? 'data/bench-crm' : `data/bench-calls-${contacts}`);
const log = (l: string) => process.stderr.write(`${l}\n`);
const began = performance.now();
const pressureStart = cpuPressure(10);

// BENCH_APP_PORT / BENCH_PG_PORT: fixed ports on a machine shared with other runs (as the CRM bench).
const port = process.env.BENCH_APP_PORT ? Number(process.env.BENCH_APP_PORT) : await freePort();
const pgPort = process.env.BENCH_PG_PORT ? Number(process.env.BENCH_PG_PORT) : await freePort();
log(`Calls: starting Kestrel on ${path.relative(repoRoot, dataDir)}…`);
const server = await spawnServer({
  args: ['scripts/start.mjs'],
  env: {
    NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), DEMO_WORKSPACE: 'false', LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '1',
    DATABASE_URL: undefined, DATABASE_APP_URL: undefined, PUBLIC_URL: undefined, KESTREL_SECRET_KEYS: undefined, KESTREL_SESSION_SECRET: undefined, SMTP_URL: undefined, RESEND_API_KEY: undefined,
  },
  logFile: path.join(os.tmpdir(), `kestrel-bench-calls-${Date.now()}.log`),
  readyPattern: /Kestrel is ready at/,
  url: `http://127.0.0.1:${port}`,
  timeoutMs: 900_000,
});
const password = encodeURIComponent(readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim());
const ownerUrl = `postgres://postgres:${password}@127.0.0.1:${pgPort}/kestrel`;
const appDir = mkdtempSync(path.join(os.tmpdir(), 'kestrel-bench-calls-app-'));
try {
  const postgresText = await postgresVersion(dataDir, pgPort);
  const dataset = await ensureDataset(ownerUrl, dataDir, options, (l) => log(`  seed: ${l}`));
  const config = loadConfig({ NODE_ENV: 'development', DATABASE_URL: ownerUrl, DATA_DIR: appDir, DEMO_WORKSPACE: 'false', RATE_LIMIT_PER_MINUTE: '100000000', LOG_LEVEL: 'silent', WORKER_CONCURRENCY: '0' });
  const platform = await startPlatform(config, createLogger('silent'), { runJobs: false });
  const app = await buildApp(platform.services);
  const headers = await signIn(app, dataset.login);
  const queueUrl = (cursor?: string | null) => `/api/workspaces/${dataset.workspaceId}/calls/queue?limit=25${cursor ? `&cursor=${cursor}` : ''}`;

  // The queue through the real route, first page and then paging on by its cursor.
  const check = (res: { statusCode: number; body: string }) => (res.statusCode === 200 ? null : `HTTP ${res.statusCode}: ${res.body.slice(0, 200)}`);
  const first = await measure(app, headers, ownerUrl, { key: 'calls-queue-first', label: "Today's call queue, first page (25 offered or 500 read)", boundMs: 200, request: () => ({ method: 'GET', url: queueUrl() }), check }, runs, log);
  const paging = await measure(
    app,
    headers,
    ownerUrl,
    { key: 'calls-queue-paging', label: 'Call queue, paging on by keyset cursor', boundMs: 200, request: (_i, state) => ({ method: 'GET', url: queueUrl(state.cursor) }), check },
    runs,
    log,
  );
  const sample = (await app.inject({ method: 'GET', url: queueUrl(), headers, remoteAddress: '10.9.9.9' })).json() as { offered: unknown[]; skipped: unknown[]; scanned: number };

  // The bare SQL: the same keyset page of 100 contacts, as the app role under row-level security.
  const client = new pg.Client({ connectionString: ownerUrl, options: `-c role=${APP_ROLE}` });
  await client.connect();
  const bare: number[] = [];
  let key: { score: number; id: string } | null = null;
  for (let i = 0; i < runs + 10; i++) {
    const t0 = performance.now();
    await client.query('BEGIN');
    await client.query(`SELECT set_config('kestrel.workspace_id', $1, true)`, [dataset.workspaceId]);
    const result: pg.QueryResult<{ id: string; score: number }> = await client.query<{ id: string; score: number }>(
      `SELECT id, first_name, last_name, email, phone, time_zone, postal_code, country, restricted, score FROM contacts
        WHERE workspace_id = $1 ${key ? 'AND (score, id) < ($2::int, $3::uuid)' : ''} ORDER BY score DESC, id DESC LIMIT 100`,
      key ? [dataset.workspaceId, key.score, key.id] : [dataset.workspaceId],
    );
    await client.query('COMMIT');
    if (i >= 10) bare.push(performance.now() - t0);
    const last: { id: string; score: number } | undefined = result.rows.at(-1);
    key = last ? { score: last.score, id: last.id } : null;
  }
  await client.end();
  const sortedBare = [...bare].sort((a, b) => a - b);
  const bareP50 = percentile(sortedBare, 0.5);
  const bareP95 = percentile(sortedBare, 0.95);
  await app.close();
  await platform.shutdown();

  const machine = describeMachine();
  const markdown = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine.cpu}, ${machine.cores} cores; Node ${process.version}, PostgreSQL ${postgresText}. ${int(dataset.contacts)} contacts in the workspace (\`seed:big\` data). ${runs} runs each, sequential, through \`app.inject\`. CPU pressure ${pressureStart?.toFixed(0) ?? '?'} % → ${cpuPressure(10)?.toFixed(0) ?? '?'} %.`,
    '',
    `A page reads contacts by keyset (score, id) on \`contacts_score_idx\` in batches of 100 until 25 are offered or 500 are read; the first page read ${int(sample.scanned)} contacts (${sample.offered.length} offered, ${sample.skipped.length} not, at the time of the run).`,
    '',
    table(
      ['What', 'p50', 'p95', 'p50 ratio to bare SQL'],
      [
        [first.label, `${first.p50.toFixed(1)} ms`, `${first.p95.toFixed(1)} ms`, ratio(first.p50 / bareP50)],
        [paging.label, `${paging.p50.toFixed(1)} ms`, `${paging.p95.toFixed(1)} ms`, ratio(paging.p50 / bareP50)],
        ['Bare SQL: one keyset page of 100 contacts (app role, RLS)', `${bareP50.toFixed(2)} ms`, `${bareP95.toFixed(2)} ms`, '1×'],
      ],
    ),
    ...(first.plan ? ['', `Plan of the slowest statement of the first page: ${first.plan.summary}.`] : []),
  ].join('\n');
  process.stdout.write(`${markdown}\n`);
  if (values.write) log(`Written to ${writeBenchBlock('calls', '## Call planner (CALL-1)', markdown)}`);
  log(`Calls bench took ${((performance.now() - began) / 1000).toFixed(0)} s.`);
} finally {
  await server.stop();
  rmSync(appDir, { recursive: true, force: true });
}
