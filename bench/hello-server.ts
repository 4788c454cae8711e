// The baseline: a bare Fastify 5 "hello world" with no plugins and no logging, in its own process.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.stdout.write('hello server ready\n');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
