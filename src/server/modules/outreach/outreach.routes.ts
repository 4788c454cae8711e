import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { managers, teamMembers } from '../../platform/http/access';
import { AppError, errorBodySchema } from '../../platform/http/errors';
import { htmlToText, sanitiseRichText } from '../activities';
import { checkSendingDomain } from './mail/check-domain';
import { deliverySummary, receiveResendWebhook } from './mail/delivery-webhook';
import { contactMailStatus, recordConsent } from './mail/consent';
import { confirmOptIn, optInPage, requestOptIn } from './mail/double-opt-in';
import { createSendingAccount, listSendingAccounts, sendTestMail, updateSendingAccount } from './mail/sending-accounts';
import { removeSendingAccount, sendingAccountRemoval } from './mail/sending-account-removal';
import { getOutreachSettings, PIXEL, readTrackToken, recordEngagement, updateOutreachSettings } from './mail/tracking';
import { sendOutreachMail } from './mail/send-outreach-mail';
import { unsubscribe, unsubscribePage } from './mail/unsubscribe';
import * as c from './outreach.contract';
import { createTemplate, deleteTemplate, listTemplates, previewDraft, previewTemplate, sendTemplate, updateTemplate } from './templates/manage-templates';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const base = '/api/workspaces/:workspaceId/outreach';
const pub = '/api/public/outreach';
/** A mail provider posts one-click unsubscribes for many people from few addresses: generous, but bounded. */
const UNSUBSCRIBES_PER_IP_PER_MINUTE = 120;

/** MAIL-1…MAIL-5: outreach mail that stays legal. */
export async function outreachModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { services } = app;
  const { db } = services.database;
  const team = { access: teamMembers };
  const tags = ['outreach'];
  const limit = (request: FastifyRequest, bucket: string, max: number) => services.rateLimit.hit({ key: `outreach-${bucket}:ip:${request.ip}`, max, windowSeconds: 60 });

  // RFC 8058: a mail client's one-click unsubscribe is a form post (urlencoded, or multipart).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))));
  app.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) =>
    done(null, /List-Unsubscribe"?\s*\r?\n\r?\n\s*One-Click/i.test(body as string) ? { 'List-Unsubscribe': 'One-Click' } : {}),
  );

  app.post(`${base}/send`, { config: team, schema: { tags, summary: 'Send one outreach email to a contact, checked for suppression, consent and the postal address (MAIL-4, MAIL-5)', params: c.workspaceParams, body: c.sendBody, response: { 200: c.sendResult, ...errors, 402: errorBodySchema, 502: errorBodySchema } } }, async (request) => {
    const html = sanitiseRichText(request.body.html) ?? '';
    const outcome = await sendOutreachMail(services, request.workspace!.ctx, { ...request.body, html, text: htmlToText(html) });
    if (outcome.status === 'blocked') throw new AppError('recipient_blocked', 409, outcome.message, { reason: outcome.reason });
    return outcome;
  });

  app.get(`${base}/contacts/:contactId/mail-status`, { config: team, schema: { tags, summary: "A contact's marketing consent (source, time, proof), suppression and restriction (MAIL-4)", params: c.contactParams, response: { 200: c.mailStatusSchema, ...errors } } }, async (request) =>
    contactMailStatus(db, request.workspace!.ctx, request.params.contactId),
  );
  app.post(`${base}/contacts/:contactId/consent`, { config: team, schema: { tags, summary: 'Record marketing consent given or withdrawn, with its source and proof (MAIL-4)', params: c.contactParams, body: c.consentBody, response: { 200: c.mailStatusSchema, ...errors } } }, async (request) =>
    recordConsent(db, request.workspace!.ctx, { contactId: request.params.contactId, ...request.body }),
  );

  // ---------------------------------------------------------------- templates (MAIL-2)

  app.get(`${base}/templates`, { config: team, schema: { tags, summary: 'Email templates, or call scripts with ?kind=call_script (MAIL-2, AI-2)', params: c.workspaceParams, querystring: c.templatesQuery, response: { 200: z.object({ items: z.array(c.templateSchema) }), ...errors } } }, async (request) => ({
    items: await listTemplates(db, request.workspace!.ctx, request.query.kind),
  }));
  app.patch(`${base}/templates/:templateId`, { config: team, schema: { tags, summary: 'Change a template; merge fields checked again (MAIL-2)', params: c.templateParams, body: c.templatePatch, response: { 200: c.templateSchema, ...errors } } }, async (request) =>
    updateTemplate(db, request.workspace!.ctx, request.params.templateId, request.body),
  );
  app.post(`${base}/template-preview`, { config: team, schema: { tags, summary: 'A draft rendered for a real contact, values escaped; says which value would block the send (MAIL-2)', params: c.workspaceParams, body: c.draftPreviewBody, response: { 200: c.draftPreviewSchema, ...errors } } }, async (request) =>
    previewDraft(db, request.workspace!.ctx, request.body),
  );
  app.post(`${base}/templates`, { config: team, schema: { tags, summary: 'Save a template; an unknown merge field is refused by name (MAIL-2)', params: c.workspaceParams, body: c.templateBody, response: { 201: c.templateSchema, ...errors } } }, async (request, reply) =>
    reply.code(201).send(await createTemplate(db, request.workspace!.ctx, request.body)),
  );
  app.delete(`${base}/templates/:templateId`, { config: team, schema: { tags, summary: 'Delete a template (MAIL-2)', params: c.templateParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await deleteTemplate(db, request.workspace!.ctx, request.params.templateId);
    return reply.code(204).send(null);
  });
  app.post(`${base}/templates/:templateId/preview`, { config: team, schema: { tags, summary: 'The template as a real contact would get it; 409 naming a value it lacks (MAIL-2)', params: c.templateParams, body: c.previewBody, response: { 200: c.previewSchema, ...errors } } }, async (request) =>
    previewTemplate(db, request.workspace!.ctx, request.params.templateId, request.body.contactId),
  );
  app.post(`${base}/templates/:templateId/send`, { config: team, schema: { tags, summary: 'Send the template to a contact through the checked send path (MAIL-2, MAIL-4)', params: c.templateParams, body: c.sendTemplateBody, response: { 200: c.sendResult, ...errors, 402: errorBodySchema, 502: errorBodySchema } } }, async (request) => {
    const outcome = await sendTemplate(services, request.workspace!.ctx, request.params.templateId, request.body);
    if (outcome.status === 'blocked') throw new AppError('recipient_blocked', 409, outcome.message, { reason: outcome.reason });
    return outcome;
  });

  // ---------------------------------------------------------------- sending accounts (MAIL-1)

  const manage = { access: managers };
  app.get(`${base}/sending-accounts`, { config: manage, schema: { tags, summary: 'Sending accounts: SMTP or Resend, never their secrets (MAIL-1)', params: c.workspaceParams, response: { 200: z.object({ items: z.array(c.sendingAccountSchema) }), ...errors } } }, async (request) => ({
    items: await listSendingAccounts(services, request.workspace!.ctx),
  }));
  app.post(`${base}/sending-accounts`, { config: manage, schema: { tags, summary: 'Connect an SMTP server (DKIM-signed when a key is set) or a Resend key; secrets sealed (MAIL-1, SEC-2)', params: c.workspaceParams, body: c.sendingAccountBody, response: { 201: c.sendingAccountSchema, ...errors } } }, async (request, reply) =>
    reply.code(201).send(await createSendingAccount(services, request.workspace!.ctx, request.body)),
  );
  app.get(`${base}/sending-accounts/:accountId/removal`, { config: manage, schema: { tags, summary: 'What removing the account changes: the streams it sends, the campaigns and sequences that carry on from the next account (MAIL-1)', params: c.accountParams, response: { 200: c.sendingAccountRemovalSchema, ...errors } } }, async (request) =>
    sendingAccountRemoval(services, request.workspace!.ctx, request.params.accountId),
  );
  app.delete(`${base}/sending-accounts/:accountId`, { config: manage, schema: { tags, summary: 'Remove a sending account: its streams go to the next account at once; your own Gmail/Outlook mailbox is disconnected with it (MAIL-1)', params: c.accountParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await removeSendingAccount(services, request.workspace!.ctx, request.params.accountId);
    return reply.code(204).send(null);
  });
  app.patch(`${base}/sending-accounts/:accountId`, { config: manage, schema: { tags, summary: 'Change streams, sender name, limits, or make it the default of a stream (MAIL-1)', params: c.accountParams, body: c.sendingAccountPatch, response: { 200: c.sendingAccountSchema, ...errors } } }, async (request) =>
    updateSendingAccount(services, request.workspace!.ctx, request.params.accountId, request.body),
  );
  app.post(`${base}/sending-accounts/:accountId/test`, { config: manage, schema: { tags, summary: 'Send a test mail through the account to yourself (or the address given) (MAIL-1)', params: c.accountParams, body: c.testSendBody, response: { 200: c.testSendResult, ...errors, 502: errorBodySchema } } }, async (request) => {
    await services.rateLimit.hit({ key: `outreach-test-send:user:${request.workspace!.ctx.userId}`, max: 10, windowSeconds: 60 });
    return sendTestMail(services, request.workspace!.ctx, request.params.accountId, request.body.to);
  });
  app.get(`${base}/settings`, { config: team, schema: { tags, summary: "The workspace's outreach settings: own open and click tracking (MAIL-3)", params: c.workspaceParams, response: { 200: c.outreachSettingsSchema, ...errors } } }, async (request) =>
    getOutreachSettings(db, request.workspace!.ctx),
  );
  app.patch(`${base}/settings`, { config: manage, schema: { tags, summary: 'Turn own open and click tracking of marketing mail on or off (MAIL-3)', params: c.workspaceParams, body: c.outreachSettingsPatch, response: { 200: c.outreachSettingsSchema, ...errors } } }, async (request) =>
    updateOutreachSettings(db, request.workspace!.ctx, request.body),
  );
  app.post(`${base}/sending-accounts/:accountId/check-domain`, { config: manage, schema: { tags, summary: "Look up the sending domain's SPF, DKIM and DMARC records and say what is missing (MAIL-1)", params: c.accountParams, response: { 200: c.domainCheckSchema, ...errors, 502: errorBodySchema } } }, async (request) =>
    checkSendingDomain(services, request.workspace!.ctx, request.params.accountId),
  );

  app.get(`${base}/delivery-summary`, { config: team, schema: { tags, summary: 'Outreach mail sent, delivered, opened, clicked, bounced and complained (MAIL-3)', params: c.workspaceParams, response: { 200: c.deliverySummarySchema, ...errors } } }, async (request) =>
    deliverySummary(db, request.workspace!.ctx),
  );

  // ---------------------------------------------------------------- delivery webhooks (MAIL-3)

  // The signature covers the raw body: this route alone reads JSON as text.
  await app.register(async (raw) => {
    raw.removeContentTypeParser('application/json');
    raw.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_req, body, done) => done(null, body));
    raw.withTypeProvider<ZodTypeProvider>().post(
      `${pub}/webhooks/resend/:workspaceId/:accountId`,
      { config: { access: 'public', crossOrigin: true }, schema: { tags, summary: 'Resend delivery events, verified by their Standard Webhooks signature; forged or replayed → 401 (MAIL-3)', params: c.webhookParams, body: z.string().max(256 * 1024), response: { 204: z.null(), ...errors } } },
      async (request, reply) => {
        await limit(request, 'webhook', 600);
        await receiveResendWebhook(services, request.params.workspaceId, request.params.accountId, request.headers, request.body);
        return reply.code(204).send(null);
      },
    );
  });

  // ---------------------------------------------------------------- own open and click tracking (MAIL-3)

  // Mail clients and scanners fetch these with no session; the signed token is the authority.
  const TRACKS_PER_IP_PER_MINUTE = 300;
  app.get(`${pub}/t/o/:token`, { config: { access: 'public', crossOrigin: true }, schema: { tags, summary: 'The open pixel of a tracked mail: records one open per message, an estimate (MAIL-3)', params: c.trackParams, response: { 200: z.any(), ...errors } } }, async (request, reply) => {
    await limit(request, 'track', TRACKS_PER_IP_PER_MINUTE);
    await recordEngagement(services, readTrackToken(services.secrets.sessionSecret, 'open', request.params.token), 'opened');
    return reply.header('content-type', 'image/gif').header('cache-control', 'no-store, private').send(PIXEL);
  });
  app.get(`${pub}/t/c/:token`, { config: { access: 'public', crossOrigin: true }, schema: { tags, summary: 'A tracked link: records the click once per message and URL, then redirects to the signed URL only (MAIL-3)', params: c.trackParams, querystring: c.clickQuery, response: { 302: z.null(), ...errors } } }, async (request, reply) => {
    await limit(request, 'track', TRACKS_PER_IP_PER_MINUTE);
    const url = request.query.u;
    const ids = readTrackToken(services.secrets.sessionSecret, 'click', request.params.token, url);
    await recordEngagement(services, ids, 'clicked', url);
    return reply.header('cache-control', 'no-store, private').header('referrer-policy', 'no-referrer').redirect(url, 302);
  });

  // ---------------------------------------------------------------- public unsubscribe

  app.get(`${pub}/unsubscribe/:token`, { config: { access: 'public' }, schema: { tags, summary: "What an unsubscribe link is for: the sender's name and whether it is done (MAIL-4)", params: c.tokenParams, response: { 200: c.unsubscribePageSchema, ...errors } } }, async (request) => {
    await limit(request, 'unsubscribe', UNSUBSCRIBES_PER_IP_PER_MINUTE);
    return unsubscribePage(services, request.params.token);
  });
  // ---------------------------------------------------------------- double opt-in (MAIL-4)

  // A form on the business's own site posts here (any origin): the answer is the same whatever the address.
  app.post(`${pub}/subscribe/:workspaceId`, { config: { access: 'public', crossOrigin: true }, schema: { tags, summary: 'Ask to subscribe: records the request and mails a signed, expiring confirmation link; nothing is granted until it is used (MAIL-4)', params: c.workspaceParams, body: c.subscribeBody, response: { 202: c.subscribeResult, ...errors } } }, async (request, reply) => {
    await limit(request, 'subscribe', 10);
    await requestOptIn(services, request.params.workspaceId, request.body, request.ip);
    return reply.code(202).send({ status: 'check_your_inbox' as const });
  });
  app.get(`${pub}/opt-in/:token`, { config: { access: 'public' }, schema: { tags, summary: 'What a confirmation link is for; opening it changes nothing (MAIL-4)', params: c.tokenParams, response: { 200: c.optInPageSchema, ...errors } } }, async (request) => {
    await limit(request, 'opt-in', 60);
    return optInPage(services, request.params.token);
  });
  app.post(`${pub}/opt-in/:token`, { config: { access: 'public' }, schema: { tags, summary: 'Confirm a subscription: consent recorded with source double_opt_in, times and IPs as proof; an expired link is 410 (MAIL-4)', params: c.tokenParams, response: { 200: c.optInPageSchema, ...errors, 410: errorBodySchema } } }, async (request) => {
    await limit(request, 'opt-in', 60);
    return confirmOptIn(services, request.params.token, request.ip);
  });

  // A mail client posts from its own servers with no session and no CSRF token: the signed token is the authority.
  app.post(`${pub}/unsubscribe/:token`, { config: { access: 'public', crossOrigin: true }, schema: { tags, summary: 'Unsubscribe: one-click (RFC 8058) or from the page of the footer link; honoured at once (MAIL-4)', params: c.tokenParams, body: c.unsubscribeBody, response: { 200: c.unsubscribePageSchema, ...errors } } }, async (request) => {
    await limit(request, 'unsubscribe', UNSUBSCRIBES_PER_IP_PER_MINUTE);
    const source = request.body?.via === 'page' ? 'unsubscribe_link' : 'unsubscribe_one_click';
    return unsubscribe(services, request.params.token, source);
  });
}
