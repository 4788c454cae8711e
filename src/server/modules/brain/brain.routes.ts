import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { managers, teamMembers } from '../../platform/http/access';
import { AppError, errorBody, errorBodySchema } from '../../platform/http/errors';
import { openEventStream, wantsEventStream } from '../../platform/http/event-stream';
import type { Services } from '../../platform/services';
import { askBrain, brainStatus, deleteConversation, getConversation, listConversations } from './ask-brain';
import * as c from './brain.contract';
import { runBrainTool, saveBrowserTurn } from './browser-brain';
import { startSemanticIndex } from './semantic-index';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const base = '/api/workspaces/:workspaceId/brain';

const answerSchema = z.object({ conversation: c.conversationSummarySchema, question: c.brainMessageSchema, answer: c.brainMessageSchema });

/** Answers as one JSON body, or — with `Accept: text/event-stream` — as events (event, delta, done). */
async function answer(services: Services, request: FastifyRequest, reply: FastifyReply, conversationId: string | null, question: string) {
  const ctx = request.workspace!.ctx;
  if (!wantsEventStream(request)) return askBrain(services, ctx, conversationId, question);
  const stream = openEventStream(reply);
  try {
    const done = await askBrain(services, ctx, conversationId, question, {
      signal: stream.signal,
      onEvent: (event) => stream.send('event', event),
      onDelta: (text) => stream.send('delta', { text }),
    });
    stream.send('done', done);
  } catch (error) {
    const e = error instanceof AppError ? error : null;
    if (!e) request.log.error({ err: error }, 'brain answer failed');
    stream.send('error', e ? errorBody(e.code, e.message, e.details) : errorBody('internal_error', 'The answer failed unexpectedly.'));
  } finally {
    stream.end();
  }
  return reply;
}

/** AI-3: the brain — questions over the workspace's data answered with citations; each member's own history. */
export async function brainModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { services } = app;
  const { db } = services.database;
  const tags = ['brain'];
  const team = { access: teamMembers };

  app.get(`${base}/status`, { config: team, schema: { tags, summary: 'How the brain searches here: keyword always; by meaning when pgvector, an embedding model and an index are there (AI-3)', params: c.brainParams, response: { 200: c.brainStatusSchema, ...errors } } }, async (request) => brainStatus(services, request.workspace!.ctx));
  app.post(`${base}/semantic-index`, { config: { access: managers }, schema: { tags, summary: 'Index the records for search by meaning: needs pgvector and a provider with embeddings (AI-3; audited)', params: c.brainParams, response: { 202: c.semanticIndexSchema, ...errors } } }, async (request, reply) =>
    reply.code(202).send(await startSemanticIndex(services, request.workspace!.ctx)),
  );
  app.get(`${base}/conversations`, { config: team, schema: { tags, summary: 'Your conversations with the brain, latest first (AI-3)', params: c.brainParams, response: { 200: c.conversationListSchema, ...errors } } }, async (request) =>
    listConversations(db, request.workspace!.ctx),
  );
  app.post(`${base}/conversations`, { config: team, schema: { tags, summary: 'Ask a first question: starts a conversation and answers it with citations (AI-3)', params: c.brainParams, body: c.askBody, response: { 200: answerSchema, ...errors } } }, async (request, reply) =>
    answer(services, request, reply, null, request.body.question),
  );
  app.get(`${base}/conversations/:conversationId`, { config: team, schema: { tags, summary: 'A conversation with every question and answer (AI-3)', params: c.conversationParams, response: { 200: c.conversationSchema, ...errors } } }, async (request) =>
    getConversation(db, request.workspace!.ctx, request.params.conversationId),
  );
  app.post(`${base}/conversations/:conversationId/messages`, { config: team, schema: { tags, summary: 'Ask a follow-up question in a conversation (AI-3)', params: c.conversationParams, body: c.askBody, response: { 200: answerSchema, ...errors } } }, async (request, reply) =>
    answer(services, request, reply, request.params.conversationId, request.body.question),
  );
  app.post(`${base}/tools/:tool`, { config: team, schema: { tags, summary: "Run one of the brain's read tools for a browser using its own key (AI-1; audited)", params: c.brainToolParams, body: c.brainToolBody, response: { 200: c.brainToolResultSchema, ...errors } } }, async (request) =>
    runBrainTool(services, request.workspace!.ctx, request.params.tool, request.body.input, request.body.runId),
  );
  app.post(`${base}/browser-turns`, { config: team, schema: { tags, summary: 'Save a question and the answer a browser got with its own key; citations are checked (AI-1, AI-3)', params: c.brainParams, body: c.saveBrowserTurnBody, response: { 201: c.conversationSchema, ...errors } } }, async (request, reply) =>
    reply.code(201).send(await saveBrowserTurn(db, request.workspace!.ctx, request.body)),
  );
  app.delete(`${base}/conversations/:conversationId`, { config: team, schema: { tags, summary: 'Delete a conversation (AI-3)', params: c.conversationParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await deleteConversation(db, request.workspace!.ctx, request.params.conversationId);
    return reply.code(204).send(null);
  });
}
