// The baselines, each in its own process, no plugins and no logging: a bare Fastify 5 "hello
// world", and (with DATABASE_URL) the same server answering after one PostgreSQL round trip
// through `pg`, so the cost of talking to the database on this machine is measured next to ours.
import Fastify from 'fastify';
import pg from 'pg';

const app = Fastify({ logger: false });
const pool = process.env.DATABASE_URL ? new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 }) : null;
if (pool) {
  app.get('/', async () => {
    const { rows } = await pool.query<{ hello: string }>(`SELECT 'world' AS hello`);
    return { hello: rows[0]!.hello };
  });
} else {
  app.get('/', async () => ({ hello: 'world' }));
}
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.stdout.write('hello server ready\n');
process.on('SIGTERM', () => void app.close().then(() => pool?.end()).then(() => process.exit(0)));
