import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { managers } from '../../platform/http/access';
import { errorBodySchema } from '../../platform/http/errors';
import * as c from './enrichment.contract';
import { getDataProvider, removeDataProvider, saveDataProvider } from './manage-data-provider';
import { testDataProvider } from './test-data-provider';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const base = '/api/workspaces/:workspaceId/data-provider';

/** AI-2: the data provider Hunter enriches contacts through. Owners and admins only; the key never comes back. */
export async function enrichmentModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { services } = app;
  const tags = ['enrichment'];
  const manage = { access: managers };

  app.get(base, { config: manage, schema: { tags, summary: "The workspace's data provider for enrichment (never its key) (AI-2)", params: c.dataProviderParams, response: { 200: c.dataProviderStateSchema, ...errors } } }, async (request) =>
    getDataProvider(services, request.workspace!.ctx),
  );
  app.put(base, { config: manage, schema: { tags, summary: 'Set or change the data provider; the key is stored sealed (AI-2, audited)', params: c.dataProviderParams, body: c.saveDataProviderBody, response: { 200: c.dataProviderSchema, ...errors } } }, async (request) =>
    saveDataProvider(services, request.workspace!.ctx, request.body),
  );
  app.delete(base, { config: manage, schema: { tags, summary: 'Remove the data provider and its key (AI-2, audited)', params: c.dataProviderParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await removeDataProvider(services, request.workspace!.ctx);
    return reply.code(204).send(null);
  });
  app.post(`${base}/test`, { config: manage, schema: { tags, summary: 'Make one real look-up that matches no one and say whether the key works (AI-2)', params: c.dataProviderParams, response: { 200: c.testDataProviderResultSchema, ...errors } } }, async (request) =>
    testDataProvider(services, request.workspace!.ctx),
  );
}
