import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { anyMember } from '../../platform/http/access';
import { errorBodySchema } from '../../platform/http/errors';
import { getHome } from './get-home';
import { homeParams, homeSchema } from './home.contract';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 429: errorBodySchema };

/**
 * The home page's cockpit (CRM-1, CRM-3, CRM-4, AI-5). It sits above the modules it reads and
 * reaches each through its use cases. Every member may ask; each sees only what their role shows.
 */
export async function homeModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = app.services.database;
  app.get(
    '/api/workspaces/:workspaceId/home',
    {
      config: { access: anyMember },
      schema: {
        tags: ['home'],
        summary: "The member's day: tasks due, approvals waiting, new leads, deals closing this month, pipeline value by stage and recent activity (CRM-1, CRM-3, CRM-4, AI-5)",
        params: homeParams,
        response: { 200: homeSchema, ...errors },
      },
    },
    async (request) => getHome(db, request.workspace!.ctx),
  );
}
