import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { teamMembers } from '../../platform/http/access';
import { AppError, errorBodySchema } from '../../platform/http/errors';
import { htmlToText, sanitiseRichText } from '../activities/sanitise-html';
import { contactMailStatus, recordConsent } from './mail/consent';
import { sendOutreachMail } from './mail/send-outreach-mail';
import { unsubscribe, unsubscribePage } from './mail/unsubscribe';
import * as c from './outreach.contract';

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

  app.post(`${base}/send`, { config: team, schema: { tags, summary: 'Send one outreach email to a contact, checked for suppression, consent and the postal address (MAIL-4, MAIL-5)', params: c.workspaceParams, body: c.sendBody, response: { 200: c.sendResult, ...errors } } }, async (request) => {
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

  // ---------------------------------------------------------------- public unsubscribe

  app.get(`${pub}/unsubscribe/:token`, { config: { access: 'public' }, schema: { tags, summary: "What an unsubscribe link is for: the sender's name and whether it is done (MAIL-4)", params: c.tokenParams, response: { 200: c.unsubscribePageSchema, ...errors } } }, async (request) => {
    await limit(request, 'unsubscribe', UNSUBSCRIBES_PER_IP_PER_MINUTE);
    return unsubscribePage(services, request.params.token);
  });
  // A mail client posts from its own servers with no session and no CSRF token: the signed token is the authority.
  app.post(`${pub}/unsubscribe/:token`, { config: { access: 'public', crossOrigin: true }, schema: { tags, summary: 'Unsubscribe: one-click (RFC 8058) or from the page of the footer link; honoured at once (MAIL-4)', params: c.tokenParams, body: c.unsubscribeBody, response: { 200: c.unsubscribePageSchema, ...errors } } }, async (request) => {
    await limit(request, 'unsubscribe', UNSUBSCRIBES_PER_IP_PER_MINUTE);
    const source = request.body?.via === 'page' ? 'unsubscribe_link' : 'unsubscribe_one_click';
    return unsubscribe(services, request.params.token, source);
  });
}
