import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { teamMembers } from '../../../platform/http/access';
import { errorBodySchema } from '../../../platform/http/errors';
import { workspaceParams } from '../outreach.contract';
import * as c from './campaigns.contract';
import { cancelCampaign, createCampaign, getCampaign, listCampaigns, listRecipients, pauseCampaign, resumeCampaign } from './manage-campaigns';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const base = '/api/workspaces/:workspaceId/outreach/campaigns';

/** MAIL-2, MAIL-3: campaigns to saved views and tags, scheduled, throttled, pausable, with live counts. */
export async function campaignsModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { services } = app;
  const config = { access: teamMembers };
  const tags = ['outreach'];

  app.get(base, { config, schema: { tags, summary: 'Campaigns, newest first, with counts per status (MAIL-2, MAIL-3)', params: workspaceParams, response: { 200: z.object({ items: z.array(c.campaignSchema) }), ...errors } } }, async (request) => ({
    items: await listCampaigns(services, request.workspace!.ctx),
  }));
  app.post(base, { config, schema: { tags, summary: 'Send a template to a saved view or tag, now or at a time; only contacts with recorded marketing consent are queued (MAIL-2, MAIL-4)', params: workspaceParams, body: c.campaignBody, response: { 201: c.campaignSchema, ...errors } } }, async (request, reply) =>
    reply.code(201).send(await createCampaign(services, request.workspace!.ctx, request.body)),
  );
  app.get(`${base}/:campaignId`, { config, schema: { tags, summary: 'A campaign and its live counts: queued, sent, skipped, failed, delivered, opened, clicked, bounced, complained (MAIL-2, MAIL-3)', params: c.campaignParams, response: { 200: c.campaignSchema, ...errors } } }, async (request) =>
    getCampaign(services, request.workspace!.ctx, request.params.campaignId),
  );
  app.get(`${base}/:campaignId/recipients`, { config, schema: { tags, summary: "A campaign's recipients with their status and reason (MAIL-2)", params: c.campaignParams, querystring: c.recipientsQuery, response: { 200: z.object({ items: z.array(c.recipientSchema) }), ...errors } } }, async (request) => ({
    items: await listRecipients(services, request.workspace!.ctx, request.params.campaignId, request.query),
  }));
  app.post(`${base}/:campaignId/pause`, { config, schema: { tags, summary: 'Pause a campaign after the mail in flight (MAIL-2)', params: c.campaignParams, response: { 200: c.campaignSchema, ...errors } } }, async (request) =>
    pauseCampaign(services, request.workspace!.ctx, request.params.campaignId),
  );
  app.post(`${base}/:campaignId/resume`, { config, schema: { tags, summary: 'Resume a paused campaign where it stopped (MAIL-2)', params: c.campaignParams, response: { 200: c.campaignSchema, ...errors } } }, async (request) =>
    resumeCampaign(services, request.workspace!.ctx, request.params.campaignId),
  );
  app.post(`${base}/:campaignId/cancel`, { config, schema: { tags, summary: 'Cancel a campaign; whoever was not sent it yet is skipped (MAIL-2)', params: c.campaignParams, response: { 200: c.campaignSchema, ...errors } } }, async (request) =>
    cancelCampaign(services, request.workspace!.ctx, request.params.campaignId),
  );
}
