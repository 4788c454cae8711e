import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { managers, teamMembers } from '../../platform/http/access';
import { errorBodySchema } from '../../platform/http/errors';
import * as c from './ai.contract';
import { getAiSettings, updateAiSettings } from './ai-settings';
import { getAiStatus } from './ai-status';
import { getUsage } from './get-usage';
import { browserCallAllowance, recordBrowserCall } from './record-browser-call';
import { getCall, listCalls } from './list-calls';
import { getProviderState, removeProvider, saveProvider } from './manage-provider';
import { testProvider } from './test-provider';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const base = '/api/workspaces/:workspaceId/ai';

/**
 * AI-1, AI-4, AI-6, AI-8, WS-5: providers, settings, the record of calls and usage. Owners and
 * admins manage providers and settings; staff use AI and see their own calls; clients have none.
 */
export async function aiModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { services } = app;
  const { db } = services.database;
  const tags = ['ai'];
  const team = { access: teamMembers };
  const manage = { access: managers };

  app.get(`${base}/status`, { config: team, schema: { tags, summary: 'Whether AI is available here and, if not, how to connect a provider (AI-8)', params: c.aiParams, response: { 200: c.aiStatusSchema, ...errors } } }, async (request) =>
    getAiStatus(services, request.workspace!.ctx),
  );

  app.get(`${base}/provider`, { config: manage, schema: { tags, summary: "The workspace's provider (never its key) and the operator's (AI-1)", params: c.aiParams, response: { 200: c.aiProviderStateSchema, ...errors } } }, async (request) =>
    getProviderState(services, request.workspace!.ctx),
  );
  app.put(`${base}/provider`, { config: manage, schema: { tags, summary: 'Connect or change the workspace provider; the key is stored sealed (AI-1, audited)', params: c.aiParams, body: c.saveAiProviderBody, response: { 200: c.aiProviderSchema, ...errors } } }, async (request) =>
    saveProvider(services, request.workspace!.ctx, request.body),
  );
  app.delete(`${base}/provider`, { config: manage, schema: { tags, summary: 'Disconnect the workspace provider (AI-1, audited)', params: c.aiParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await removeProvider(services, request.workspace!.ctx);
    return reply.code(204).send(null);
  });
  app.post(`${base}/provider/test`, { config: manage, schema: { tags, summary: 'Make a tiny real call to the provider in use and say whether it worked (AI-1)', params: c.aiParams, response: { 200: c.testAiProviderResultSchema, ...errors } } }, async (request) =>
    testProvider(services, request.workspace!.ctx),
  );

  app.get(`${base}/settings`, { config: team, schema: { tags, summary: 'AI settings: redaction of emails and phone numbers (AI-6)', params: c.aiParams, response: { 200: c.aiSettingsSchema, ...errors } } }, async (request) =>
    getAiSettings(db, request.workspace!.ctx),
  );
  app.put(`${base}/settings`, { config: manage, schema: { tags, summary: 'Change AI settings (AI-6, audited)', params: c.aiParams, body: c.updateAiSettingsBody, response: { 200: c.aiSettingsSchema, ...errors } } }, async (request) =>
    updateAiSettings(db, request.workspace!.ctx, request.body),
  );

  app.get(`${base}/calls`, { config: team, schema: { tags, summary: 'AI calls, newest first; staff see their own (AI-4)', params: c.aiParams, querystring: c.listAiCallsQuery, response: { 200: c.aiCallPageSchema, ...errors } } }, async (request) =>
    listCalls(db, request.workspace!.ctx, request.query),
  );
  app.get(`${base}/calls/:callId`, { config: team, schema: { tags, summary: 'One AI call in full: prompt, records used, output, tokens, cost (AI-4)', params: c.aiCallParams, response: { 200: c.aiCallSchema, ...errors } } }, async (request) =>
    getCall(db, request.workspace!.ctx, request.params.callId),
  );
  app.get(`${base}/browser-calls/allowance`, { config: team, schema: { tags, summary: 'Whether a browser-key call may go ahead under the daily limits (AI-1, WS-5)', params: c.aiParams, response: { 200: c.browserCallAllowanceSchema, ...errors } } }, async (request) =>
    browserCallAllowance(db, request.workspace!.ctx, services.config.ai.limits),
  );
  app.post(`${base}/browser-calls`, { config: team, schema: { tags, summary: 'Record a call the browser made with a personal key it keeps to itself; the key is never sent (AI-1, AI-4)', params: c.aiParams, body: c.recordBrowserCallBody, response: { 201: c.recordedBrowserCallSchema, ...errors } } }, async (request, reply) =>
    reply.code(201).send(await recordBrowserCall(db, request.workspace!.ctx, services.config.ai, request.body)),
  );

  app.get(`${base}/usage`, { config: team, schema: { tags, summary: 'AI calls, tokens and cost per day and per member, last 30 days (WS-5)', params: c.aiParams, response: { 200: c.aiUsageSchema, ...errors } } }, async (request) =>
    getUsage(db, request.workspace!.ctx, services.config.ai.limits),
  );
}
