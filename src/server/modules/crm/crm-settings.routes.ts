import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { anyMember, managers } from '../../platform/http/access';
import { errorBodySchema } from '../../platform/http/errors';
import { crmParams, pipelineSchema, tagSchema } from './crm.contract';
import * as c from './crm-settings.contract';
import { addStage } from './pipelines/add-stage';
import { boardTotals } from './pipelines/board-totals';
import { deleteStage } from './pipelines/delete-stage';
import { reorderStages } from './pipelines/reorder-stages';
import { updatePipeline } from './pipelines/update-pipeline';
import { updateStage } from './pipelines/update-stage';
import { crmSummary } from './summary/crm-summary';
import { deleteTag } from './tags/delete-tag';
import { updateTag } from './tags/update-tag';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const base = '/api/workspaces/:workspaceId';

/** Tuning pipelines, stages and tags (managers), and the summaries the home page and board show (CRM-3, CRM-5). */
export async function crmSettingsRoutes(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = app.services.database;
  // Like the record lists: clients read too, limited by the visibility filter to what was shared with them.
  const read = { access: anyMember };
  const manage = { access: managers };

  app.get(`${base}/crm/summary`, { config: read, schema: { tags: ['crm'], summary: 'Counts of contacts, companies and open deals, capped at 10,000 (CRM-1, 2, 3)', params: crmParams, response: { 200: c.crmSummarySchema, ...errors } } }, async (request) =>
    crmSummary(db, request.workspace!.ctx),
  );

  {
    const tags = ['deals'];
    const pipeline = { 200: pipelineSchema, ...errors };
    app.get(`${base}/pipelines/:pipelineId/totals`, { config: read, schema: { tags, summary: 'Deal count and amount per stage and currency: the board column totals (CRM-3)', params: c.pipelineParams, response: { 200: c.boardTotalsSchema, ...errors } } }, async (request) =>
      boardTotals(db, request.workspace!.ctx, request.params.pipelineId),
    );
    app.patch(`${base}/pipelines/:pipelineId`, { config: manage, schema: { tags, summary: 'Rename a pipeline (CRM-3)', params: c.pipelineParams, body: c.updatePipelineBody, response: pipeline } }, async (request) =>
      updatePipeline(db, request.workspace!.ctx, request.params.pipelineId, request.body),
    );
    app.post(`${base}/pipelines/:pipelineId/stages`, { config: manage, schema: { tags, summary: 'Add a stage to a pipeline (CRM-3)', params: c.pipelineParams, body: c.addStageBody, response: { 201: pipelineSchema, ...errors } } }, async (request, reply) =>
      reply.code(201).send(await addStage(db, request.workspace!.ctx, request.params.pipelineId, request.body)),
    );
    app.put(`${base}/pipelines/:pipelineId/stage-order`, { config: manage, schema: { tags, summary: 'Put the stages in a new order (CRM-3)', params: c.pipelineParams, body: c.reorderStagesBody, response: pipeline } }, async (request) =>
      reorderStages(db, request.workspace!.ctx, request.params.pipelineId, request.body),
    );
    app.patch(`${base}/pipelines/:pipelineId/stages/:stageId`, { config: manage, schema: { tags, summary: 'Rename a stage or change its probability; its kind only while empty (CRM-3)', params: c.stageParams, body: c.updateStageBody, response: pipeline } }, async (request) =>
      updateStage(db, request.workspace!.ctx, request.params.pipelineId, request.params.stageId, request.body),
    );
    app.delete(`${base}/pipelines/:pipelineId/stages/:stageId`, { config: manage, schema: { tags, summary: 'Remove an empty stage (audited, CRM-3)', params: c.stageParams, response: pipeline } }, async (request) =>
      deleteStage(db, request.workspace!.ctx, request.params.pipelineId, request.params.stageId),
    );
  }

  {
    const tags = ['tags'];
    app.patch(`${base}/tags/:tagId`, { config: manage, schema: { tags, summary: 'Rename or recolour a tag (CRM-5)', params: c.tagParams, body: c.updateTagBody, response: { 200: tagSchema, ...errors } } }, async (request) =>
      updateTag(db, request.workspace!.ctx, request.params.tagId, request.body),
    );
    app.delete(`${base}/tags/:tagId`, { config: manage, schema: { tags, summary: 'Delete a tag and take it off every record (audited, CRM-5)', params: c.tagParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      await deleteTag(db, request.workspace!.ctx, request.params.tagId);
      return reply.code(204).send(null);
    });
  }
}
