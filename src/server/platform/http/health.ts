import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errorBodySchema } from './errors';

const healthSchema = z.object({ status: z.enum(['ok']), uptimeSeconds: z.number() }).meta({ id: 'Health' });
const readySchema = z.object({ status: z.enum(['ready']), database: z.literal('ok'), mail: z.string() }).meta({ id: 'Readiness' });

/** OPS-1: liveness (the process answers) and readiness (it can reach its database). */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/health', { config: { access: 'public' }, schema: { tags: ['platform'], summary: 'Liveness: the process answers (OPS-1)', response: { 200: healthSchema } } }, async () => ({
    status: 'ok' as const,
    uptimeSeconds: Math.round(process.uptime()),
  }));

  app.get(
    '/api/ready',
    { config: { access: 'public' }, schema: { tags: ['platform'], summary: 'Readiness: the database answers (OPS-1)', response: { 200: readySchema, 503: errorBodySchema } } },
    async (_request, reply) => {
      try {
        await app.services.database.db.execute(sql`SELECT 1`);
      } catch {
        return reply.code(503).send({ error: { code: 'not_ready', message: 'The database cannot be reached.', details: {} } });
      }
      return { status: 'ready' as const, database: 'ok' as const, mail: app.services.mail.transport.name };
    },
  );
}
