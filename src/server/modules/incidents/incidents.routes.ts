import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { managers } from '../../platform/http/access';
import { workspaceParams } from '../workspaces/workspaces.contract';
import { createIncidentBody, dataCategoryList, incidentList, incidentParams, incidentSchema, noticePreview, updateIncidentBody } from './incidents.contract';
import { createIncident, dataCategories, getIncident, listIncidents, previewNotice, sendNotice, updateIncident } from './incidents';

/** PRIV-6: breach incidents, owners and admins only. */
export async function incidentsModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const services = app.services;
  const tags = ['incidents'];

  app.get(
    '/api/workspaces/:workspaceId/incidents',
    { config: { access: managers }, schema: { tags, summary: 'Breach incidents, newest discovery first (PRIV-6)', params: workspaceParams, response: { 200: incidentList } } },
    async (request) => ({ incidents: await listIncidents(services, request.workspace!.ctx), now: new Date().toISOString() }),
  );

  app.get(
    '/api/workspaces/:workspaceId/incidents/categories',
    { config: { access: managers }, schema: { tags, summary: 'Kinds of data a breach can involve, from the data registry (PRIV-6)', params: workspaceParams, response: { 200: dataCategoryList } } },
    async () => ({ categories: dataCategories() }),
  );

  app.post(
    '/api/workspaces/:workspaceId/incidents',
    { config: { access: managers }, schema: { tags, summary: 'Record a breach incident (PRIV-6)', params: workspaceParams, body: createIncidentBody, response: { 201: incidentSchema } } },
    async (request, reply) => reply.code(201).send(await createIncident(services, request.workspace!.ctx, request.body)),
  );

  app.get(
    '/api/workspaces/:workspaceId/incidents/:incidentId',
    { config: { access: managers }, schema: { tags, summary: 'One breach incident (PRIV-6)', params: incidentParams, response: { 200: incidentSchema } } },
    async (request) => getIncident(services, request.workspace!.ctx, request.params.incidentId),
  );

  app.patch(
    '/api/workspaces/:workspaceId/incidents/:incidentId',
    { config: { access: managers }, schema: { tags, summary: 'Update an incident: details, categories, who is affected (PRIV-6)', params: incidentParams, body: updateIncidentBody, response: { 200: incidentSchema } } },
    async (request) => updateIncident(services, request.workspace!.ctx, request.params.incidentId, request.body),
  );

  app.get(
    '/api/workspaces/:workspaceId/incidents/:incidentId/notice',
    { config: { access: managers }, schema: { tags, summary: 'The notice to the people affected, as it would be sent (PRIV-6)', params: incidentParams, response: { 200: noticePreview } } },
    async (request) => previewNotice(services, request.workspace!.ctx, request.params.incidentId),
  );

  app.post(
    '/api/workspaces/:workspaceId/incidents/:incidentId/notice',
    { config: { access: managers }, schema: { tags, summary: 'Send the notice to every person affected, once (PRIV-6)', params: incidentParams, response: { 200: incidentSchema } } },
    async (request) => sendNotice(services, request.workspace!.ctx, request.params.incidentId),
  );
}
