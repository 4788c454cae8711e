import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { teamMembers } from '../../platform/http/access';
import { errorBodySchema } from '../../platform/http/errors';
import { crmParams } from '../crm/crm.contract';
import * as c from './bulk.contract';
import { createBulkOperation } from './create-bulk-operation';
import { getBulkOperation, listBulkOperations } from './get-bulk-operation';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const base = '/api/workspaces/:workspaceId';

/** CRM-9: bulk tag, assign, lifecycle, stage and delete over a selection or a filtered view, as a job with progress. */
export async function bulkModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = app.services.database;
  const tags = ['bulk actions'];
  // Deletes are further limited to owners and admins inside the use case.
  app.post(`${base}/bulk-operations`, { config: { access: teamMembers }, schema: { tags, summary: 'Start a bulk change; poll it for progress (CRM-9, audited)', params: crmParams, body: c.createBulkOperationBody, response: { 202: c.bulkOperationSchema, ...errors } } }, async (request, reply) =>
    reply.code(202).send(await createBulkOperation(db, request.workspace!.ctx, request.body)),
  );
  app.get(`${base}/bulk-operations`, { config: { access: teamMembers }, schema: { tags, summary: 'Recent bulk changes, newest first (CRM-9)', params: crmParams, querystring: c.listBulkOperationsQuery, response: { 200: z.object({ operations: z.array(c.bulkOperationSchema) }), ...errors } } }, async (request) => ({
    operations: await listBulkOperations(db, request.workspace!.ctx, request.query.limit),
  }));
  app.get(`${base}/bulk-operations/:operationId`, { config: { access: teamMembers }, schema: { tags, summary: "A bulk change's progress: total, done, failed, status (CRM-9)", params: c.bulkOperationParams, response: { 200: c.bulkOperationSchema, ...errors } } }, async (request) =>
    getBulkOperation(db, request.workspace!.ctx, request.params.operationId),
  );
}
