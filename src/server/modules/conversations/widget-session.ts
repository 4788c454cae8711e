import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { withTenant } from '../../platform/db/tenant';
import type { Limit } from '../../platform/http/rate-limit';
import { AppError, notFound } from '../../platform/http/errors';
import { enqueue } from '../../platform/jobs/jobs';
import { publish } from '../../platform/realtime/realtime';
import type { Services } from '../../platform/services';
import { resolveProvider } from '../ai';
import { firstBookingPath } from '../booking/chat-booking';
import { assistantReplyJob } from './assistant-reply.job';
import type { Tx } from '../../platform/db/database';
import { appendMessage, lockConversation, readConversation, touchConversation, visitorMessages, widgetMessage, withLockedConversation, type ConversationRow } from './conversation-rows';
import type { leaveContactBody, sendWidgetMessageBody, startConversationBody } from './conversations.contract';
import { conversations, visitors } from './conversations.schema';
import { asksForPerson, autoAssign, requestHandoff } from './handoff';
import { captureLead } from './lead';
import { leftDetailsLine } from './system-lines';
import { readVisitorToken, signVisitorToken } from './visitor-token';
import { isOpen, readSettings } from './widget-settings';

export interface VisitorMeta {
  ip: string;
  userAgent: string | null;
}

const widgetNotFound = () => notFound('Chat widget');
const sessionInvalid = () => new AppError('visitor_token_invalid', 401, 'This chat session is not valid here. Start a new conversation.');

/** CONV-1: what the widget shows before anyone writes. A workspace without a widget reveals nothing. */
export async function widgetConfig(services: Services, workspaceId: string) {
  return withTenant(services.database.db, { workspaceId, userId: null }, async (tx) => {
    const s = await readSettings(services, tx, workspaceId);
    if (!s?.enabled) throw widgetNotFound();
    const assistant = s.assistantEnabled && (await resolveProvider(services, { workspaceId, userId: null })) !== null;
    return {
      title: s.title,
      greeting: s.greeting,
      accentColor: s.accentColor,
      position: s.position,
      privacyNotice: s.privacyNotice,
      // PRIV-9: without a notice of the owner's own, the widget links the generated privacy page.
      privacyUrl: s.privacyUrl ?? `${services.config.publicUrl}/privacy/${workspaceId}`,
      openNow: isOpen(s.businessHours),
      assistant,
      bookingPath: await firstBookingPath(tx, workspaceId),
    };
  });
}

/**
 * The visitor's conversation, from a token of this workspace; anything else opens nothing. Writers
 * lock the row; readers (many live streams) do not, so they never queue behind or block a writer.
 */
async function conversationOf(services: Services, tx: Tx, workspaceId: string, token: string, lock = true): Promise<ConversationRow> {
  const ids = readVisitorToken(services.secrets.sessionSecret, workspaceId, token);
  if (!ids) throw sessionInvalid();
  const conv = await (lock ? lockConversation : readConversation)(tx, workspaceId, ids.conversationId).catch(() => null);
  if (!conv || conv.visitorId !== ids.visitorId) throw sessionInvalid();
  return conv;
}

/**
 * The conversation the token names, read-only, for the routes that only read. With `streamOpens`,
 * a live stream is about to open: the visitor counts as connected (CONV-6), in the same transaction.
 */
export async function readVisitorConversation(services: Services, workspaceId: string, token: string, after = 0, streamOpens = false) {
  return withTenant(services.database.db, { workspaceId, userId: null }, async (tx) => {
    const conv = await conversationOf(services, tx, workspaceId, token, false);
    if (streamOpens) await markStreamOpen(services, tx, conv);
    return { conv, status: conv.status, holder: conv.holder, messages: await visitorMessages(tx, conv, after) };
  });
}

/**
 * CONV-6: one more live stream of this visitor. A count whose time ran out (an instance died with
 * streams open) starts again at one; the time is the stream's longest life plus a margin, after
 * which the widget has reconnected (and counted itself again) or is gone.
 */
async function markStreamOpen(services: Services, tx: Tx, conv: ConversationRow) {
  const seconds = services.config.WIDGET_STREAM_MAX_SECONDS + 60;
  const [now] = await tx
    .update(visitors)
    .set({
      liveStreams: sql`CASE WHEN ${visitors.liveUntil} > now() THEN least(${visitors.liveStreams} + 1, 100) ELSE 1 END`,
      liveUntil: sql`now() + make_interval(secs => ${seconds})`,
      lastSeenAt: sql`now()`,
    })
    .where(and(eq(visitors.workspaceId, conv.workspaceId), eq(visitors.id, conv.visitorId)))
    .returning({ streams: visitors.liveStreams });
  // The inbox's composer says whether the visitor is there (not the visitor's own stream: not one of
  // its kinds); only when they arrive, not for a second tab or a reconnect while another is open.
  if (now?.streams === 1) await publish(tx, { w: conv.workspaceId, c: conv.id, e: null, k: 'presence' });
}

/** CONV-6: a live stream of this visitor ended; what it showed until now counts as seen. */
export async function markStreamClosed(services: Services, conv: Pick<ConversationRow, 'workspaceId' | 'id' | 'visitorId'>) {
  await withTenant(services.database.db, { workspaceId: conv.workspaceId, userId: null }, async (tx) => {
    const [now] = await tx
      .update(visitors)
      .set({ liveStreams: sql`greatest(${visitors.liveStreams} - 1, 0)`, lastSeenAt: sql`now()` })
      .where(and(eq(visitors.workspaceId, conv.workspaceId), eq(visitors.id, conv.visitorId)))
      .returning({ streams: visitors.liveStreams });
    // Only when the last of their streams went.
    if (now?.streams === 0) await publish(tx, { w: conv.workspaceId, c: conv.id, e: null, k: 'presence' });
  });
}

/** CONV-1: resumes the conversation of a token from an earlier page load, or starts one. */
export async function startConversation(services: Services, workspaceId: string, input: z.infer<typeof startConversationBody>, meta: VisitorMeta) {
  return withTenant(services.database.db, { workspaceId, userId: null }, async (tx) => {
    const s = await readSettings(services, tx, workspaceId);
    if (!s?.enabled) throw widgetNotFound();
    if (input.token) {
      const ids = readVisitorToken(services.secrets.sessionSecret, workspaceId, input.token);
      const conv = ids ? await lockConversation(tx, workspaceId, ids.conversationId).catch(() => null) : null;
      if (conv && ids && conv.visitorId === ids.visitorId) {
        await tx
          .update(visitors)
          .set({ lastSeenAt: sql`now()`, ...(input.page ? { pageUrl: input.page } : {}) })
          .where(and(eq(visitors.workspaceId, workspaceId), eq(visitors.id, conv.visitorId)));
        await touchConversation(tx, conv, { unreadVisitor: 0 });
        return { token: input.token, conversationId: conv.id, status: conv.status, holder: conv.holder, rating: conv.rating, messages: await visitorMessages(tx, conv) };
      }
    }
    const [visitor] = await tx
      .insert(visitors)
      .values({ workspaceId, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 500) ?? null, pageUrl: input.page ?? null })
      .returning();
    const [conv] = await tx.insert(conversations).values({ workspaceId, visitorId: visitor!.id, channel: 'web', status: 'pending', holder: 'assistant' }).returning();
    await appendMessage(tx, conv!, { authorKind: 'system', body: s.greeting });
    return {
      token: signVisitorToken(services.secrets.sessionSecret, workspaceId, visitor!.id, conv!.id),
      conversationId: conv!.id,
      status: conv!.status,
      holder: conv!.holder,
      rating: null,
      messages: await visitorMessages(tx, conv!),
    };
  });
}

/**
 * CONV-1..3: a visitor's message is stored once (its client id makes a resend harmless); the
 * words "human", "agent" or "person" hand the conversation over; otherwise, while the assistant
 * holds it, an answer is queued in the same transaction.
 */
export async function sendVisitorMessage(services: Services, workspaceId: string, input: z.infer<typeof sendWidgetMessageBody>, limits: Limit[] = []) {
  const ids = readVisitorToken(services.secrets.sessionSecret, workspaceId, input.token);
  if (!ids) throw sessionInvalid();
  // Issue 15: the rate-limit hits (committed on their own, refused with 429 before anything is
  // written) and the conversation's lock go in the round trip of BEGIN and the scope.
  const before = limits.length ? services.rateLimit.statement(...limits) : undefined;
  return withLockedConversation(services.database.db, { workspaceId, userId: null }, ids.conversationId, async (tx, locked) => {
    if (!locked || locked.visitorId !== ids.visitorId) throw sessionInvalid();
    let conv = locked;
    const { message, duplicate } = await appendMessage(tx, conv, { authorKind: 'visitor', body: input.body, clientId: input.clientId });
    if (!duplicate) {
      if (conv.status === 'resolved' || conv.status === 'snoozed') {
        await touchConversation(tx, conv, { status: conv.holder === 'assistant' ? 'pending' : 'open', resolvedAt: null, snoozedUntil: null });
        conv = await lockConversation(tx, workspaceId, conv.id);
        if (conv.holder === 'human') await autoAssign(services, tx, workspaceId);
      }
      if (conv.holder === 'assistant' && asksForPerson(input.body)) await requestHandoff(services, tx, conv, 'asked');
      else if (conv.holder === 'assistant') await enqueue(tx, assistantReplyJob, { workspaceId, conversationId: conv.id, messageId: message.id }, { workspaceId });
    }
    // The visitor's own message, as stored (issue 15: from the insert's answer, not read back).
    if (message.authorKind === 'visitor') return widgetMessage(message, null);
    const [shown] = await visitorMessages(tx, conv, message.seq - 1, 1);
    return shown!;
  }, before ? { before: { text: before.text, check: before.judge } } : {});
}

/** CONV-3: the "Talk to a person" button. */
export async function askForPerson(services: Services, workspaceId: string, token: string) {
  return withTenant(services.database.db, { workspaceId, userId: null }, async (tx) => {
    const conv = await conversationOf(services, tx, workspaceId, token);
    await requestHandoff(services, tx, conv, 'asked');
    return { status: 'open' as const, holder: 'human' as const };
  });
}

/** CONV-2: name and email (and consent as given) go to the visitor and, through the CRM's use cases, to a contact. */
export async function leaveContact(services: Services, workspaceId: string, input: z.infer<typeof leaveContactBody>) {
  const conv = await withTenant(services.database.db, { workspaceId, userId: null }, async (tx) => {
    const conv = await conversationOf(services, tx, workspaceId, input.token);
    await tx
      .update(visitors)
      .set({ name: input.name, email: input.email.toLowerCase(), phone: input.phone || null, consent: input.consent })
      .where(and(eq(visitors.workspaceId, workspaceId), eq(visitors.id, conv.visitorId)));
    await appendMessage(tx, conv, { authorKind: 'system', ...leftDetailsLine(input.name, input.email.toLowerCase(), input.consent) });
    return conv;
  });
  const contactId = await captureLead(services, conv, input);
  return { contactId: contactId !== null };
}

/** CONV-4: the 1–5 rating offered once the conversation is resolved. */
export async function rateConversation(services: Services, workspaceId: string, token: string, rating: number) {
  return withTenant(services.database.db, { workspaceId, userId: null }, async (tx) => {
    const conv = await conversationOf(services, tx, workspaceId, token);
    if (conv.status !== 'resolved') throw new AppError('not_resolved', 409, 'You can rate the conversation once it is resolved.');
    await touchConversation(tx, conv, { rating });
    return { rating };
  });
}
