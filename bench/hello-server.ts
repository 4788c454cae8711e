// The baselines, in one process, no plugins and no logging: a bare Fastify 5 "hello world" at
// `/`, and (with DATABASE_URL) the same answer after one PostgreSQL round trip through `pg` at
// `/db` and after ROUND_TRIPS round trips on one pooled connection at `/page`, so the cost of
// talking to the database on this machine is measured next to ours, for as many round trips as
// our request makes. With REPLAY_FILE (bench/http.bench.ts writes it), `/me-sql` and `/page-sql`
// send the very statements Kestrel's `GET /api/auth/me` and contacts page send (as PostgreSQL
// logged them, same parameters, as the application role, named as pg names them), so what the
// database itself costs for our requests is measured apart from what Kestrel adds.
// One process, one port: a shared machine hands a bench few ports.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import pg from 'pg';
import type { LoggedStatement } from './lib/statement-log';

export interface Replay {
  /** The role Kestrel's requests run as (row-level security applies to it). */
  role: string;
  me: LoggedStatement[];
  page: LoggedStatement[];
  /** `PREPARE …` texts by name, run once per connection before its first replay. */
  prepares: Record<string, string>;
}

const app = Fastify({ logger: false });
const pool = process.env.DATABASE_URL ? new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 }) : null;
const roundTrips = Number(process.env.ROUND_TRIPS ?? 1);
app.get('/', async () => ({ hello: 'world' }));
if (pool) {
  app.get('/db', async () => {
    const { rows } = await pool.query<{ hello: string }>(`SELECT 'world' AS hello`);
    return { hello: rows[0]!.hello };
  });
  app.get('/page', async () => {
    const client = await pool.connect();
    try {
      let hello = '';
      for (let i = 0; i < roundTrips; i++) hello = (await client.query<{ hello: string }>(`SELECT 'world' AS hello`)).rows[0]!.hello;
      return { hello };
    } finally {
      client.release();
    }
  });
  if (process.env.REPLAY_FILE) {
    const replay = JSON.parse(readFileSync(process.env.REPLAY_FILE, 'utf8')) as Replay;
    const ready = new WeakSet<pg.PoolClient>();
    const route = (name: string, statements: LoggedStatement[]) =>
      app.get(`/${name}-sql`, async () => {
        const client = await pool.connect();
        try {
          if (!ready.has(client)) {
            await client.query(`SET ROLE ${replay.role}`);
            for (const text of Object.values(replay.prepares)) await client.query(text);
            ready.add(client);
          }
          for (const [i, s] of statements.entries()) {
            if (s.values.length) await client.query({ name: `${name}${i}`, text: s.text, values: s.values });
            else await client.query(s.text);
          }
          return { hello: 'world' };
        } finally {
          client.release();
        }
      });
    route('me', replay.me);
    route('page', replay.page);
  }
}
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.stdout.write('hello server ready\n');
process.on('SIGTERM', () => void app.close().then(() => pool?.end()).then(() => process.exit(0)));
