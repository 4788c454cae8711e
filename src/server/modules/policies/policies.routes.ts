import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { policyNoticeList, policyParams } from './policies.contract';
import { acknowledgePolicy, pendingNotices } from './policies';

/** PRIV-7: the notice a signed-in person sees for a material policy change, and their acknowledgement. */
export async function policiesModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { system } = app.services.database;
  const tags = ['policies'];

  app.get(
    '/api/auth/policy-notices',
    { config: { access: 'user' }, schema: { tags, summary: 'Material privacy policy changes the signed-in person has not acknowledged (PRIV-7)', response: { 200: policyNoticeList } } },
    async (request) => ({ notices: await pendingNotices(system, request.auth!.userId) }),
  );

  app.post(
    '/api/auth/policy-notices/:policyVersionId/acknowledge',
    { config: { access: 'user' }, schema: { tags, summary: 'Record that the signed-in person read a policy change (PRIV-7)', params: policyParams, response: { 204: z.null() } } },
    async (request, reply) => {
      await acknowledgePolicy(system, request.auth!.userId, request.params.policyVersionId);
      return reply.code(204).send(null);
    },
  );
}
