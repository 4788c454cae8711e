import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { teamMembers } from '../../../platform/http/access';
import { errorBodySchema } from '../../../platform/http/errors';
import { workspaceParams } from '../outreach.contract';
import * as c from './sequences.contract';
import { createSequence, enrolFromView, getSequence, listEnrolments, listSequences, stopEnrolment, updateSequence } from './manage-sequences';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const base = '/api/workspaces/:workspaceId/outreach/sequences';

/** MAIL-2: sequences of follow-up mails, enrolment from saved views, stop on reply, unsubscribe and bounce. */
export async function sequencesModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { services } = app;
  const config = { access: teamMembers };
  const tags = ['outreach'];

  app.get(base, { config, schema: { tags, summary: 'Sequences, newest first, with their steps and enrolments per state (MAIL-2)', params: workspaceParams, response: { 200: z.object({ items: z.array(c.sequenceSchema) }), ...errors } } }, async (request) => ({
    items: await listSequences(services, request.workspace!.ctx),
  }));
  app.post(base, { config, schema: { tags, summary: 'Make a sequence of steps from templates, each some days after the last (MAIL-2)', params: workspaceParams, body: c.sequenceBody, response: { 201: c.sequenceSchema, ...errors } } }, async (request, reply) =>
    reply.code(201).send(await createSequence(services, request.workspace!.ctx, request.body)),
  );
  app.get(`${base}/:sequenceId`, { config, schema: { tags, summary: 'A sequence, its steps and enrolments per state (MAIL-2)', params: c.sequenceParams, response: { 200: c.sequenceSchema, ...errors } } }, async (request) =>
    getSequence(services, request.workspace!.ctx, request.params.sequenceId),
  );
  app.patch(`${base}/:sequenceId`, { config, schema: { tags, summary: 'Edit a sequence while it runs: name, draft or active, and its steps (kept by id, added, removed) (MAIL-2)', params: c.sequenceParams, body: c.sequenceUpdateBody, response: { 200: c.sequenceSchema, ...errors } } }, async (request) =>
    updateSequence(services, request.workspace!.ctx, request.params.sequenceId, request.body),
  );
  app.post(`${base}/:sequenceId/enrolments`, { config, schema: { tags, summary: 'Enrol the contacts of a saved view; only those with recorded marketing consent and an unsuppressed address (MAIL-2, MAIL-4)', params: c.sequenceParams, body: c.enrolBody, response: { 201: c.enrolResultSchema, ...errors } } }, async (request, reply) =>
    reply.code(201).send(await enrolFromView(services, request.workspace!.ctx, request.params.sequenceId, request.body.viewId)),
  );
  app.get(`${base}/:sequenceId/enrolments`, { config, schema: { tags, summary: "A sequence's enrolments: state, next step and when it is due (MAIL-2)", params: c.sequenceParams, querystring: c.enrolmentsQuery, response: { 200: z.object({ items: z.array(c.enrolmentSchema) }), ...errors } } }, async (request) => ({
    items: await listEnrolments(services, request.workspace!.ctx, request.params.sequenceId, request.query),
  }));
  app.post(`${base}/:sequenceId/enrolments/:contactId/stop`, { config, schema: { tags, summary: 'Take one contact out of a sequence (MAIL-2)', params: c.enrolmentParams, response: { 200: c.enrolmentSchema, ...errors } } }, async (request) =>
    stopEnrolment(services, request.workspace!.ctx, request.params.sequenceId, request.params.contactId),
  );
}
