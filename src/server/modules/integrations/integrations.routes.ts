import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { teamMembers } from '../../platform/http/access';
import { AppError, errorBodySchema } from '../../platform/http/errors';
import { connectionProviders } from './integrations.schema';
import { notificationPath, receiveCalendarNotification } from './calendar-channels';
import { connectedPage, disconnect, finishConnection, listConnections, startConnection } from './oauth-connections';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const base = '/api/workspaces/:workspaceId/integrations';
const providerParams = z.strictObject({ workspaceId: z.uuid(), provider: z.enum(connectionProviders) });
const connectionSchema = z.object({ provider: z.enum(connectionProviders), status: z.enum(['pending', 'connected', 'disconnected', 'failed']), scopes: z.array(z.string()), connectedAt: z.string().nullable(), lastError: z.string().nullable() }).meta({ id: 'IntegrationConnection' });

/** INT-1: a member connects, checks and disconnects their own outside accounts. */
export async function integrationsModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { services } = app;
  const { db } = services.database;
  const team = { access: teamMembers };
  const tags = ['integrations'];

  app.get(base, { config: team, schema: { tags, summary: 'My connections and the scopes they hold (INT-1)', params: z.strictObject({ workspaceId: z.uuid() }), response: { 200: z.object({ items: z.array(connectionSchema) }), ...errors } } }, async (request) => ({
    items: await listConnections(db, request.workspace!.ctx),
  }));
  app.post(`${base}/:provider/connect`, { config: team, schema: { tags, summary: "Start connecting: the provider's consent page, PKCE and a single-use state (INT-1, BOOK-2, MAIL-1)", params: providerParams, response: { 200: z.object({ authorizationUrl: z.string() }), ...errors } } }, async (request) => {
    await services.rateLimit.hit({ key: `integration-connect:user:${request.workspace!.ctx.userId}`, max: 20, windowSeconds: 600 });
    return startConnection(services, request.workspace!.ctx, request.params.provider);
  });
  app.delete(`${base}/:provider`, { config: team, schema: { tags, summary: 'Disconnect now: tokens wiped, no further calls (INT-1)', params: providerParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await disconnect(services, request.workspace!.ctx, request.params.provider);
    return reply.code(204).send(null);
  });
  // BOOK-2: Google Calendar's push notifications. Public (Google calls it), rate limited per
  // address, answers nothing but a status: the channel token proves who it is for.
  app.post(notificationPath, {
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Google Calendar says a watched calendar changed: its cached busy times are dropped (BOOK-2)',
      headers: z.object({
        'x-goog-channel-id': z.string().max(64).optional(),
        'x-goog-channel-token': z.string().max(256).optional(),
        'x-goog-resource-id': z.string().max(256).optional(),
        'x-goog-resource-state': z.string().max(32).optional(),
      }).loose(),
      response: { 204: z.null(), ...errors },
    },
  }, async (request, reply) => {
    await services.rateLimit.hit({ key: `calendar-push:ip:${request.ip}`, max: 600, windowSeconds: 60 });
    const h = request.headers;
    await receiveCalendarNotification(services, { channelId: h['x-goog-channel-id'], token: h['x-goog-channel-token'], resourceId: h['x-goog-resource-id'], resourceState: h['x-goog-resource-state'] });
    return reply.code(204).send(null);
  });
  app.get('/api/integrations/oauth/callback', { config: { access: 'user' }, schema: { tags, summary: 'Where the provider sends the member back (INT-1)', querystring: z.object({ state: z.string().max(200).optional(), code: z.string().max(2000).optional(), error: z.string().max(200).optional() }).loose(), response: { 302: z.null(), ...errors } } }, async (request, reply) => {
    try {
      const { workspaceId, provider } = await finishConnection(services, request.auth!.userId, request.query);
      return reply.redirect(connectedPage(workspaceId, provider), 302);
    } catch (error) {
      if (error instanceof AppError && error.statusCode < 500) throw error;
      request.log.warn({ err: (error as Error).message }, 'OAuth connection failed');
      throw new AppError('oauth_failed', 409, 'The provider did not complete the connection. Try again.');
    }
  });
}
