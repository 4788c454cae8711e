import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { managers, anyMember, ownersOnly } from '../../platform/http/access';
import { errorBodySchema } from '../../platform/http/errors';
import { workspaceParams } from '../workspaces/workspaces.contract';
import { eraseWorkspacePerson, lookUpPerson } from './person-privacy';
import { downloadExport, getExport, requestExport } from './manage-exports';
import { sendDownload } from '../../platform/http/download';
import { downloadQuery, erasureSchema, exportParams, exportSchema, personLookupSchema, personQuery, requestedExportSchema } from './privacy.contract';
import { z } from 'zod';
import { describeOperatorPrivacy, describeSubprocessors } from './privacy-page';
import { requestAccountDeletion } from './delete-account';
import { closeWorkspace, getClosure, reopenWorkspace } from './close-workspace';
import { accountDeletionBody, accountDeletionSchema, closeWorkspaceBody, workspaceClosureSchema } from './privacy.contract';
import { clearSessionCookie, requestMeta } from '../accounts';
import { retentionSettingsBody, retentionSettingsSchema } from './privacy.contract';
import { getRetentionSettings, updateRetentionSettings } from './workspace-retention';
import { downloadAccountExport, getAccountExport, latestAccountExport, requestAccountExport } from './account-export';
import { accountExportParams, latestAccountExportSchema } from './privacy.contract';
import { minorReportBody, minorReportListSchema, minorReportParams, minorReportReceived } from './privacy.contract';
import { dismissMinorReport, eraseReportedMinor, listMinorReports, receiveMinorReport } from './minor-reports';

export async function privacyModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = app.services.database;

  // PRIV-10: a report from outside that the workspace holds a child's data, from its public privacy page.
  app.post(
    '/api/public/privacy/:workspaceId/minor-reports',
    {
      config: { access: 'public' },
      schema: {
        tags: ['privacy'],
        summary: "Report that the workspace holds a child's data: kept for an owner or admin to erase (PRIV-10)",
        params: workspaceParams,
        body: minorReportBody,
        response: { 202: minorReportReceived, 400: errorBodySchema, 404: errorBodySchema, 429: errorBodySchema },
      },
    },
    async (request, reply) => {
      await app.services.rateLimit.hit({ key: `minor-report:ip:${request.ip}`, max: 5, windowSeconds: 3600 });
      await receiveMinorReport(db, request.params.workspaceId, request.body, request.ip);
      return reply.code(202).send({ status: 'received' as const });
    },
  );

  app.get(
    '/api/workspaces/:workspaceId/privacy/minor-reports',
    {
      config: { access: managers },
      schema: { tags: ['privacy'], summary: "Reports from the public privacy page that the workspace holds a child's data, newest first (PRIV-10)", params: workspaceParams, response: { 200: minorReportListSchema } },
    },
    async (request) => ({ items: await listMinorReports(db, request.workspace!.ctx) }),
  );

  app.post(
    '/api/workspaces/:workspaceId/privacy/minor-reports/:reportId/erase',
    {
      config: { access: managers },
      schema: {
        tags: ['privacy'],
        summary: 'Erase the child a report names, as a minor; the report goes with their data, the audit keeps a hash (PRIV-10)',
        params: minorReportParams,
        response: { 200: erasureSchema, 404: errorBodySchema },
      },
    },
    async (request) => eraseReportedMinor(db, request.workspace!.ctx, request.params.reportId),
  );

  app.delete(
    '/api/workspaces/:workspaceId/privacy/minor-reports/:reportId',
    {
      config: { access: managers },
      schema: { tags: ['privacy'], summary: 'Dismiss a report found to be wrong: it is deleted, the audit keeps a hash (PRIV-10)', params: minorReportParams, response: { 204: z.null(), 404: errorBodySchema } },
    },
    async (request, reply) => {
      await dismissMinorReport(db, request.workspace!.ctx, request.params.reportId);
      return reply.code(204).send(null);
    },
  );

  // PRIV-9: public, linked from the chat widget and the booking page; names providers, nothing else.
  app.get(
    '/api/public/privacy/:workspaceId',
    {
      config: { access: 'public' },
      schema: {
        tags: ['privacy'],
        summary: 'The services that process personal data for this workspace, from the live configuration (PRIV-9)',
        params: workspaceParams,
        response: {
          200: z.object({
            workspaceName: z.string(),
            subprocessors: z.array(z.object({ name: z.string(), purpose: z.string(), scope: z.enum(['operator', 'workspace']) })),
          }),
          404: errorBodySchema,
          429: errorBodySchema,
        },
      },
    },
    async (request) => {
      await app.services.rateLimit.hit({ key: `privacy-page:ip:${request.ip}`, max: 60, windowSeconds: 60 });
      return describeSubprocessors(app.services, request.params.workspaceId);
    },
  );

  // PRIV-9, operator-wide: linked from the sign-in page and from every workspace's privacy page.
  const sub = z.object({ name: z.string(), purpose: z.string(), scope: z.enum(['operator', 'workspace']) });
  app.get(
    '/api/public/privacy',
    {
      config: { access: 'public' },
      schema: {
        tags: ['privacy'],
        summary: 'Who runs this installation, the services that process personal data for everyone, retention periods and where data is kept, from the live configuration (PRIV-9)',
        response: {
          200: z.object({
            operator: z.object({ name: z.string().nullable(), email: z.string().nullable() }),
            subprocessors: z.array(sub),
            retention: z.array(z.object({ what: z.string(), days: z.number().int() })),
            storage: z.array(z.string()),
          }),
          429: errorBodySchema,
        },
      },
    },
    async (request) => {
      await app.services.rateLimit.hit({ key: `privacy-page:ip:${request.ip}`, max: 60, windowSeconds: 60 });
      return describeOperatorPrivacy(app.services);
    },
  );

  // POST, so that the address stays out of URLs and access logs.
  app.post(
    '/api/workspaces/:workspaceId/privacy/lookup',
    {
      config: { access: managers },
      schema: { tags: ['privacy'], summary: 'Everything the workspace holds about a person, by email or phone (PRIV-1)', params: workspaceParams, body: personQuery, response: { 200: personLookupSchema } },
    },
    async (request) => lookUpPerson(db, request.workspace!.ctx, request.body),
  );

  app.post(
    '/api/workspaces/:workspaceId/privacy/erase',
    {
      config: { access: managers },
      schema: {
        tags: ['privacy'],
        summary: 'Erase a person from the workspace, keeping a hash so they are not contacted again (PRIV-3)',
        params: workspaceParams,
        body: personQuery,
        response: { 200: erasureSchema, 404: errorBodySchema },
      },
    },
    async (request) => eraseWorkspacePerson(db, request.workspace!.ctx, request.body),
  );

  app.post(
    '/api/workspaces/:workspaceId/privacy/minor-report',
    {
      config: { access: managers },
      schema: {
        tags: ['privacy'],
        summary: 'Report that a person is a minor: they are erased at once and the report is kept without their data (PRIV-10)',
        params: workspaceParams,
        body: personQuery,
        response: { 200: erasureSchema, 404: errorBodySchema },
      },
    },
    async (request) => eraseWorkspacePerson(db, request.workspace!.ctx, request.body, 'minor'),
  );

  app.get(
    '/api/workspaces/:workspaceId/privacy/retention',
    {
      config: { access: managers },
      schema: { tags: ['privacy'], summary: 'How many days the workspace keeps conversations and AI call records (PRIV-4)', params: workspaceParams, response: { 200: retentionSettingsSchema } },
    },
    async (request) => getRetentionSettings(db, request.workspace!.ctx),
  );

  app.put(
    '/api/workspaces/:workspaceId/privacy/retention',
    {
      config: { access: managers },
      schema: {
        tags: ['privacy'],
        summary: 'Choose how many days conversations and AI call records are kept; older ones are deleted by the daily retention job, AI calls leaving only daily usage totals (PRIV-4)',
        params: workspaceParams,
        body: retentionSettingsBody,
        response: { 200: retentionSettingsSchema, 400: errorBodySchema },
      },
    },
    async (request) => updateRetentionSettings(db, request.workspace!.ctx, request.body),
  );

  app.post(
    '/api/workspaces/:workspaceId/privacy/exports',
    { config: { access: managers }, schema: { tags: ['privacy'], summary: 'Export everything the workspace holds as JSON and CSV in a zip, built by a job (PRIV-2)', params: workspaceParams, response: { 201: requestedExportSchema } } },
    async (request, reply) => reply.code(201).send(await requestExport(db, request.workspace!.ctx)),
  );

  app.get(
    '/api/workspaces/:workspaceId/privacy/exports/:exportId',
    { config: { access: managers }, schema: { tags: ['privacy'], summary: "An export's progress (PRIV-2)", params: exportParams, response: { 200: exportSchema } } },
    async (request) => getExport(db, request.workspace!.ctx, request.params.exportId),
  );

  app.get(
    '/api/workspaces/:workspaceId/privacy/exports/:exportId/download',
    {
      config: { access: managers },
      schema: { tags: ['privacy'], summary: 'Download an export, once, before its link expires (PRIV-2)', params: exportParams, querystring: downloadQuery, response: { 200: z.string().describe('A zip archive'), 410: errorBodySchema } },
    },
    async (request, reply) => sendDownload(reply, await downloadExport(db, request.workspace!.ctx, app.services.config.DATA_DIR, request.params.exportId, request.query.token)),
  );

  // PRIV-2: "Download my data" — everything about the signed-in person, across their workspaces.
  app.post(
    '/api/account/exports',
    {
      config: { access: 'user' },
      schema: { tags: ['privacy'], summary: 'Export everything about you across your workspaces as JSON and CSV in a zip, built by a job (PRIV-2)', response: { 201: requestedExportSchema, 429: errorBodySchema } },
    },
    async (request, reply) => {
      await app.services.rateLimit.hit({ key: `account-export:user:${request.auth!.userId}`, max: 10, windowSeconds: 3600 });
      return reply.code(201).send(await requestAccountExport(db, request.auth!.userId));
    },
  );

  app.get(
    '/api/account/exports/latest',
    { config: { access: 'user' }, schema: { tags: ['privacy'], summary: 'Your latest export and its progress (PRIV-2)', response: { 200: latestAccountExportSchema } } },
    async (request) => ({ export: await latestAccountExport(db, request.auth!.userId) }),
  );

  app.get(
    '/api/account/exports/:exportId',
    { config: { access: 'user' }, schema: { tags: ['privacy'], summary: "Your export's progress (PRIV-2)", params: accountExportParams, response: { 200: exportSchema, 404: errorBodySchema } } },
    async (request) => getAccountExport(db, request.auth!.userId, request.params.exportId),
  );

  app.get(
    '/api/account/exports/:exportId/download',
    {
      config: { access: 'user' },
      schema: { tags: ['privacy'], summary: 'Download your export, once, before its link expires (PRIV-2)', params: accountExportParams, querystring: downloadQuery, response: { 200: z.string().describe('A zip archive'), 410: errorBodySchema } },
    },
    async (request, reply) => sendDownload(reply, await downloadAccountExport(db, request.auth!.userId, app.services.config.DATA_DIR, request.params.exportId, request.query.token)),
  );

  app.post(
    '/api/account/delete',
    {
      config: { access: 'user' },
      schema: {
        tags: ['privacy'],
        summary: 'Delete your account: signed out everywhere and connections revoked now, everything else purged within 7 days (PRIV-3)',
        body: accountDeletionBody,
        response: { 202: accountDeletionSchema, 400: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema },
      },
    },
    async (request, reply) => {
      const result = await requestAccountDeletion(app.services, request.auth!, request.body, requestMeta(request));
      clearSessionCookie(reply, app.services.config);
      return reply.code(202).send(result);
    },
  );

  app.get(
    '/api/workspaces/:workspaceId/closure',
    {
      config: { access: anyMember, whileClosed: true },
      schema: { tags: ['privacy'], summary: 'Whether the workspace is closed and when it will be purged (PRIV-3)', params: workspaceParams, response: { 200: workspaceClosureSchema } },
    },
    async (request) => getClosure(db, request.workspace!.ctx),
  );

  app.post(
    '/api/workspaces/:workspaceId/close',
    {
      config: { access: ownersOnly, whileClosed: true },
      schema: {
        tags: ['privacy'],
        summary: "Close the workspace, typing its name to confirm: suspended now, purged after the grace period (PRIV-3, PRIV-4)",
        params: workspaceParams,
        body: closeWorkspaceBody,
        response: { 200: workspaceClosureSchema, 400: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request) => closeWorkspace(app.services, request.workspace!.ctx, request.body.name),
  );

  app.post(
    '/api/workspaces/:workspaceId/reopen',
    {
      config: { access: ownersOnly, whileClosed: true },
      schema: { tags: ['privacy'], summary: 'Reopen a closed workspace within its grace period (PRIV-3)', params: workspaceParams, response: { 200: workspaceClosureSchema, 409: errorBodySchema } },
    },
    async (request) => reopenWorkspace(db, request.workspace!.ctx),
  );
}
