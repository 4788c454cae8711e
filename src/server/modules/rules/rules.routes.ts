import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { anyMember, managers, teamMembers } from '../../platform/http/access';
import { errorBodySchema } from '../../platform/http/errors';
import { companyParams, contactParams, crmParams, dealParams } from '../crm/crm.contract';
import { getCrmSettings, updateCrmSettings } from './crm-settings';
import { getScoreExplanation, previewScore } from './explain-score';
import { createScoringRule, deleteScoringRule, listScoringRules, updateScoringRule } from './manage-scoring-rules';
import { createTerritoryRule, deleteTerritoryRule, listTerritoryRules, reorderTerritoryRules, updateTerritoryRule } from './manage-territory-rules';
import { listRecordShares, shareRecord, unshareRecord } from './record-shares';
import * as c from './rules.contract';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const noContent = { 204: z.null(), ...errors };
const base = '/api/workspaces/:workspaceId';

/** Roles settings, record shares with clients, lead scoring and territories (CRM-10, WS-2). */
export async function rulesModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = app.services.database;

  // ---- who sees what
  {
    const tags = ['roles'];
    app.get(`${base}/crm-settings`, { config: { access: teamMembers }, schema: { tags, summary: 'CRM settings: whether staff see only records they own', params: crmParams, response: { 200: c.crmSettingsSchema, ...errors } } }, async (request) =>
      getCrmSettings(db, request.workspace!.ctx),
    );
    app.put(`${base}/crm-settings`, { config: { access: managers }, schema: { tags, summary: 'Change CRM settings (audited)', params: crmParams, body: c.updateCrmSettingsBody, response: { 200: c.crmSettingsSchema, ...errors } } }, async (request) =>
      updateCrmSettings(db, request.workspace!.ctx, request.body),
    );
    const links = [
      { type: 'contacts', param: 'contactId', params: contactParams },
      { type: 'companies', param: 'companyId', params: companyParams },
      { type: 'deals', param: 'dealId', params: dealParams },
    ] as const;
    for (const link of links) {
      const recordId = (params: unknown) => (params as Record<string, string>)[link.param]!;
      const url = `${base}/${link.type}/:${link.param}/shares`;
      app.get(url, { config: { access: managers }, schema: { tags, summary: `Client members one of the ${link.type} is shared with`, params: link.params, response: { 200: c.recordSharesSchema, ...errors } } }, async (request) => ({
        shares: await listRecordShares(db, request.workspace!.ctx, link.type, recordId(request.params)),
      }));
      app.post(url, { config: { access: managers }, schema: { tags, summary: `Share one of the ${link.type} with a client member, read-only (audited)`, params: link.params, body: c.shareBody, response: { 200: c.recordSharesSchema, ...errors } } }, async (request) => ({
        shares: await shareRecord(db, request.workspace!.ctx, link.type, recordId(request.params), request.body.userId),
      }));
      app.delete(`${url}/:userId`, { config: { access: managers }, schema: { tags, summary: `Stop sharing one of the ${link.type} with a client member (audited)`, params: link.params.extend({ userId: z.uuid('Not a user id.') }), response: noContent } }, async (request, reply) => {
        await unshareRecord(db, request.workspace!.ctx, link.type, recordId(request.params), request.params.userId);
        return reply.code(204).send(null);
      });
    }
  }

  // ---- lead scoring (CRM-10)
  {
    const tags = ['lead scoring'];
    app.get(`${base}/scoring-rules`, { config: { access: teamMembers }, schema: { tags, summary: 'Scoring rules in order (CRM-10)', params: crmParams, response: { 200: z.object({ rules: z.array(c.scoringRuleSchema) }), ...errors } } }, async (request) => ({
      rules: await listScoringRules(db, request.workspace!.ctx),
    }));
    app.post(`${base}/scoring-rules`, { config: { access: managers }, schema: { tags, summary: 'Add a scoring rule; scores are recomputed (CRM-10, audited)', params: crmParams, body: c.createScoringRuleBody, response: { 201: c.scoringRuleSchema, ...errors } } }, async (request, reply) =>
      reply.code(201).send(await createScoringRule(db, request.workspace!.ctx, request.body)),
    );
    app.patch(`${base}/scoring-rules/:ruleId`, { config: { access: managers }, schema: { tags, summary: 'Change a scoring rule; scores are recomputed (CRM-10, audited)', params: c.ruleParams, body: c.updateScoringRuleBody, response: { 200: c.scoringRuleSchema, ...errors } } }, async (request) =>
      updateScoringRule(db, request.workspace!.ctx, request.params.ruleId, request.body),
    );
    app.delete(`${base}/scoring-rules/:ruleId`, { config: { access: managers }, schema: { tags, summary: 'Remove a scoring rule; scores are recomputed (CRM-10, audited)', params: c.ruleParams, response: noContent } }, async (request, reply) => {
      await deleteScoringRule(db, request.workspace!.ctx, request.params.ruleId);
      return reply.code(204).send(null);
    });
    app.post(`${base}/scoring-rules/preview`, { config: { access: managers }, schema: { tags, summary: 'What a contact would score with a rule not yet saved (CRM-10)', params: crmParams, body: c.previewScoreBody, response: { 200: c.previewScoreSchema, ...errors } } }, async (request) =>
      previewScore(db, request.workspace!.ctx, request.body),
    );
    app.get(`${base}/contacts/:contactId/score`, { config: { access: anyMember }, schema: { tags, summary: "A contact's score and each rule's points (CRM-10)", params: contactParams, response: { 200: c.scoreExplanationSchema, ...errors } } }, async (request) =>
      getScoreExplanation(db, request.workspace!.ctx, request.params.contactId),
    );
  }

  // ---- territories (CRM-10)
  {
    const tags = ['territories'];
    const list = z.object({ rules: z.array(c.territoryRuleSchema) });
    app.get(`${base}/territory-rules`, { config: { access: teamMembers }, schema: { tags, summary: 'Territory rules in the order they are tried (CRM-10)', params: crmParams, response: { 200: list, ...errors } } }, async (request) => ({
      rules: await listTerritoryRules(db, request.workspace!.ctx),
    }));
    app.post(`${base}/territory-rules`, { config: { access: managers }, schema: { tags, summary: 'Add a territory rule (CRM-10, audited)', params: crmParams, body: c.createTerritoryRuleBody, response: { 201: c.territoryRuleSchema, ...errors } } }, async (request, reply) =>
      reply.code(201).send(await createTerritoryRule(db, request.workspace!.ctx, request.body)),
    );
    app.put(`${base}/territory-rules/order`, { config: { access: managers }, schema: { tags, summary: 'Reorder territory rules; the first match wins (CRM-10, audited)', params: crmParams, body: c.reorderTerritoryRulesBody, response: { 200: list, ...errors } } }, async (request) => ({
      rules: await reorderTerritoryRules(db, request.workspace!.ctx, request.body.ruleIds),
    }));
    app.patch(`${base}/territory-rules/:ruleId`, { config: { access: managers }, schema: { tags, summary: 'Change a territory rule (CRM-10, audited)', params: c.ruleParams, body: c.updateTerritoryRuleBody, response: { 200: c.territoryRuleSchema, ...errors } } }, async (request) =>
      updateTerritoryRule(db, request.workspace!.ctx, request.params.ruleId, request.body),
    );
    app.delete(`${base}/territory-rules/:ruleId`, { config: { access: managers }, schema: { tags, summary: 'Remove a territory rule (CRM-10, audited)', params: c.ruleParams, response: noContent } }, async (request, reply) => {
      await deleteTerritoryRule(db, request.workspace!.ctx, request.params.ruleId);
      return reply.code(204).send(null);
    });
  }
}
