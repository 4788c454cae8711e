import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { managers, teamMembers } from '../../platform/http/access';
import { errorBodySchema } from '../../platform/http/errors';
import { openEventStream, wantsEventStream } from '../../platform/http/event-stream';
import { createCanned, deleteCanned, listCanned, updateCanned } from './canned-replies';
import * as c from './conversations.contract';
import { eraseContactTranscripts, eraseTranscript, getConversation, handBack, join, listInbox, postStaffMessage, retryStaffMessage, unreadCounts, updateConversation } from './inbox';
import { addPageFromUrl, createKnowledge, deleteKnowledge, listKnowledge, updateKnowledge } from './knowledge';
import { getWidgetSettings, updateWidgetSettings } from './widget-settings';

/** What the inbox's live stream tells (plus `resync`); `presence`: a visitor's widget connected or left (CONV-6). */
const INBOX_KINDS: ReadonlySet<string> = new Set(['message', 'note', 'conversation', 'assigned', 'presence']);
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const base = '/api/workspaces/:workspaceId';

/**
 * CONV-4: the shared inbox for the team (clients see nothing of it), live over SSE fed by
 * LISTEN/NOTIFY; and for managers, the website assistant's settings and knowledge (CONV-1, CONV-2).
 */
export async function conversationsModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = app.services.database;
  const { realtime } = app.services;
  const team = { access: teamMembers };
  const mgr = { access: managers };
  const tags = ['inbox'];
  const ctx = (r: { workspace: { ctx: import('../../platform/db/tenant').WorkspaceContext } | null }) => r.workspace!.ctx;
  const open = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const end of open) end();
  });

  app.get(`${base}/conversations`, { config: team, schema: { tags, summary: 'The inbox: filter by mine/unassigned, channel, status (CONV-4)', params: c.workspaceParams, querystring: c.inboxQuery, response: { 200: c.inboxList, ...errors } } }, async (request) =>
    listInbox(db, ctx(request), request.query),
  );
  app.get(`${base}/conversations/unread`, { config: team, schema: { tags, summary: 'Unread visitor messages: all, mine, unassigned (CONV-4)', params: c.workspaceParams, response: { 200: c.unreadCounts, ...errors } } }, async (request) =>
    unreadCounts(db, ctx(request)),
  );
  app.get(`${base}/conversations/live`, { config: team, schema: { tags, summary: 'Unread counts; with Accept: text/event-stream, live inbox changes from every instance (CONV-4)', params: c.workspaceParams, response: { 200: c.unreadCounts, ...errors } } }, async (request, reply) => {
    const counts = await unreadCounts(db, ctx(request));
    if (!wantsEventStream(request)) return counts;
    const stream = openEventStream(reply);
    const end = () => stream.end();
    open.add(end);
    stream.send('unread', counts);
    // Only where something changed travels; the page re-reads what it shows.
    // Issue 15: the inbox's events only (a team member sees every conversation of the workspace;
    // clients never reach this route), not an agent run's.
    const off = realtime.subscribe(request.params.workspaceId, (e) => stream.send('change', { conversationId: e.c, kind: e.k, seq: e.e }), { kinds: INBOX_KINDS });
    stream.onClose(() => {
      off();
      open.delete(end);
    });
    return reply;
  });
  app.get(`${base}/conversations/:conversationId`, { config: team, schema: { tags, summary: 'A conversation with notes; marks it read (CONV-4)', params: c.conversationParams, response: { 200: c.conversationDetail, ...errors } } }, async (request) =>
    getConversation(db, ctx(request), request.params.conversationId),
  );
  app.post(`${base}/conversations/:conversationId/join`, { config: team, schema: { tags, summary: 'Join: the visitor sees "<name> joined" and the assistant stays silent (CONV-3)', params: c.conversationParams, response: { 200: c.conversationDetail, ...errors } } }, async (request) =>
    join(db, ctx(request), request.params.conversationId),
  );
  app.post(`${base}/conversations/:conversationId/return`, { config: team, schema: { tags, summary: 'Return to the assistant ("The assistant is back") (CONV-3)', params: c.conversationParams, response: { 200: c.conversationDetail, ...errors } } }, async (request) =>
    handBack(app.services, ctx(request), request.params.conversationId),
  );
  app.post(`${base}/conversations/:conversationId/messages`, { config: team, schema: { tags, summary: 'Reply to the visitor, or write an internal note (CONV-3, CONV-4)', params: c.conversationParams, body: c.staffMessageBody, response: { 201: c.staffMessage, ...errors } } }, async (request, reply) =>
    reply.code(201).send(await postStaffMessage(app.services, ctx(request), request.params.conversationId, request.body)),
  );
  app.post(`${base}/conversations/:conversationId/messages/:messageId/retry`, { config: team, schema: { tags, summary: 'Send again a reply the email or WhatsApp channel could not deliver (CONV-6)', params: c.messageParams, response: { 200: c.staffMessage, ...errors } } }, async (request) =>
    retryStaffMessage(app.services, ctx(request), request.params.conversationId, request.params.messageId),
  );
  app.patch(`${base}/conversations/:conversationId`, { config: team, schema: { tags, summary: 'Assign (me, a teammate, nobody), status, priority (CONV-4)', params: c.conversationParams, body: c.updateConversationBody, response: { 200: c.conversationDetail, ...errors } } }, async (request) =>
    updateConversation(app.services, ctx(request), request.params.conversationId, request.body),
  );
  app.post(`${base}/conversations/:conversationId/erase`, { config: mgr, schema: { tags, summary: "Erase a visitor's transcript on request; audited (CONV-7)", params: c.conversationParams, response: { 200: c.conversationDetail, ...errors } } }, async (request) =>
    eraseTranscript(db, ctx(request), request.params.conversationId),
  );

  app.post(`${base}/conversations/erase-by-contact`, { config: mgr, schema: { tags, summary: "Erase every chat transcript of a contact on request; audited (CONV-7)", params: c.workspaceParams, body: c.eraseByContactBody, response: { 200: z.object({ erased: z.number() }), ...errors } } }, async (request) =>
    eraseContactTranscripts(db, ctx(request), request.body.contactId),
  );

  app.get(`${base}/canned-replies`, { config: team, schema: { tags, summary: 'Saved replies (CONV-4)', params: c.workspaceParams, response: { 200: z.object({ items: z.array(c.cannedReplySchema) }), ...errors } } }, async (request) => listCanned(db, ctx(request)));
  app.post(`${base}/canned-replies`, { config: team, schema: { tags, summary: 'Save a reply (CONV-4)', params: c.workspaceParams, body: c.cannedBody, response: { 201: c.cannedReplySchema, ...errors } } }, async (request, reply) =>
    reply.code(201).send(await createCanned(db, ctx(request), request.body)),
  );
  app.patch(`${base}/canned-replies/:replyId`, { config: team, schema: { tags, summary: 'Change a saved reply (CONV-4)', params: c.cannedParams, body: c.cannedPatch, response: { 200: c.cannedReplySchema, ...errors } } }, async (request) =>
    updateCanned(db, ctx(request), request.params.replyId, request.body),
  );
  app.delete(`${base}/canned-replies/:replyId`, { config: team, schema: { tags, summary: 'Delete a saved reply (CONV-4)', params: c.cannedParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await deleteCanned(db, ctx(request), request.params.replyId);
    return reply.code(204).send(null);
  });

  const stags = ['website assistant'];
  app.get(`${base}/widget-settings`, { config: mgr, schema: { tags: stags, summary: 'Website assistant settings and the script tag (CONV-1)', params: c.workspaceParams, response: { 200: c.widgetSettingsSchema, ...errors } } }, async (request) =>
    getWidgetSettings(app.services, ctx(request)),
  );
  app.patch(`${base}/widget-settings`, { config: mgr, schema: { tags: stags, summary: 'Change greeting, colours, hours, questions, privacy notice, allowed origins (CONV-1)', params: c.workspaceParams, body: c.updateWidgetSettingsBody, response: { 200: c.widgetSettingsSchema, ...errors } } }, async (request) =>
    updateWidgetSettings(app.services, ctx(request), request.body),
  );
  app.get(`${base}/knowledge`, { config: mgr, schema: { tags: stags, summary: 'What the assistant answers from (CONV-2)', params: c.workspaceParams, response: { 200: c.knowledgeList, ...errors } } }, async (request) => listKnowledge(app.services, ctx(request)));
  app.post(`${base}/knowledge`, { config: mgr, schema: { tags: stags, summary: 'Add an FAQ entry or a page (CONV-2)', params: c.workspaceParams, body: c.knowledgeBody, response: { 201: c.knowledgeEntrySchema, ...errors } } }, async (request, reply) =>
    reply.code(201).send(await createKnowledge(db, ctx(request), request.body)),
  );
  app.post(`${base}/knowledge/fetch`, { config: mgr, schema: { tags: stags, summary: "Add a page of your site from its address; private and local addresses are refused (CONV-2)", params: c.workspaceParams, body: c.fetchPageBody, response: { 201: c.knowledgeEntrySchema, 422: errorBodySchema, ...errors } } }, async (request, reply) =>
    reply.code(201).send(await addPageFromUrl(db, ctx(request), request.body.url, app.services.config.FETCH_ALLOW_PRIVATE_ADDRESSES)),
  );
  app.patch(`${base}/knowledge/:entryId`, { config: mgr, schema: { tags: stags, summary: 'Change a knowledge entry (CONV-2)', params: c.knowledgeParams, body: c.knowledgePatch, response: { 200: c.knowledgeEntrySchema, ...errors } } }, async (request) =>
    updateKnowledge(db, ctx(request), request.params.entryId, request.body),
  );
  app.delete(`${base}/knowledge/:entryId`, { config: mgr, schema: { tags: stags, summary: 'Delete a knowledge entry (CONV-2)', params: c.knowledgeParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await deleteKnowledge(app.services, ctx(request), request.params.entryId);
    return reply.code(204).send(null);
  });
}
