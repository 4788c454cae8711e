import { createHmac, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withTenant } from '../../platform/db/tenant';
import { managers, teamMembers } from '../../platform/http/access';
import { AppError, errorBodySchema } from '../../platform/http/errors';
import { disconnectChannel, getChannelSettings, inboundSecretAad, updateChannelSettings } from './channel-settings';
import * as c from './conversations.contract';
import { channelSettings } from './conversations.schema';
import { receiveEmail } from './receive-email';
import { receiveResendInbound } from './receive-resend';
import { instagram } from './channels/instagram';
import type { MetaPlatform } from './channels/meta-messaging';
import { messenger } from './channels/messenger';
import { receiveMetaWebhook, verifyMetaSubscription } from './receive-meta';
import { checkWhatsapp, fetchWhatsappMedia, receiveWhatsappWebhook, verifyWhatsappSubscription } from './receive-whatsapp';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 422: errorBodySchema, 429: errorBodySchema, 502: errorBodySchema };
const base = '/api/workspaces/:workspaceId';
/** How old a signed inbound-mail post may be (its timestamp is signed with it): older ones are replays. */
const INBOUND_TOLERANCE_S = 300;
/** Messenger/Instagram webhook calls per sending IP a minute: Meta batches events, so this is far above its real rate. */
const META_WEBHOOK_PER_MINUTE = 600;

/** CONV-6: channel settings (managers) and WhatsApp media for the team. */
export async function channelsModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { services } = app;
  const ctx = (r: { workspace: { ctx: import('../../platform/db/tenant').WorkspaceContext } | null }) => r.workspace!.ctx;
  const tags = ['channels'];
  app.get(`${base}/channel-settings`, { config: { access: managers }, schema: { tags, summary: 'The inbound email address and the WhatsApp connection (CONV-6)', params: c.workspaceParams, response: { 200: c.channelSettingsSchema, ...errors } } }, async (request) =>
    getChannelSettings(services, ctx(request)),
  );
  app.patch(`${base}/channel-settings`, { config: { access: managers }, schema: { tags, summary: 'Connect WhatsApp (token and app secret sealed), or give the inbound address a new name (CONV-6)', params: c.workspaceParams, body: c.updateChannelSettingsBody, response: { 200: c.channelSettingsSchema, ...errors } } }, async (request) =>
    updateChannelSettings(services, ctx(request), request.body),
  );
  app.delete(`${base}/channel-settings/:channel`, { config: { access: managers }, schema: { tags, summary: 'Disconnect WhatsApp, Messenger or Instagram: ids, verify token and sealed secrets deleted; its webhook refuses from then on (CONV-6)', params: c.channelDisconnectParams, response: { 200: c.channelSettingsSchema, ...errors } } }, async (request) =>
    disconnectChannel(services, ctx(request), request.params.channel),
  );
  app.post(`${base}/channel-settings/whatsapp/check`, { config: { access: managers }, schema: { tags, summary: 'Test the WhatsApp connection and sync its approved templates (CONV-6)', params: c.workspaceParams, response: { 200: c.whatsappCheck, ...errors } } }, async (request) =>
    checkWhatsapp(services, ctx(request)),
  );
  app.get(`${base}/conversations/:conversationId/messages/:messageId/media`, { config: { access: teamMembers }, schema: { tags, summary: 'A WhatsApp photo, voice note or document, fetched from WhatsApp when opened (CONV-6)', params: c.mediaParams, response: { 200: z.any(), ...errors } } }, async (request, reply) => {
    const media = await fetchWhatsappMedia(services, ctx(request), request.params.conversationId, request.params.messageId);
    const safe = /^(image\/(png|jpeg|webp|gif)|audio\/[\w.+-]+|video\/[\w.+-]+)$/.test(media.mimeType);
    return reply
      .header('content-type', safe ? media.mimeType : 'application/octet-stream')
      .header('content-disposition', safe ? 'inline' : 'attachment')
      .header('cache-control', 'private, max-age=300')
      .header('x-content-type-options', 'nosniff')
      .send(media.data);
  });
}

/**
 * CONV-6: the public webhooks. Their bodies are read raw (only in this plugin) so that the
 * signature is checked over exactly the bytes sent, before anything is parsed or stored.
 */
export async function channelWebhooksModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { services } = app;
  const pub = { access: 'public' as const, crossOrigin: true };
  const tags = ['channels'];
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: services.config.INBOUND_MAIL_MAX_BYTES }, (_request, body, done) => done(null, body));

  app.get('/api/channels/whatsapp/:workspaceId/webhook', { config: pub, schema: { tags, summary: "WhatsApp's subscription check: answers hub.challenge when hub.verify_token matches (CONV-6)", params: c.channelWorkspaceParams, querystring: c.whatsappVerifyQuery, response: { 200: z.string(), ...errors } } }, async (request, reply) =>
    reply.type('text/plain').send(await verifyWhatsappSubscription(services, request.params.workspaceId, request.query)),
  );
  app.post('/api/channels/whatsapp/:workspaceId/webhook', { config: pub, schema: { tags, summary: 'WhatsApp messages and statuses, signed with X-Hub-Signature-256 (CONV-6)', params: c.channelWorkspaceParams, response: { 200: z.object({ messages: z.number(), statuses: z.number() }), ...errors } } }, async (request) => {
    const signature = request.headers['x-hub-signature-256'];
    return receiveWhatsappWebhook(services, request.params.workspaceId, rawBody(request.body), typeof signature === 'string' ? signature : undefined);
  });
  // CONV-6: Messenger and Instagram Direct, one webhook each, limited per sending address before anything is read.
  const metaLimit = (ip: string, p: MetaPlatform) => services.rateLimit.hit({ key: `${p.channel}-webhook:ip:${ip}`, max: META_WEBHOOK_PER_MINUTE, windowSeconds: 60 });
  for (const p of [messenger, instagram]) {
    app.get(`/api/channels/${p.channel}/:workspaceId/webhook`, { config: pub, schema: { tags, summary: `${p.label}'s subscription check: answers hub.challenge when hub.verify_token matches (CONV-6)`, params: c.channelWorkspaceParams, querystring: c.whatsappVerifyQuery, response: { 200: z.string(), ...errors } } }, async (request, reply) => {
      await metaLimit(request.ip, p);
      return reply.type('text/plain').send(await verifyMetaSubscription(services, p, request.params.workspaceId, request.query));
    });
    app.post(`/api/channels/${p.channel}/:workspaceId/webhook`, { config: pub, schema: { tags, summary: `${p.label} messages, deliveries and reads (object "${p.webhookObject}"), signed with X-Hub-Signature-256 (CONV-6)`, params: c.channelWorkspaceParams, response: { 200: z.object({ messages: z.number(), statuses: z.number() }), ...errors } } }, async (request) => {
      await metaLimit(request.ip, p);
      const signature = request.headers['x-hub-signature-256'];
      return receiveMetaWebhook(services, p, request.params.workspaceId, rawBody(request.body), typeof signature === 'string' ? signature : undefined);
    });
  }
  app.post('/api/channels/email/:workspaceId/inbound', { config: pub, schema: { tags, summary: 'Raw MIME from a mail provider, signed: X-Kestrel-Timestamp and X-Kestrel-Signature = sha256=HMAC(secret, timestamp + "." + body) (CONV-6)', params: c.channelWorkspaceParams, response: { 200: z.object({ outcome: z.string() }), ...errors } } }, async (request) => {
    const raw = rawBody(request.body);
    const workspaceId = request.params.workspaceId;
    const [row] = await withTenant(services.database.db, { workspaceId, userId: null }, (tx) => tx.select().from(channelSettings).where(eq(channelSettings.workspaceId, workspaceId)));
    const stamp = String(request.headers['x-kestrel-timestamp'] ?? '');
    const sent = String(request.headers['x-kestrel-signature'] ?? '');
    if (!row || !/^\d{1,12}$/.test(stamp) || !sent) throw new AppError('bad_signature', 401, 'The X-Kestrel-Signature header is missing or does not match.');
    const secret = services.secrets.box.open(row.inboundSecretSealed, inboundSecretAad(workspaceId));
    const expected = `sha256=${createHmac('sha256', secret).update(`${stamp}.`).update(raw).digest('hex')}`;
    if (sent.length !== expected.length || !timingSafeEqual(Buffer.from(sent), Buffer.from(expected))) throw new AppError('bad_signature', 401, 'The X-Kestrel-Signature header is missing or does not match.');
    if (Math.abs(Date.now() / 1000 - Number(stamp)) > INBOUND_TOLERANCE_S) throw new AppError('stale_signature', 401, 'The signed timestamp is too old: a replay is refused.');
    const result = await receiveEmail(services, workspaceId, raw);
    return { outcome: result.outcome };
  });
  app.post('/api/channels/email/:workspaceId/resend', { config: pub, schema: { tags, summary: "Resend Inbound's email.received webhook, signed (svix-id, svix-timestamp, svix-signature); the email is read from Resend's API (CONV-6)", params: c.channelWorkspaceParams, response: { 200: z.object({ outcome: z.string() }), ...errors } } }, async (request) => {
    const result = await receiveResendInbound(services, request.params.workspaceId, request.headers, rawBody(request.body));
    return { outcome: result.outcome };
  });
}

function rawBody(body: unknown): Buffer {
  if (!Buffer.isBuffer(body) || body.length === 0) throw new AppError('empty_body', 400, 'The request has no body.');
  return body;
}
