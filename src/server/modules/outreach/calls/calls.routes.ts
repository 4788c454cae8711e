import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { managers, teamMembers } from '../../../platform/http/access';
import { AppError, errorBodySchema } from '../../../platform/http/errors';
import { addToDoNotCall, markContactDoNotCallNow } from './add-to-do-not-call';
import * as c from './calls.contract';
import { getDncImport, listDncImports, uploadDncImport } from './import-do-not-call';
import { listCallQueue } from './list-call-queue';
import { listDoNotCall } from './list-do-not-call';
import { logCall } from './log-call';
import { removeFromDoNotCall } from './remove-from-do-not-call';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 413: errorBodySchema, 415: errorBodySchema, 429: errorBodySchema };
const base = '/api/workspaces/:workspaceId/calls';

/**
 * CALL-1 call planner, CALL-2 do-not-call, CALL-3 calling hours. Team members plan and log calls
 * and add numbers to the list (whoever hears "don't call me" must be able to act on it);
 * importing a national registry file is for owners and admins.
 */
export async function callsModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = app.services.database;
  const { config } = app.services;
  const team = { access: teamMembers };
  const tags = ['calls'];

  // Only in this plugin: a registry file is streamed by its route, not parsed.
  app.addContentTypeParser(['application/octet-stream', 'text/plain', 'text/csv'], (_request, payload, done) => done(null, payload));

  app.get(
    `${base}/queue`,
    { config: team, schema: { tags, summary: "Today's call queue: who may be called now, by lead score, and why the others are not offered (CALL-1, CALL-2, CALL-3)", params: c.workspaceParams, querystring: c.queueQuery, response: { 200: c.callQueueSchema, ...errors } } },
    async (request) => listCallQueue(db, request.workspace!.ctx, request.query),
  );

  app.post(
    `${base}/contacts/:contactId/log`,
    { config: team, schema: { tags, summary: 'Log a call: outcome and duration on the timeline, an optional follow-up task; refused for a do-not-call number (CALL-1, CALL-2)', params: c.contactParams, body: c.logCallBody, response: { 201: c.logCallResultSchema, ...errors } } },
    async (request, reply) => reply.code(201).send(await logCall(db, request.workspace!.ctx, request.params.contactId, request.body)),
  );

  app.post(
    `${base}/contacts/:contactId/do-not-call`,
    { config: team, schema: { tags, summary: 'The contact asked not to be called: all their numbers go on the do-not-call list at once (CALL-2)', params: c.contactParams, body: c.contactDncBody, response: { 201: c.contactDncResultSchema, ...errors } } },
    async (request, reply) => reply.code(201).send({ added: await markContactDoNotCallNow(db, request.workspace!.ctx, request.params.contactId, request.body.reason ?? null) }),
  );

  app.get(
    `${base}/do-not-call`,
    { config: team, schema: { tags, summary: 'The do-not-call list, newest first (CALL-2)', params: c.workspaceParams, querystring: c.dncListQuery, response: { 200: c.dncPageSchema, ...errors } } },
    async (request) => listDoNotCall(db, request.workspace!.ctx, request.query),
  );

  app.post(
    `${base}/do-not-call`,
    { config: team, schema: { tags, summary: 'Add a number to the do-not-call list (CALL-2)', params: c.workspaceParams, body: c.addDncBody, response: { 201: c.dncEntrySchema, ...errors } } },
    async (request, reply) => reply.code(201).send(await addToDoNotCall(db, request.workspace!.ctx, request.body)),
  );

  app.post(
    `${base}/do-not-call/remove`,
    { config: { access: managers }, schema: { tags, summary: 'Take a number off the do-not-call list, with a reason; owners and admins only, audited (CALL-2)', params: c.workspaceParams, body: c.removeDncBody, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await removeFromDoNotCall(db, request.workspace!.ctx, request.body);
      return reply.code(204).send(null);
    },
  );

  app.get(
    `${base}/do-not-call/imports`,
    { config: { access: managers }, schema: { tags, summary: 'Registry imports, newest first (CALL-2)', params: c.workspaceParams, response: { 200: c.dncImportListSchema, ...errors } } },
    async (request) => ({ items: await listDncImports(db, request.workspace!.ctx) }),
  );

  app.post(
    `${base}/do-not-call/imports`,
    {
      config: { access: managers },
      schema: {
        tags,
        summary: 'Import a national do-not-call registry file sent as the raw request body: the full list (one area code and number per line) or a change-list file of additions or deletions (`kind`); runs as a job (CALL-2)',
        params: c.workspaceParams,
        querystring: c.dncUploadQuery,
        response: { 201: c.dncImportSchema, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as unknown;
      if (!body || typeof (body as Readable).pipe !== 'function') {
        throw new AppError('unsupported_media_type', 415, 'Send the file itself as the request body, with Content-Type text/plain or application/octet-stream.');
      }
      const declared = Number(request.headers['content-length']);
      const created = await uploadDncImport(db, request.workspace!.ctx, { dataDir: config.DATA_DIR, maxBytes: config.IMPORT_MAX_BYTES }, {
        fileName: request.query.fileName,
        kind: request.query.kind,
        body: body as Readable,
        ...(Number.isFinite(declared) && declared > 0 ? { declaredBytes: declared } : {}),
      });
      return reply.code(201).send(created);
    },
  );

  app.get(
    `${base}/do-not-call/imports/:importId`,
    { config: { access: managers }, schema: { tags, summary: 'A registry import with its live progress (CALL-2)', params: c.dncImportParams, response: { 200: c.dncImportSchema, ...errors } } },
    async (request) => getDncImport(db, request.workspace!.ctx, request.params.importId),
  );
}
