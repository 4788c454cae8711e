// The baselines, in one process, no plugins and no logging: a bare Fastify 5 "hello world" at
// `/`, and (with DATABASE_URL) the same answer after one PostgreSQL round trip through `pg` at
// `/db` and after ROUND_TRIPS round trips on one pooled connection at `/page`, so the cost of
// talking to the database on this machine is measured next to ours, for as many round trips as
// our request makes. One process, one port: a shared machine hands a bench few ports.
import Fastify from 'fastify';
import pg from 'pg';

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
}
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.stdout.write('hello server ready\n');
process.on('SIGTERM', () => void app.close().then(() => pool?.end()).then(() => process.exit(0)));
