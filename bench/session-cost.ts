// Issue 14: what the session statement of every signed-in request costs PostgreSQL, piece by
// piece, against `SELECT 'world'` on the same connection: backend CPU (from /proc) per call of
// each variant, as the application role (row-level security applies). Not part of `npm run bench`:
// `EMBEDDED_PG_PORT=55224 npx tsx bench/session-cost.ts [calls]`.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureDatabase, startEmbeddedPostgres } from '../src/server/platform/db/embedded';
import { migrate } from '../src/server/platform/db/migrate';

const calls = Number(process.argv[2] ?? 5000);
const dir = await mkdtemp(path.join(tmpdir(), 'kestrel-session-cost-'));
const embedded = await startEmbeddedPostgres({ dataDir: dir, port: Number(process.env.EMBEDDED_PG_PORT ?? 55224) });
const ticks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (1/100 s)
};
try {
  await ensureDatabase(embedded.adminUrl, 'kestrel');
  const url = embedded.urlFor('kestrel');
  await migrate(url);
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  await client.connect();
  const token = randomBytes(32).toString('base64url');
  const hash = createHash('sha256').update(token).digest('hex');
  const user = (await client.query<{ id: string }>(`INSERT INTO users (id, email, name, password_hash) VALUES (gen_random_uuid(), 'cost@example.test', 'Cost', 'x') RETURNING id`)).rows[0]!.id;
  await client.query(`INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, now() + interval '30 days')`, [hash, user]);
  const ws: string[] = [];
  for (let i = 0; i < 3; i++) {
    const w = (await client.query<{ id: string }>(`INSERT INTO workspaces (id, name, country, time_zone, currency) VALUES (gen_random_uuid(), $1, 'US', 'UTC', 'USD') RETURNING id`, [`W${i}`])).rows[0]!.id;
    await client.query(`INSERT INTO memberships (workspace_id, user_id, role) VALUES ($1, $2, 'owner')`, [w, user]);
    ws.push(w);
  }
  // The function as it was before decision 023 (SECURITY INVOKER, the policies evaluated inside it), renamed, to compare in one run.
  const before = readFileSync(path.join(import.meta.dirname, '../db/migrations/20261202064152_session_context_closed_workspace.sql'), 'utf8');
  await client.query(before.slice(before.indexOf('CREATE FUNCTION')).replace('kestrel_session_context(', 'kestrel_session_context_invoker('));
  await client.query('SET ROLE kestrel_app');
  const backend = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const cutoff = new Date(Date.now() - 14 * 86_400_000);
  const variants: [string, string, unknown[]][] = [
    ['SELECT \'world\' (the baseline\'s statement)', `SELECT 'world' AS hello`, []],
    ['BEGIN … COMMIT around it', 'BEGIN; SELECT 1; COMMIT', []],
    ['session only (no workspace)', 'SELECT * FROM kestrel_session_context($1, $2, $3, $4)', [hash, cutoff, null, false]],
    ['session + role in a workspace (every workspace route)', 'SELECT * FROM kestrel_session_context($1, $2, $3, $4)', [hash, cutoff, ws[0], false]],
    ['  before decision 023 (policies inside)', 'SELECT * FROM kestrel_session_context_invoker($1, $2, $3, $4)', [hash, cutoff, ws[0], false]],
    ['session + workspaces list (GET /api/auth/me)', 'SELECT * FROM kestrel_session_context($1, $2, $3, $4)', [hash, cutoff, null, true]],
    ['  before decision 023 (policies inside)', 'SELECT * FROM kestrel_session_context_invoker($1, $2, $3, $4)', [hash, cutoff, null, true]],
    ['two set_config calls', `SELECT set_config('kestrel.workspace_id', $1, false), set_config('kestrel.workspace_id', '', false)`, [ws[0]]],
  ];
  const results: string[] = [];
  for (let round = 0; round < 2; round++) {
    for (const [name, text, values] of variants) {
      const q = values.length ? { name: `v${variants.findIndex((v) => v[1] === text && v[2] === values)}`, text, values } : text;
      for (let i = 0; i < 200; i++) await client.query(q as string);
      const before = ticks(backend);
      const t0 = performance.now();
      for (let i = 0; i < calls; i++) await client.query(q as string);
      const wall = performance.now() - t0;
      const cpuMs = ((ticks(backend) - before) * 10) / calls;
      if (round === 1) results.push(`| ${name} | ${(cpuMs * 1000).toFixed(0)} µs | ${((wall / calls) * 1000).toFixed(0)} µs |`);
    }
  }
  console.log(`| Statement (${calls} calls, one connection, as kestrel_app) | PostgreSQL backend CPU per call | wall per call |\n|---|---|---|\n${results.join('\n')}`);
  await client.end();
} catch (error) {
  console.error(error);
} finally {
  await embedded.stop();
  await rm(dir, { recursive: true, force: true });
}
