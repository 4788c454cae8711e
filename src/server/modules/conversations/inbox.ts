import { and, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { defineJob, enqueue } from '../../platform/jobs/jobs';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { badRequest, conflict, notFound } from '../../platform/http/errors';
import type { Services } from '../../platform/services';
import { scrubAiCalls } from '../ai';
import { recordAudit } from '../audit';
import { activities } from '../activities/activities.schema';
import { memberRole } from '../workspaces';
import { awayState } from './away-mail';
import { channelAdapters } from './channels/adapters';
import { windowClosesAt } from './channels/meta-graph';
import { humanAgentClosesAt } from './channels/meta-messaging';
import { forgetQuestionVectors } from './knowledge-meaning';
import { appendMessage, conversationRecord, lockConversation, presentSummaries, staffMessage, staffMessages, touchConversation, withLockedConversation, type ConversationRow } from './conversation-rows';
import type { inboxQuery, staffMessageBody, updateConversationBody } from './conversations.contract';
import { channelSettings, conversationMessages, conversations, visitors, whatsappTemplates } from './conversations.schema';
import { autoAssign, joinConversation, returnToAssistant } from './handoff';
import { writeTranscript } from './lead';

/** CONV-4: the inbox, newest activity first, filtered by mine / unassigned, channel and status. */
export async function listInbox(db: Db, ctx: WorkspaceContext, q: z.infer<typeof inboxQuery>) {
  return withTenant(db, ctx, async (tx) => {
    const where: SQL[] = [eq(conversations.workspaceId, ctx.workspaceId)];
    if (q.view === 'mine') where.push(eq(conversations.assigneeUserId, ctx.userId!));
    if (q.view === 'unassigned') where.push(isNull(conversations.assigneeUserId));
    if (q.channel) where.push(eq(conversations.channel, q.channel));
    if (q.status) where.push(eq(conversations.status, q.status));
    const rows = await tx.select().from(conversations).where(and(...where)).orderBy(desc(conversations.lastMessageAt)).limit(q.limit);
    return { items: await presentSummaries(tx, rows) };
  });
}

/** CONV-4: unread visitor messages in conversations that are not resolved: all, mine, unassigned. */
export async function unreadCounts(db: Db, ctx: WorkspaceContext) {
  return withTenant(db, ctx, async (tx) => {
    const [row] = await tx
      .select({
        total: sql<number>`coalesce(sum(${conversations.unreadStaff}), 0)::int`,
        mine: sql<number>`coalesce(sum(${conversations.unreadStaff}) FILTER (WHERE ${conversations.assigneeUserId} = ${ctx.userId}), 0)::int`,
        unassigned: sql<number>`coalesce(sum(${conversations.unreadStaff}) FILTER (WHERE ${conversations.assigneeUserId} IS NULL), 0)::int`,
      })
      .from(conversations)
      .where(and(eq(conversations.workspaceId, ctx.workspaceId), sql`${conversations.status} <> 'resolved'`));
    return row!;
  });
}

/** CONV-4: one conversation with its visitor and every message, notes included; reading it marks it read. */
export async function getConversation(db: Db, ctx: WorkspaceContext, id: string) {
  return withTenant(db, ctx, async (tx) => {
    const conv = await lockConversation(tx, ctx.workspaceId, id);
    if (conv.unreadStaff) await touchConversation(tx, conv, { unreadStaff: 0 });
    const [v] = await tx.select().from(visitors).where(and(eq(visitors.workspaceId, ctx.workspaceId), eq(visitors.id, conv.visitorId)));
    const [summary] = await presentSummaries(tx, [{ ...conv, unreadStaff: 0 }]);
    return {
      conversation: summary!,
      visitor: { id: v!.id, name: v!.name, email: v!.email, phone: v!.phone, consent: v!.consent, ip: v!.ip, userAgent: v!.userAgent, pageUrl: v!.pageUrl },
      messages: await staffMessages(tx, conv),
      whatsapp: conv.channel === 'whatsapp' ? await whatsappState(tx, conv) : null,
      away: await awayState(tx, conv),
      messaging: conv.channel === 'messenger' || conv.channel === 'instagram' ? await messagingState(tx, conv) : null,
    };
  });
}

/** CONV-3: join ("Ana joined"). */
export async function join(db: Db, ctx: WorkspaceContext, id: string) {
  await withTenant(db, ctx, async (tx) => joinConversation(tx, await lockConversation(tx, ctx.workspaceId, id), ctx.userId!));
  return getConversation(db, ctx, id);
}

/** CONV-3: hand back to the assistant ("The assistant is back"). */
export async function handBack(services: Services, ctx: WorkspaceContext, id: string) {
  const { db } = services.database;
  await withTenant(db, ctx, async (tx) => returnToAssistant(services, tx, await lockConversation(tx, ctx.workspaceId, id)));
  return getConversation(db, ctx, id);
}

/** CONV-6: the WhatsApp window's end and the approved templates to offer once it has closed. */
/** CONV-6: Messenger's and Instagram's windows: standard replies for 24 hours, tagged HUMAN_AGENT for 7 days where the app may. */
async function messagingState(tx: Tx, conv: ConversationRow) {
  const [row] = await tx.select().from(channelSettings).where(eq(channelSettings.workspaceId, conv.workspaceId));
  const humanAgent = conv.channel === 'messenger' ? !!row?.messengerHumanAgent : !!row?.instagramHumanAgent;
  return { windowClosesAt: windowClosesAt(conv)?.toISOString() ?? null, humanAgentClosesAt: humanAgent ? (humanAgentClosesAt(conv)?.toISOString() ?? null) : null };
}

async function whatsappState(tx: Tx, conv: ConversationRow) {
  const templates = await tx
    .select({ name: whatsappTemplates.name, language: whatsappTemplates.language, category: whatsappTemplates.category, body: whatsappTemplates.body, paramCount: whatsappTemplates.paramCount })
    .from(whatsappTemplates)
    .where(and(eq(whatsappTemplates.workspaceId, conv.workspaceId), eq(whatsappTemplates.status, 'APPROVED')))
    .orderBy(whatsappTemplates.name);
  return { windowClosesAt: windowClosesAt(conv)?.toISOString() ?? null, templates };
}

/**
 * CONV-3, CONV-4, CONV-6: a reply the visitor sees (replying takes the conversation from the
 * assistant), or an internal note they never see. A reply leaves by the conversation's channel:
 * refused with a 409 when the channel will not take it now (WhatsApp outside its window without
 * a template), else queued with it (email: the mail outbox; WhatsApp: a retried send job).
 */
export async function postStaffMessage(services: Services, ctx: WorkspaceContext, id: string, input: z.infer<typeof staffMessageBody>) {
  const { db } = services.database;
  // Issue 15: the conversation is locked in the round trip of BEGIN and the scope.
  return withLockedConversation(db, ctx, id, async (tx, locked) => {
    if (!locked) throw notFound('Conversation');
    let conv = locked;
    const reply = input.kind === 'reply';
    const adapter = channelAdapters[conv.channel];
    let body = input.body;
    let meta = {};
    if (reply) {
      const check = await adapter.canSend(tx, conv, { body: input.body, ...(input.template ? { template: input.template } : {}) });
      if (!check.ok) throw conflict(check.code, check.message);
      body = check.body ?? body;
      meta = check.meta ?? {};
    } else if (!body) throw badRequest('validation_failed', 'Write a note.', { fields: { body: 'Write a note.' } });
    if (reply && (conv.holder === 'assistant' || (conv.channel !== 'web' && !conv.assigneeUserId))) {
      // Answering an email or WhatsApp conversation nobody holds makes it the replier's.
      await joinConversation(tx, conv, ctx.userId!);
      conv = await lockConversation(tx, ctx.workspaceId, id);
    }
    const { message, duplicate, authorName } = await appendMessage(tx, conv, { authorKind: reply ? 'staff' : 'note', authorUserId: ctx.userId, body, clientId: input.clientId ?? null, meta, deliveryStatus: reply ? adapter.initialStatus : null });
    if (reply && conv.status !== 'open') await touchConversation(tx, conv, { status: 'open', resolvedAt: null });
    if (reply && !duplicate && adapter.enqueue) {
      // A channel's send may add to the message (email: its Message-ID): read it back, only it.
      await adapter.enqueue(tx, services, conv, message);
      if (!adapter.enqueueKeepsMessage) {
        const [shown] = await staffMessages(tx, conv, message.id);
        return shown!;
      }
    }
    // The message as the team sees it, from the insert's answer (issue 15: not read back).
    return staffMessage(message, authorName);
  });
}

/**
 * CONV-6: Retry on a reply the channel could not deliver (the mail server refused it, WhatsApp
 * would not take it): checked against the channel again (WhatsApp's window), queued again, and
 * shown queued until the channel answers. Only a failed staff reply can be retried (409 otherwise).
 */
export async function retryStaffMessage(services: Services, ctx: WorkspaceContext, id: string, messageId: string) {
  const { db } = services.database;
  const conv = await withTenant(db, ctx, async (tx) => {
    const conv = await lockConversation(tx, ctx.workspaceId, id);
    const [message] = await tx.select().from(conversationMessages).where(and(eq(conversationMessages.workspaceId, ctx.workspaceId), eq(conversationMessages.conversationId, id), eq(conversationMessages.id, messageId))).for('update');
    if (!message || message.authorKind !== 'staff') throw notFound('Message');
    if (message.deliveryStatus !== 'failed') throw conflict('not_failed', 'Only a message that failed to send can be sent again.');
    const adapter = channelAdapters[conv.channel];
    const check = await adapter.canSend(tx, conv, { body: message.body, ...(message.meta.template ? { template: message.meta.template } : {}) });
    if (!check.ok) throw conflict(check.code, check.message);
    const { error: _old, sendAttempt: _unknown, ...meta } = message.meta;
    await tx.update(conversationMessages).set({ deliveryStatus: 'queued', meta }).where(and(eq(conversationMessages.workspaceId, ctx.workspaceId), eq(conversationMessages.id, message.id)));
    if (!(await adapter.retry?.(tx, services, conv, { ...message, deliveryStatus: 'queued', meta }))) throw conflict('cannot_retry', 'This message cannot be sent again as it is: write it again.');
    await touchConversation(tx, conv, {});
    return conv;
  });
  return withTenant(db, ctx, async (tx) => (await staffMessages(tx, conv, messageId))[0]!);
}

/**
 * CONV-4: a snoozed conversation wakes up when its time comes: open again (pending while the
 * assistant holds it), unread, and at the top of the inbox with a note saying why.
 */
export const wakeSnoozedJob = defineJob({
  name: 'conversations.wake-snoozed',
  version: 1,
  payload: z.object({ workspaceId: z.uuid(), conversationId: z.uuid() }),
  maxAttempts: 5,
  async run(p, services) {
    await withTenant(services.database.db, { workspaceId: p.workspaceId, userId: null }, async (tx) => {
      const conv = await lockConversation(tx, p.workspaceId, p.conversationId).catch(() => null);
      // Woken early (a message came, someone reopened it) or snoozed again for later: nothing to do now.
      if (!conv || conv.status !== 'snoozed' || !conv.snoozedUntil || conv.snoozedUntil.getTime() > Date.now() + 1000) return;
      await appendMessage(tx, conv, { authorKind: 'note', body: 'The snooze ended: this conversation is back.' });
      await touchConversation(tx, conv, { status: conv.holder === 'assistant' ? 'pending' : 'open', snoozedUntil: null, unreadStaff: Math.max(conv.unreadStaff, 1) });
    });
  },
});

/** CONV-4: assignee (me, a teammate, nobody), status (snoozed until a time) and priority. Resolving frees capacity for queued conversations. */
export async function updateConversation(services: Services, ctx: WorkspaceContext, id: string, input: z.infer<typeof updateConversationBody>) {
  const { db } = services.database;
  await withTenant(db, ctx, async (tx) => {
    const conv = await lockConversation(tx, ctx.workspaceId, id);
    const changes: Partial<typeof conv> = {};
    if (input.assignee !== undefined) {
      const userId = input.assignee === 'me' ? ctx.userId : input.assignee;
      if (userId) {
        const role = await memberRole(tx, ctx.workspaceId, userId);
        if (!role || role === 'client') throw badRequest('invalid_assignee', 'Assign to a member of the team.', { fields: { assignee: 'Not a team member of this workspace.' } });
      }
      changes.assigneeUserId = userId;
    }
    if (input.priority) changes.priority = input.priority;
    if (input.snoozedUntil !== undefined && input.status !== 'snoozed') throw badRequest('validation_failed', 'A snooze time goes with the status "snoozed".', { fields: { snoozedUntil: 'Only when snoozing.' } });
    if (input.status === 'snoozed') {
      const until = input.snoozedUntil ? new Date(input.snoozedUntil) : null;
      if (!until || until.getTime() <= Date.now() || until.getTime() > Date.now() + 366 * 86_400_000)
        throw badRequest('validation_failed', 'Snooze until a time in the next year.', { fields: { snoozedUntil: until ? 'Pick a time in the next year.' : 'Say until when.' } });
      changes.snoozedUntil = until;
      // One wake-up per conversation: snoozing again moves it (graphile-worker's job key).
      await enqueue(tx, wakeSnoozedJob, { workspaceId: ctx.workspaceId, conversationId: id }, { workspaceId: ctx.workspaceId, runAt: until, jobKey: `conversation-wake:${id}` });
    } else if (input.status) changes.snoozedUntil = null;
    if (input.status && input.status !== conv.status) {
      changes.status = input.status;
      changes.resolvedAt = input.status === 'resolved' ? new Date() : null;
    }
    await touchConversation(tx, conv, changes);
    if (changes.status === 'resolved') {
      await appendMessage(tx, conv, { authorKind: 'system', body: 'This conversation was marked resolved. How did we do? Rate us from 1 to 5.' });
      await writeTranscript(tx, ctx, await lockConversation(tx, ctx.workspaceId, id));
    }
    if (changes.status || changes.assigneeUserId !== undefined) await autoAssign(services, tx, ctx.workspaceId);
  });
  return getConversation(db, ctx, id);
}

/**
 * CONV-7: a visitor's transcript erased on request — the messages, what the visitor told and
 * where they came from, and the transcript on the contact's timeline. Audited without the content.
 */
export async function eraseTranscript(db: Db, ctx: WorkspaceContext, id: string) {
  await withTenant(db, ctx, (tx) => eraseOne(tx, ctx, id));
  // The assistant's cached vectors of recent questions go too (on this instance; elsewhere they expire).
  forgetQuestionVectors(ctx.workspaceId);
  return getConversation(db, ctx, id);
}

/** CONV-7: every chat transcript of a contact erased at once (a request made to the business about that person). */
export async function eraseContactTranscripts(db: Db, ctx: WorkspaceContext, contactId: string) {
  return withTenant(db, ctx, async (tx) => {
    const rows = await tx
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.workspaceId, ctx.workspaceId), sql`(${conversations.contactId} = ${contactId} OR ${conversations.visitorId} IN (SELECT id FROM visitors WHERE workspace_id = ${ctx.workspaceId} AND contact_id = ${contactId}))`));
    for (const r of rows) await eraseOne(tx, ctx, r.id);
    forgetQuestionVectors(ctx.workspaceId);
    return { erased: rows.length };
  });
}

async function eraseOne(tx: Tx, ctx: WorkspaceContext, id: string) {
  const conv = await lockConversation(tx, ctx.workspaceId, id);
  const removed = await tx
    .delete(conversationMessages)
    .where(and(eq(conversationMessages.workspaceId, ctx.workspaceId), eq(conversationMessages.conversationId, id)))
    .returning({ id: conversationMessages.id, aiCallId: conversationMessages.aiCallId });
  // The model calls that answered the visitor hold their words too (AI-4): keep the usage, forget the text.
  await scrubAiCalls(tx, ctx, { ids: removed.flatMap((m) => (m.aiCallId ? [m.aiCallId] : [])), record: conversationRecord(id) });
  await tx
    .update(visitors)
    .set({ name: null, email: null, phone: null, ip: null, userAgent: null, pageUrl: null })
    .where(and(eq(visitors.workspaceId, ctx.workspaceId), eq(visitors.id, conv.visitorId)));
  if (conv.chatActivityId) await tx.delete(activities).where(and(eq(activities.workspaceId, ctx.workspaceId), eq(activities.id, conv.chatActivityId)));
  await touchConversation(tx, conv, { lastMessagePreview: null, chatActivityId: null, unreadStaff: 0, unreadVisitor: 0 });
  await appendMessage(tx, conv, { authorKind: 'system', body: 'The transcript was erased on request.' });
  await recordAudit(tx, ctx, { action: 'conversation.transcript_erased', targetType: 'conversation', targetId: id, details: { messages: removed.length, contactId: conv.contactId } });
}
