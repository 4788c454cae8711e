import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { anyMember, managers, teamMembers } from '../../platform/http/access';
import { errorBodySchema } from '../../platform/http/errors';
import { createCompany } from './companies/create-company';
import { deleteCompany } from './companies/delete-company';
import { getCompany } from './companies/get-company';
import { listCompanies } from './companies/list-companies';
import { updateCompany } from './companies/update-company';
import { createContact } from './contacts/create-contact';
import { deleteContact } from './contacts/delete-contact';
import { getContact } from './contacts/get-contact';
import { listContacts } from './contacts/list-contacts';
import { updateContact } from './contacts/update-contact';
import * as c from './crm.contract';
import { crmSettingsRoutes } from './crm-settings.routes';
import { createCustomField } from './custom-fields/create-custom-field';
import { deleteCustomField } from './custom-fields/delete-custom-field';
import { listCustomFields } from './custom-fields/list-custom-fields';
import { updateCustomField } from './custom-fields/update-custom-field';
import { createDeal } from './deals/create-deal';
import { createPipeline } from './deals/create-pipeline';
import { deleteDeal } from './deals/delete-deal';
import { getDeal } from './deals/get-deal';
import { listDeals } from './deals/list-deals';
import { listPipelines } from './deals/list-pipelines';
import { moveDeal } from './deals/move-deal';
import { updateDeal } from './deals/update-deal';
import { createTag } from './tags/create-tag';
import { listTags } from './tags/list-tags';
import { tagRecord, untagRecord } from './tags/tag-record';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const noContent = { 204: z.null(), ...errors };
const base = '/api/workspaces/:workspaceId';

/** CRM records: contacts, companies, deals and pipelines, tags and custom fields (CRM-1, 2, 3, 5). */
export async function crmModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = app.services.database;
  // Clients read too: the visibility filter limits them to records shared with them.
  const read = { access: anyMember };
  const write = { access: teamMembers };
  const manage = { access: managers };
  await crmSettingsRoutes(server);

  // ---- contacts (CRM-1)
  {
    const tags = ['contacts'];
    app.get(`${base}/contacts`, { config: read, schema: { tags, summary: 'Contacts, newest first (CRM-1)', params: c.crmParams, querystring: c.listContactsQuery, response: { 200: c.contactPage, ...errors } } }, async (request) =>
      listContacts(db, request.workspace!.ctx, request.query),
    );
    app.post(`${base}/contacts`, { config: write, schema: { tags, summary: 'Create a contact (CRM-1)', params: c.crmParams, body: c.createContactBody, response: { 201: c.contactSchema, ...errors } } }, async (request, reply) =>
      reply.code(201).send(await createContact(db, request.workspace!.ctx, request.body)),
    );
    app.get(`${base}/contacts/:contactId`, { config: read, schema: { tags, summary: 'A contact with tags and company (CRM-1)', params: c.contactParams, response: { 200: c.contactSchema, ...errors } } }, async (request) =>
      getContact(db, request.workspace!.ctx, request.params.contactId),
    );
    app.patch(`${base}/contacts/:contactId`, { config: write, schema: { tags, summary: 'Change a contact; 409 if it changed since `version` (CRM-1)', params: c.contactParams, body: c.updateContactBody, response: { 200: c.contactSchema, ...errors } } }, async (request) =>
      updateContact(db, request.workspace!.ctx, request.params.contactId, request.body),
    );
    app.delete(`${base}/contacts/:contactId`, { config: manage, schema: { tags, summary: 'Delete a contact (audited)', params: c.contactParams, response: noContent } }, async (request, reply) => {
      await deleteContact(db, request.workspace!.ctx, request.params.contactId);
      return reply.code(204).send(null);
    });
  }

  // ---- companies (CRM-2)
  {
    const tags = ['companies'];
    app.get(`${base}/companies`, { config: read, schema: { tags, summary: 'Companies, newest first (CRM-2)', params: c.crmParams, querystring: c.listCompaniesQuery, response: { 200: c.companyPage, ...errors } } }, async (request) =>
      listCompanies(db, request.workspace!.ctx, request.query),
    );
    app.post(`${base}/companies`, { config: write, schema: { tags, summary: 'Create a company (CRM-2)', params: c.crmParams, body: c.createCompanyBody, response: { 201: c.companySchema, ...errors } } }, async (request, reply) =>
      reply.code(201).send(await createCompany(db, request.workspace!.ctx, request.body)),
    );
    app.get(`${base}/companies/:companyId`, { config: read, schema: { tags, summary: 'A company with tags (CRM-2)', params: c.companyParams, response: { 200: c.companySchema, ...errors } } }, async (request) =>
      getCompany(db, request.workspace!.ctx, request.params.companyId),
    );
    app.patch(`${base}/companies/:companyId`, { config: write, schema: { tags, summary: 'Change a company; 409 if it changed since `version` (CRM-2)', params: c.companyParams, body: c.updateCompanyBody, response: { 200: c.companySchema, ...errors } } }, async (request) =>
      updateCompany(db, request.workspace!.ctx, request.params.companyId, request.body),
    );
    app.delete(`${base}/companies/:companyId`, { config: manage, schema: { tags, summary: 'Delete a company; its contacts and deals stay (audited)', params: c.companyParams, response: noContent } }, async (request, reply) => {
      await deleteCompany(db, request.workspace!.ctx, request.params.companyId);
      return reply.code(204).send(null);
    });
  }

  // ---- pipelines and deals (CRM-3)
  {
    const tags = ['deals'];
    app.get(`${base}/pipelines`, { config: read, schema: { tags, summary: 'Pipelines with stages in order; the default is made on first use (CRM-3)', params: c.crmParams, response: { 200: z.object({ pipelines: z.array(c.pipelineSchema) }), ...errors } } }, async (request) => ({
      pipelines: await listPipelines(db, request.workspace!.ctx),
    }));
    app.post(`${base}/pipelines`, { config: manage, schema: { tags, summary: 'Create a pipeline with its stages (CRM-3)', params: c.crmParams, body: c.createPipelineBody, response: { 201: c.pipelineSchema, ...errors } } }, async (request, reply) =>
      reply.code(201).send(await createPipeline(db, request.workspace!.ctx, request.body)),
    );
    app.get(`${base}/deals`, { config: read, schema: { tags, summary: 'Deals, newest first (CRM-3)', params: c.crmParams, querystring: c.listDealsQuery, response: { 200: c.dealPage, ...errors } } }, async (request) =>
      listDeals(db, request.workspace!.ctx, request.query),
    );
    app.post(`${base}/deals`, { config: write, schema: { tags, summary: 'Create a deal (CRM-3)', params: c.crmParams, body: c.createDealBody, response: { 201: c.dealSchema, ...errors } } }, async (request, reply) =>
      reply.code(201).send(await createDeal(db, request.workspace!.ctx, request.body)),
    );
    app.get(`${base}/deals/:dealId`, { config: read, schema: { tags, summary: 'A deal with stage, contact, company and tags (CRM-3)', params: c.dealParams, response: { 200: c.dealSchema, ...errors } } }, async (request) =>
      getDeal(db, request.workspace!.ctx, request.params.dealId),
    );
    app.patch(`${base}/deals/:dealId`, { config: write, schema: { tags, summary: 'Change a deal; 409 if it changed since `version` (CRM-3)', params: c.dealParams, body: c.updateDealBody, response: { 200: c.dealSchema, ...errors } } }, async (request) =>
      updateDeal(db, request.workspace!.ctx, request.params.dealId, request.body),
    );
    app.post(`${base}/deals/:dealId/move`, { config: write, schema: { tags, summary: 'Move a deal to a stage; won/lost close it, lost needs a reason (CRM-3)', params: c.dealParams, body: c.moveDealBody, response: { 200: c.dealSchema, ...errors } } }, async (request) =>
      moveDeal(db, request.workspace!.ctx, request.params.dealId, request.body),
    );
    app.delete(`${base}/deals/:dealId`, { config: manage, schema: { tags, summary: 'Delete a deal (audited)', params: c.dealParams, response: noContent } }, async (request, reply) => {
      await deleteDeal(db, request.workspace!.ctx, request.params.dealId);
      return reply.code(204).send(null);
    });
  }

  // ---- tags (CRM-5)
  {
    const tags = ['tags'];
    app.get(`${base}/tags`, { config: read, schema: { tags, summary: 'Tags (CRM-5)', params: c.crmParams, response: { 200: z.object({ tags: z.array(c.tagSchema) }), ...errors } } }, async (request) => ({
      tags: await listTags(db, request.workspace!.ctx),
    }));
    app.post(`${base}/tags`, { config: write, schema: { tags, summary: 'Create a tag (CRM-5)', params: c.crmParams, body: c.createTagBody, response: { 201: c.tagSchema, ...errors } } }, async (request, reply) =>
      reply.code(201).send(await createTag(db, request.workspace!.ctx, request.body)),
    );
    const links = [
      { type: 'contacts', param: 'contactId', params: c.contactParams, linkParams: c.contactTagParams },
      { type: 'companies', param: 'companyId', params: c.companyParams, linkParams: c.companyTagParams },
      { type: 'deals', param: 'dealId', params: c.dealParams, linkParams: c.dealTagParams },
    ] as const;
    for (const link of links) {
      const recordId = (params: unknown) => (params as Record<string, string>)[link.param]!;
      app.post(`${base}/${link.type}/:${link.param}/tags`, { config: write, schema: { tags, summary: `Tag one of the ${link.type} (CRM-5)`, params: link.params, body: c.tagLinkBody, response: { 200: c.recordTagsSchema, ...errors } } }, async (request) => ({
        tags: await tagRecord(db, request.workspace!.ctx, link.type, recordId(request.params), request.body.tagId),
      }));
      app.delete(`${base}/${link.type}/:${link.param}/tags/:tagId`, { config: write, schema: { tags, summary: `Untag one of the ${link.type} (CRM-5)`, params: link.linkParams, response: noContent } }, async (request, reply) => {
        await untagRecord(db, request.workspace!.ctx, link.type, recordId(request.params), request.params.tagId);
        return reply.code(204).send(null);
      });
    }
  }

  // ---- custom fields (CRM-5)
  {
    const tags = ['custom fields'];
    app.get(`${base}/custom-fields`, { config: read, schema: { tags, summary: 'Custom field definitions (CRM-5)', params: c.crmParams, querystring: c.listCustomFieldsQuery, response: { 200: z.object({ fields: z.array(c.customFieldSchema) }), ...errors } } }, async (request) => ({
      fields: await listCustomFields(db, request.workspace!.ctx, request.query.object),
    }));
    app.post(`${base}/custom-fields`, { config: manage, schema: { tags, summary: 'Define a typed custom field (CRM-5)', params: c.crmParams, body: c.createCustomFieldBody, response: { 201: c.customFieldSchema, ...errors } } }, async (request, reply) =>
      reply.code(201).send(await createCustomField(db, request.workspace!.ctx, request.body)),
    );
    app.patch(`${base}/custom-fields/:fieldId`, { config: manage, schema: { tags, summary: 'Change label, options, required or position (CRM-5)', params: c.customFieldParams, body: c.updateCustomFieldBody, response: { 200: c.customFieldSchema, ...errors } } }, async (request) =>
      updateCustomField(db, request.workspace!.ctx, request.params.fieldId, request.body),
    );
    app.delete(`${base}/custom-fields/:fieldId`, { config: manage, schema: { tags, summary: 'Delete a custom field and its values (audited)', params: c.customFieldParams, response: noContent } }, async (request, reply) => {
      await deleteCustomField(db, request.workspace!.ctx, request.params.fieldId);
      return reply.code(204).send(null);
    });
  }
}
