import type { FastifyInstance, FastifyReply } from 'fastify';
import { serializerCompiler as zodSerializer, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withTenant } from '../../platform/db/tenant';
import { anyMember, teamMembers } from '../../platform/http/access';
import { sendDownload } from '../../platform/http/download';
import { errorBodySchema } from '../../platform/http/errors';
import { exportEverything, exportView, type ExportStream } from './export-view';
import { describeFields, loadFieldCatalog } from './fields';
import { groupView } from './group-view';
import { viewPageJson } from './page-json';
import { queryView } from './query-view';
import { createSavedView } from './saved-views/create-saved-view';
import { deleteSavedView } from './saved-views/delete-saved-view';
import { listSavedViews } from './saved-views/list-saved-views';
import { updateSavedView } from './saved-views/update-saved-view';
import { searchRecords } from './search-records';
import * as c from './views.contract';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const base = '/api/workspaces/:workspaceId';
const streamed = z.string().meta({ description: 'CSV (header row first) or a JSON array, streamed.' });

/**
 * CRM-6 views, saved views and search; CRM-8 export. Reading is open to every member — what
 * each sees is narrowed by role visibility (clients: only what is shared with them). Saving
 * views and exporting are for the team.
 */
export async function viewsModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = app.services.database;
  const read = { access: anyMember };
  const team = { access: teamMembers };
  const tags = ['views'];

  app.get(`${base}/views/fields`, { config: read, schema: { tags, summary: 'Fields a view of an object can show, filter, sort and group by (CRM-6)', params: c.viewsParams, querystring: c.viewFieldsQuery, response: { 200: c.viewFieldsSchema, ...errors } } }, async (request) => {
    const ctx = request.workspace!.ctx;
    const catalog = await withTenant(db, ctx, (tx) => loadFieldCatalog(tx, ctx, request.query.object));
    return { object: request.query.object, fields: describeFields(catalog) };
  });
  app.post(`${base}/views/query`, {
    config: read,
    schema: { tags, summary: 'A page of a view: columns, AND/OR filters, sort, keyset cursor (CRM-6)', params: c.viewsParams, body: c.queryViewBody, response: { 200: c.viewPageSchema, ...errors } },
    // Issue 14: the page's JSON without a second check of every row (page-json.ts); errors as everywhere.
    serializerCompiler: (route) => (route.httpStatus === '200' ? (data: unknown) => viewPageJson(data as c.ViewPage) : zodSerializer(route as unknown as Parameters<typeof zodSerializer>[0])),
  }, async (request) =>
    queryView(db, request.workspace!.ctx, request.body),
  );
  app.post(`${base}/views/groups`, { config: read, schema: { tags, summary: 'Row counts of a view per value of its group-by field (CRM-6)', params: c.viewsParams, body: c.groupCountsBody, response: { 200: c.groupCountsSchema, ...errors } } }, async (request) =>
    groupView(db, request.workspace!.ctx, request.body),
  );

  app.get(`${base}/views`, { config: read, schema: { tags, summary: 'Your personal views and the shared ones (CRM-6)', params: c.viewsParams, querystring: c.listSavedViewsQuery, response: { 200: z.object({ views: z.array(c.savedViewSchema) }), ...errors } } }, async (request) => ({
    views: await listSavedViews(db, request.workspace!.ctx, request.query.object),
  }));
  app.post(`${base}/views`, { config: team, schema: { tags, summary: 'Save a view, personal or shared (CRM-6)', params: c.viewsParams, body: c.createSavedViewBody, response: { 201: c.savedViewSchema, ...errors } } }, async (request, reply) =>
    reply.code(201).send(await createSavedView(db, request.workspace!.ctx, request.body)),
  );
  app.patch(`${base}/views/:viewId`, { config: team, schema: { tags, summary: 'Rename, share or change a view; shared views: creator or a manager (CRM-6)', params: c.savedViewParams, body: c.updateSavedViewBody, response: { 200: c.savedViewSchema, ...errors } } }, async (request) =>
    updateSavedView(db, request.workspace!.ctx, request.params.viewId, request.body),
  );
  app.delete(`${base}/views/:viewId`, { config: team, schema: { tags, summary: 'Delete a view (CRM-6)', params: c.savedViewParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await deleteSavedView(db, request.workspace!.ctx, request.params.viewId);
    return reply.code(204).send(null);
  });

  app.get(`${base}/search`, { config: read, schema: { tags: ['search'], summary: 'Fuzzy search across contacts, companies and deals, ranked (CRM-6)', params: c.viewsParams, querystring: c.searchQuery, response: { 200: c.searchResultsSchema, ...errors } } }, async (request) => ({
    results: await searchRecords(db, request.workspace!.ctx, request.query),
  }));

  const send = (reply: FastifyReply, out: ExportStream) => sendDownload(reply, out);
  const exportTags = ['export'];
  app.get(`${base}/export`, { config: team, schema: { tags: exportTags, summary: 'Export an object or a saved view as CSV or JSON, streamed and audited (CRM-8)', params: c.viewsParams, querystring: c.exportQuery, response: { 200: streamed, ...errors } } }, async (request, reply) => {
    const { format, object, viewId } = request.query;
    return send(reply, await exportView(db, request.workspace!.ctx, { format, ...(object ? { object } : {}), ...(viewId ? { viewId } : {}) }));
  });
  app.post(`${base}/export`, { config: team, schema: { tags: exportTags, summary: 'Export the view being looked at as CSV or JSON, streamed and audited (CRM-8)', params: c.viewsParams, body: c.exportBody, response: { 200: streamed, ...errors } } }, async (request, reply) =>
    send(reply, await exportView(db, request.workspace!.ctx, { format: request.body.format, view: request.body.view })),
  );
  app.get(`${base}/export/everything`, { config: team, schema: { tags: exportTags, summary: 'Every contact, company and deal you can see as one JSON document, streamed and audited (CRM-8)', params: c.viewsParams, querystring: c.exportEverythingQuery, response: { 200: streamed, ...errors } } }, async (request, reply) =>
    send(reply, await exportEverything(db, request.workspace!.ctx)),
  );
}
