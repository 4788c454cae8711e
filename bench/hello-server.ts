// The baselines, each in its own process, no plugins and no logging: a bare Fastify 5 "hello
// world", and (with DATABASE_URL) the same server answering after ROUND_TRIPS (default 1)
// PostgreSQL round trips through `pg` on one pooled connection, so the cost of talking to the
// database on this machine is measured next to ours, for as many round trips as our request makes.
import Fastify from 'fastify';
import pg from 'pg';

const app = Fastify({ logger: false });
const pool = process.env.DATABASE_URL ? new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 }) : null;
const roundTrips = Number(process.env.ROUND_TRIPS ?? 1);
if (pool && roundTrips === 1) {
  app.get('/', async () => {
    const { rows } = await pool.query<{ hello: string }>(`SELECT 'world' AS hello`);
    return { hello: rows[0]!.hello };
  });
} else if (pool) {
  app.get('/', async () => {
    const client = await pool.connect();
    try {
      let hello = '';
      for (let i = 0; i < roundTrips; i++) hello = (await client.query<{ hello: string }>(`SELECT 'world' AS hello`)).rows[0]!.hello;
      return { hello };
    } finally {
      client.release();
    }
  });
} else {
  app.get('/', async () => ({ hello: 'world' }));
}
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.stdout.write('hello server ready\n');
process.on('SIGTERM', () => void app.close().then(() => pool?.end()).then(() => process.exit(0)));
