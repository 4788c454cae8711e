import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { repoRoot } from '../../platform/paths';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, errorBodySchema } from '../../platform/http/errors';
import { openEventStream, wantsEventStream } from '../../platform/http/event-stream';
import type { Services } from '../../platform/services';
import type { VisitorStatus } from './conversation-rows';
import * as c from './conversations.contract';
import type { WidgetMessage } from './conversations.contract';
import { readVisitorToken } from './visitor-token';
import { askForPerson, leaveContact, markStreamClosed, rateConversation, readVisitorConversation, sendVisitorMessage, startConversation, widgetConfig } from './widget-session';
import { allowedOrigins, cachedAllowedOrigins } from './widget-settings';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const base = '/api/widget/:workspaceId';
/** Live streams one visitor, and one IP, may hold open at once on this instance. */
const STREAMS_PER_VISITOR = 3;
const STREAMS_PER_IP = 50;
/** Uncached look-ups of a workspace's allowed origins one IP may cause per minute (each costs a transaction). */
const ORIGIN_LOOKUPS_PER_IP = 60;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * CONV-1..3: the chat widget's public API. Pages of the workspace's allowed origins call it
 * (CORS only for them); a visitor proves who they are with the signed token they were given;
 * every call is rate limited per IP, and writes per visitor too.
 */
export async function widgetModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const services = app.services;
  const pub = { access: 'public' as const, crossOrigin: true };
  const tags = ['widget'];
  const open = new Set<() => void>();
  const streams = new StreamCounter();
  app.addHook('onClose', async () => {
    for (const end of open) end();
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('cross-origin-resource-policy', 'cross-origin');
    const origin = request.headers.origin;
    const workspaceId = (request.params as { workspaceId?: string }).workspaceId;
    if (!origin || !workspaceId || !UUID.test(workspaceId)) return;
    if (origin !== new URL(services.config.publicUrl).origin && !(await originAllowed(request, workspaceId, origin))) {
      throw new AppError('origin_not_allowed', 403, 'This site is not allowed to use the chat widget. Add its origin in Settings → Website assistant.');
    }
    reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
  });

  const ipBucket = (request: FastifyRequest, name: string, max: number) => ({ key: `widget-${name}:ip:${request.ip}`, max, windowSeconds: 60 });
  const ipLimit = (request: FastifyRequest, name: string, max: number) => services.rateLimit.hit(ipBucket(request, name, max));
  /** Reading a workspace's origins is rate limited per IP before it touches the database; they are cached briefly after. */
  const originAllowed = async (request: FastifyRequest, workspaceId: string, origin: string) => {
    let origins = cachedAllowedOrigins(services, workspaceId);
    if (!origins) {
      await ipLimit(request, 'origin', ORIGIN_LOOKUPS_PER_IP);
      origins = await allowedOrigins(services, workspaceId);
    }
    return origins.includes(origin);
  };
  const visitorBucket = (workspaceId: string, token: string, name: string, max: number) => {
    const ids = readVisitorToken(services.secrets.sessionSecret, workspaceId, token);
    if (!ids) throw new AppError('visitor_token_invalid', 401, 'This chat session is not valid here. Start a new conversation.');
    return { key: `widget-${name}:visitor:${ids.visitorId}`, max, windowSeconds: 60 };
  };
  const visitorLimit = (workspaceId: string, token: string, name: string, max: number) => services.rateLimit.hit(visitorBucket(workspaceId, token, name, max));

  // The loader sites embed: cached briefly so a new widget version reaches them within minutes.
  app.get('/widget.js', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    sendWidgetFile(reply, 'widget.js', 'public, max-age=300'),
  );
  // The versioned bundle the loader names: its name changes with its content, so it is cached for good.
  app.get('/widget/:file', { config: { access: 'public' }, schema: { hide: true, params: z.strictObject({ file: z.string().regex(/^widget\.[0-9a-f]{10}\.js$/, 'Not a widget file.') }) } }, async (request, reply) =>
    sendWidgetFile(reply, request.params.file, 'public, max-age=31536000, immutable'),
  );

  app.options(`${base}/*`, { config: pub, schema: { hide: true } }, async (_request, reply) =>
    reply.code(204).header('access-control-allow-methods', 'GET, POST').header('access-control-allow-headers', 'content-type, last-event-id').header('access-control-max-age', '600').send(),
  );

  app.get(`${base}/config`, { config: pub, schema: { tags, summary: "The widget's look and whether someone answers now (CONV-1)", params: c.widgetParams, response: { 200: c.widgetConfig, ...errors } } }, async (request) => {
    await ipLimit(request, 'config', 120);
    return widgetConfig(services, request.params.workspaceId);
  });

  app.post(`${base}/conversations`, { config: pub, schema: { tags, summary: 'Start a conversation, or resume the one of a token (CONV-1)', params: c.widgetParams, body: c.startConversationBody, response: { 200: c.widgetSession, ...errors } } }, async (request) => {
    await ipLimit(request, 'start', 20);
    return startConversation(services, request.params.workspaceId, request.body, { ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
  });

  app.post(`${base}/messages`, { config: pub, schema: { tags, summary: 'Send a message; a resend with the same clientId is stored once (CONV-1)', params: c.widgetParams, body: c.sendWidgetMessageBody, response: { 200: c.widgetMessage, ...errors } } }, async (request) => {
    let visitor;
    try {
      visitor = visitorBucket(request.params.workspaceId, request.body.token, 'message', 30);
    } catch (error) {
      await ipLimit(request, 'message', 120);
      throw error;
    }
    // Issue 15: both limits in one statement, sent in the round trip that opens the message's transaction.
    return sendVisitorMessage(services, request.params.workspaceId, request.body, [ipBucket(request, 'message', 120), visitor]);
  });

  app.get(`${base}/messages`, { config: pub, schema: { tags, summary: 'Messages after a cursor (CONV-1); with Accept: text/event-stream, a live stream that resumes from Last-Event-ID', params: c.widgetParams, querystring: c.widgetTokenQuery, response: { 200: c.widgetMessages, ...errors } } }, async (request, reply) => {
    await ipLimit(request, 'read', 240);
    const { workspaceId } = request.params;
    const lastEventId = Number(request.headers['last-event-id']);
    const after = Number.isSafeInteger(lastEventId) && lastEventId > 0 ? lastEventId : (request.query.after ?? 0);
    const live = wantsEventStream(request);
    if (!live) {
      const first = await readVisitorConversation(services, workspaceId, request.query.token, after);
      return { status: first.status, holder: first.holder, messages: first.messages };
    }
    // The slot is checked before the visitor counts as connected (CONV-6), and given back if the read fails.
    const ids = readVisitorToken(services.secrets.sessionSecret, workspaceId, request.query.token);
    if (!ids) throw new AppError('visitor_token_invalid', 401, 'This chat session is not valid here. Start a new conversation.');
    const slot = streams.take([`visitor:${ids.visitorId}`, STREAMS_PER_VISITOR], [`ip:${request.ip}`, STREAMS_PER_IP]);
    let first;
    try {
      first = await readVisitorConversation(services, workspaceId, request.query.token, after, true);
    } catch (error) {
      slot();
      throw error;
    }
    const conv = first.conv;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      slot();
      markStreamClosed(services, conv).catch((err: unknown) => services.logger.warn({ err }, 'visitor presence not updated'));
    };
    streamVisitor(services, reply, workspaceId, request.query.token, first, open, release);
    return reply;
  });

  app.post(`${base}/handoff`, { config: pub, schema: { tags, summary: 'Ask for a person (CONV-3)', params: c.widgetParams, body: c.tokenBody, response: { 200: z.object({ status: z.literal('open'), holder: z.literal('human') }), ...errors } } }, async (request) => {
    await visitorLimit(request.params.workspaceId, request.body.token, 'handoff', 10);
    return askForPerson(services, request.params.workspaceId, request.body.token);
  });

  app.post(`${base}/contact`, { config: pub, schema: { tags, summary: 'Leave a name, email and consent; becomes a CRM contact (CONV-2)', params: c.widgetParams, body: c.leaveContactBody, response: { 200: z.object({ contactId: z.boolean() }), ...errors } } }, async (request) => {
    await visitorLimit(request.params.workspaceId, request.body.token, 'contact', 5);
    return leaveContact(services, request.params.workspaceId, request.body);
  });

  app.post(`${base}/rating`, { config: pub, schema: { tags, summary: 'Rate a resolved conversation 1–5 (CONV-4)', params: c.widgetParams, body: c.rateBody, response: { 200: z.object({ rating: z.number() }), ...errors } } }, async (request) => {
    await visitorLimit(request.params.workspaceId, request.body.token, 'rating', 10);
    return rateConversation(services, request.params.workspaceId, request.body.token, request.body.rating);
  });
}

export const widgetDistDir = path.join(repoRoot, 'dist/widget');

async function sendWidgetFile(reply: FastifyReply, file: string, cacheControl: string) {
  const code = await readFile(path.join(widgetDistDir, file), 'utf8').catch(() => null);
  if (code === null) throw new AppError('not_found', 404, 'The chat widget is not built here (npm run build:widget).');
  return reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', cacheControl).header('cross-origin-resource-policy', 'cross-origin').send(code);
}

/**
 * The visitor's live stream: what they missed since their cursor, then each new message as it
 * commits on any instance (ids are sequence numbers, so a reconnect resumes without loss or
 * duplicates), and status changes.
 */
function streamVisitor(
  services: Services,
  reply: FastifyReply,
  workspaceId: string,
  token: string,
  first: Awaited<ReturnType<typeof readVisitorConversation>>,
  open: Set<() => void>,
  release: () => void,
): void {
  const stream = openEventStream(reply);
  const end = () => stream.end();
  open.add(end);
  // A stream lives at most this long; the widget reconnects and resumes from Last-Event-ID.
  const lifetime = setTimeout(end, services.config.WIDGET_STREAM_MAX_SECONDS * 1000);
  lifetime.unref();
  let cursor = 0;
  const emit = (messages: typeof first.messages) => {
    for (const m of messages) {
      if (m.seq <= cursor) continue;
      cursor = m.seq;
      stream.send('message', m, m.seq);
    }
  };
  let status = { status: first.status, holder: first.holder };
  /** The latest change heard (ms); an older one arriving after it is not shown. */
  let statusAt = 0;
  stream.send('status', status);
  emit(first.messages);
  cursor = Math.max(cursor, first.messages.at(-1)?.seq ?? 0);
  const showStatus = (next: VisitorStatus) => {
    if (next.status === status.status && next.holder === status.holder) return;
    status = { status: next.status, holder: next.holder };
    stream.send('status', status);
  };
  // Events and reads are handled in arrival order, so a read's answer never goes behind an event's.
  let chain = Promise.resolve();
  const read = async () => {
    try {
      const next = await readVisitorConversation(services, workspaceId, token, cursor);
      emit(next.messages);
      showStatus(next);
    } catch {
      stream.end();
    }
  };
  const refresh = () => {
    chain = chain.then(read);
  };
  const conversationId = first.conv.id;
  // Issue 15: only this conversation's events reach this stream, and they carry what it shows (a
  // message, a status), so nothing is read per stream; one without it (too large for NOTIFY, or
  // `resync` after the LISTEN connection was down) is read from the cursor on.
  const off = services.realtime.subscribe(
    workspaceId,
    (e) => {
      if (e.k === 'message' && isWidgetMessage(e.d)) {
        const m = e.d;
        // Events of different transactions may arrive out of commit order (they are sent just
        // after each commit): one whose predecessor was not shown yet means a read, not a gap.
        const before = e.p;
        chain = chain.then(() => (typeof before === 'number' && before > cursor ? read() : emit([m])));
      } else if (e.k === 'conversation' && isVisitorStatus(e.d)) {
        const next = e.d;
        chain = chain.then(() => {
          if (next.at !== undefined) {
            if (next.at < statusAt) return;
            statusAt = next.at;
          }
          showStatus(next);
        });
      } else refresh();
    },
    { subject: conversationId, kinds: VISITOR_KINDS },
  );
  // However the stream ends (the visitor left, a read failed, its lifetime ran out, shutdown), it lets go of everything.
  stream.onClose(() => {
    off();
    clearTimeout(lifetime);
    open.delete(end);
    release();
  });
}

/** The events a visitor's stream hears of (notes never). */
const VISITOR_KINDS: ReadonlySet<string> = new Set(['message', 'conversation']);

const isWidgetMessage = (d: unknown): d is WidgetMessage => typeof d === 'object' && d !== null && typeof (d as WidgetMessage).seq === 'number' && typeof (d as WidgetMessage).body === 'string';
const isVisitorStatus = (d: unknown): d is VisitorStatus => typeof d === 'object' && d !== null && typeof (d as VisitorStatus).status === 'string' && typeof (d as VisitorStatus).holder === 'string';

/** Open streams per key (visitor, IP) on this instance; a key at its cap is refused with a 429. */
class StreamCounter {
  private readonly counts = new Map<string, number>();

  take(...limits: [key: string, max: number][]): () => void {
    for (const [key, max] of limits) {
      if ((this.counts.get(key) ?? 0) >= max) {
        throw new AppError('too_many_streams', 429, `Too many live chat connections are open ${key.startsWith('ip:') ? 'from this network' : 'for this chat'}. Close another tab and try again.`, { max });
      }
    }
    for (const [key] of limits) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const [key] of limits) {
        const n = (this.counts.get(key) ?? 1) - 1;
        if (n > 0) this.counts.set(key, n);
        else this.counts.delete(key);
      }
    };
  }
}
