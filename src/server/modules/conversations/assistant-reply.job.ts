import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { ModelMessage } from 'ai';
import { z } from 'zod';
import type { Tx } from '../../platform/db/database';
import { withTenant } from '../../platform/db/tenant';
import { AppError } from '../../platform/http/errors';
import { defineJob } from '../../platform/jobs/jobs';
import type { Services } from '../../platform/services';
import { recordCall } from '../ai/record-call';
import { scrubAiCalls, resolveProviderIn } from '../ai';
import { readAiSettings, redactPii } from '../ai/record-context';
import { appendMessage, conversationRecord, lockConversation } from './conversation-rows';
import { conversationMessages } from './conversations.schema';
import { requestHandoff, type FlagReason } from './handoff';
import { readForRetrieval, retrieveKnowledge } from './knowledge-meaning';
import { bookingInstructions, linkBookedContact, loadChatBooking, replyWithTools, type AssistantReply } from './assistant-tools';
import { readSettings } from './widget-settings';
import { queueCloserIfQualified } from './closer-next-step';

/** The marker the model is told to answer with when the knowledge has no answer. */
const HANDOFF_MARK = '[HANDOFF]';
const NO_ANSWER = "I don't have that information, so I'll ask a person from the team — they will reply here.";

/**
 * CONV-2: the assistant answers a visitor's message from the workspace's knowledge, through the
 * AI gateway (every reply a recorded call, AI-4). It never answers beyond the knowledge: without a
 * match, or when the model says so, it hands the conversation to a person. No provider (AI-8), a
 * failing provider, or a restricted contact (AI-6) also go to a person; the message is kept.
 */
export const assistantReplyJob = defineJob({
  name: 'conversations.assistant-reply',
  version: 1,
  payload: z.object({ workspaceId: z.uuid(), conversationId: z.uuid(), messageId: z.uuid() }),
  maxAttempts: 3,
  async run(p, services) {
    await answerVisitor(services, p);
  },
});

export async function answerVisitor(services: Services, p: { workspaceId: string; conversationId: string; messageId: string }): Promise<void> {
  const { db } = services.database;
  const ctx = { workspaceId: p.workspaceId, userId: null };
  /** Whether the visitor's message is still there: an erased transcript (CONV-7) gets no late reply. */
  const stillAsked = async (tx: Tx) =>
    (await tx.select({ id: conversationMessages.id }).from(conversationMessages).where(and(eq(conversationMessages.workspaceId, p.workspaceId), eq(conversationMessages.id, p.messageId)))).length > 0;
  const handOff = (reason: FlagReason, say?: string) =>
    withTenant(db, ctx, async (tx) => {
      const conv = await lockConversation(tx, p.workspaceId, p.conversationId);
      if (conv.holder !== 'assistant' || !(await stillAsked(tx))) return;
      if (say) await appendMessage(tx, conv, { authorKind: 'assistant', body: say });
      await requestHandoff(services, tx, conv, reason);
    });

  const prepared = await withTenant(db, ctx, async (tx) => {
    const conv = await lockConversation(tx, p.workspaceId, p.conversationId);
    if (conv.holder !== 'assistant' || conv.status === 'resolved') return null;
    // The last turns, newest first; the visitor's message must be the latest of theirs (a later one
    // has its own job, which answers both; an erased one gets no answer).
    const turns = await tx
      .select({ id: conversationMessages.id, authorKind: conversationMessages.authorKind, body: conversationMessages.body })
      .from(conversationMessages)
      .where(and(eq(conversationMessages.workspaceId, p.workspaceId), eq(conversationMessages.conversationId, p.conversationId), inArray(conversationMessages.authorKind, ['visitor', 'assistant', 'staff'])))
      .orderBy(desc(conversationMessages.seq))
      .limit(20);
    if (turns.find((m) => m.authorKind === 'visitor')?.id !== p.messageId) return null;
    const history = turns.reverse();
    const settings = await readSettings(services, tx, p.workspaceId);
    // AI-6: the visitor's contact, and whether it (or the conversation's) is restricted, in one read.
    const { rows: [visitor] } = await tx.execute<{ contact_id: string | null; restricted: boolean }>(sql`
      SELECT v.contact_id, EXISTS (
        SELECT 1 FROM contacts c WHERE c.workspace_id = ${p.workspaceId} AND c.id IN (v.contact_id, ${conv.contactId}::uuid) AND c.restricted
      ) AS restricted
      FROM (SELECT 1) AS one LEFT JOIN visitors v ON v.workspace_id = ${p.workspaceId} AND v.id = ${conv.visitorId}`);
    const restricted = visitor?.restricted ?? false;
    const asked = history.filter((m) => m.authorKind === 'visitor').slice(-2).map((m) => m.body).join(' ');
    const { redactPii: redact } = await readAiSettings(tx, p.workspaceId);
    const booking = await loadChatBooking(tx, conv, visitor?.contact_id ?? null);
    const question = redact ? redactPii(asked) : asked;
    // Issue 15: the provider, the words search and whether the knowledge is indexed by meaning are
    // read in this same transaction (nothing leaves the database before the checks below).
    const provider = await resolveProviderIn(tx, services, ctx);
    const reads = await readForRetrieval(tx, services, p.workspaceId, question, provider);
    return { settings, restricted, history, question, redact, booking, provider, reads };
    // It only read and locked: its commit need not wait for the disk.
  }, { waitForDisk: false });
  if (!prepared) return;
  const { settings, restricted, history, question, redact, booking, provider, reads } = prepared;
  if (settings && !settings.assistantEnabled) return handOff('assistant_off');
  if (restricted) return handOff('restricted_contact');
  if (!provider) return handOff('no_ai_provider');
  // CONV-2: by words and, once the knowledge is indexed, by meaning (AI-6: embedded only after the restriction check).
  // Issue 15: the question's embedding is recorded with the model call's record, in one statement.
  const { hits: knowledge, pending, queryCallId } = await retrieveKnowledge(services, p.workspaceId, question, [conversationRecord(p.conversationId)], 3, reads, { deferRecord: true });
  const earlierCalls = pending ? [pending] : [];
  const queryCalls = queryCallId ? [queryCallId] : [];
  // CONV-5: with something to book, a question the knowledge cannot answer may still be a booking.
  if (!knowledge.length && !booking.eventTypes.length) {
    if (pending) await recordCall(db, ctx, pending);
    return handOff('no_knowledge', NO_ANSWER);
  }

  const clean = (t: string) => (redact ? redactPii(t) : t);
  const questions = settings?.questions ?? [];
  const system = [
    "You are the website assistant of a small business. Answer the visitor's question using ONLY the knowledge below.",
    `Never state a price, date, availability or promise that the knowledge does not state. If the knowledge does not answer the question, reply with exactly ${HANDOFF_MARK} and nothing else.`,
    'Be brief and friendly; plain text, no markdown. Do not ask for passwords or payment details.',
    questions.length
      ? `After answering, ask the next of these qualifying questions that the visitor has not answered yet, one at a time:\n${questions.map((q, i) => `${i + 1}. ${q}`).join('\n')}`
      : '',
    'When the visitor seems ready, suggest they leave their name and email in the chat so the team can follow up.',
    bookingInstructions(booking),
    `Knowledge:\n${knowledge.map((k, i) => `[${i + 1}] ${k.title}${k.url ? ` (${k.url})` : ''}\n${k.body.slice(0, 3000)}`).join('\n\n')}`,
  ]
    .filter(Boolean)
    .join('\n\n');
  // AI-6: every turn is redacted, the team's replies too (a teammate may have typed a phone number).
  const messages: ModelMessage[] = history.map((m) => ({ role: m.authorKind === 'visitor' ? 'user' : 'assistant', content: clean(m.body) }));

  let reply: AssistantReply;
  try {
    reply = await replyWithTools(services, ctx, { system, messages, recordRefs: [conversationRecord(p.conversationId)], providerCache: { provider }, earlierCalls }, booking);
  } catch (error) {
    const callId = error instanceof AppError && typeof error.details.callId === 'string' ? error.details.callId : null;
    if (callId && !(await withTenant(db, ctx, stillAsked))) await withTenant(db, ctx, (tx) => scrubAiCalls(tx, ctx, { ids: [callId, ...queryCalls] }));
    services.logger.warn({ err: error, workspaceId: p.workspaceId, conversationId: p.conversationId }, 'assistant reply failed; handed to a person');
    return handOff('ai_failed');
  }
  if (!reply.text || reply.text.includes(HANDOFF_MARK)) return handOff('no_knowledge', NO_ANSWER);

  await withTenant(db, ctx, async (tx) => {
    const conv = await lockConversation(tx, p.workspaceId, p.conversationId);
    // The transcript was erased while the model was thinking: no reply, and the call forgets the words.
    if (!(await stillAsked(tx))) {
      await scrubAiCalls(tx, ctx, { ids: [reply.callId, ...queryCalls] });
      return;
    }
    if (reply.booked) await linkBookedContact(tx, conv, reply.booked);
    // A person joined while the model was thinking: the assistant stays silent (a booking it made is still confirmed).
    if (conv.holder !== 'assistant' && !reply.booked) return;
    await appendMessage(tx, conv, {
      authorKind: 'assistant',
      body: reply.text.slice(0, 4000),
      aiCallId: reply.callId,
      sources: reply.booked ? [] : knowledge.map((k) => ({ title: k.title, url: k.url })),
    });
    // CONV-2: that answer may have been the last qualifying one: Closer proposes the next step.
    await queueCloserIfQualified(services, tx, conv);
  });
}
