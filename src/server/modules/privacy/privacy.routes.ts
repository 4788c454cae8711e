import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { managers } from '../../platform/http/access';
import { errorBodySchema } from '../../platform/http/errors';
import { workspaceParams } from '../workspaces/workspaces.contract';
import { eraseWorkspacePerson, lookUpPerson } from './person-privacy';
import { erasureSchema, personLookupSchema, personQuery } from './privacy.contract';

export async function privacyModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = app.services.database;

  // POST, so that the address stays out of URLs and access logs.
  app.post(
    '/api/workspaces/:workspaceId/privacy/lookup',
    {
      config: { access: managers },
      schema: { tags: ['privacy'], summary: 'Everything the workspace holds about a person, by email or phone (PRIV-1)', params: workspaceParams, body: personQuery, response: { 200: personLookupSchema } },
    },
    async (request) => lookUpPerson(db, request.workspace!.ctx, request.body),
  );

  app.post(
    '/api/workspaces/:workspaceId/privacy/erase',
    {
      config: { access: managers },
      schema: {
        tags: ['privacy'],
        summary: 'Erase a person from the workspace, keeping a hash so they are not contacted again (PRIV-3)',
        params: workspaceParams,
        body: personQuery,
        response: { 200: erasureSchema, 404: errorBodySchema },
      },
    },
    async (request) => eraseWorkspacePerson(db, request.workspace!.ctx, request.body),
  );
}
