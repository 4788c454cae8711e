import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { tool, type ModelMessage, type ToolSet } from 'ai';
import type { Tx } from '../../platform/db/database';
import type { Services } from '../../platform/services';
import type { AiRecordRef } from '../ai/ai.contract';
import { runModel, type AiContext, type NewAiCall, type ResolvedProvider } from '../ai';
import { contacts } from '../crm/crm.schema';
import { chatBookingToolSpecs, confirmationMessage, publicEventTypes, runChatBookingTool, type ChatBookingEnv, type PublicEventType } from '../booking/chat-booking';
import type { ConversationRow } from './conversation-rows';
import { conversationMessages, conversations, visitors } from './conversations.schema';

/** Steps of one reply: list times, book, and a last word — more means the model is going round in circles. */
const MAX_STEPS = 4;
const EMAIL = /[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}/gi;

export interface ChatBooking {
  eventTypes: PublicEventType[];
  visitorEmails: string[];
}

/**
 * CONV-5: what the assistant may book in this conversation — the workspace's public event types
 * — and the email addresses the visitor gave: typed in the chat (oldest first) or left in the
 * chat's contact form (the linked contact's address, last).
 */
export async function loadChatBooking(tx: Tx, conv: ConversationRow, visitorContactId: string | null): Promise<ChatBooking> {
  const eventTypes = await publicEventTypes(tx, conv.workspaceId);
  if (!eventTypes.length) return { eventTypes, visitorEmails: [] };
  const typed = await tx
    .select({ body: conversationMessages.body })
    .from(conversationMessages)
    .where(and(eq(conversationMessages.workspaceId, conv.workspaceId), eq(conversationMessages.conversationId, conv.id), eq(conversationMessages.authorKind, 'visitor')))
    .orderBy(conversationMessages.seq)
    .limit(500);
  const emails = typed.flatMap((m) => m.body.match(EMAIL) ?? []);
  const contactIds = [conv.contactId, visitorContactId].filter((x): x is string => !!x);
  if (contactIds.length) {
    const rows = await tx.select({ email: contacts.email }).from(contacts).where(and(eq(contacts.workspaceId, conv.workspaceId), inArray(contacts.id, contactIds)));
    for (const r of rows) if (r.email && !emails.some((e) => e.toLowerCase() === r.email!.toLowerCase())) emails.unshift(r.email);
  }
  return { eventTypes, visitorEmails: emails };
}

/** The system prompt's part about booking, when the workspace has something to book. */
export function bookingInstructions(b: ChatBooking): string {
  if (!b.eventTypes.length) return '';
  return [
    'The visitor can book a meeting with the team. Bookable event types (slug: title, length):',
    ...b.eventTypes.map((e) => `- ${e.slug}: ${e.title}, ${e.durationMinutes} minutes`),
    'When the visitor wants to book or asks when they can meet, call list_free_slots and offer a few of the times it returns; never offer a time it did not return.',
    "Before booking, ask for the visitor's name and email address in the chat; then call book_slot with the chosen start exactly as listed.",
    'Questions about booking a time are never a reason to answer with the handoff marker.',
  ].join('\n');
}

export interface AssistantReply {
  text: string;
  /** The call whose words the visitor sees (the last step). */
  callId: string;
  /** Set when the chat booked a time: who booked, to link the conversation and visitor to. */
  booked?: { contactId: string | null; name: string; email: string };
}

/**
 * CONV-5: one reply of the website assistant, with the booking tools when there is something to
 * book. Each step is a recorded AI call (AI-4); the tools run with the workspace's booking rules
 * alone. Once a time is booked the confirmation is Kestrel's own words, not the model's.
 */
export async function replyWithTools(
  services: Services,
  ctx: AiContext,
  req: { system: string; messages: ModelMessage[]; recordRefs: AiRecordRef[]; providerCache?: { provider?: ResolvedProvider }; earlierCalls?: NewAiCall[] },
  booking: ChatBooking,
): Promise<AssistantReply> {
  const env: ChatBookingEnv = { services, workspaceId: ctx.workspaceId, eventTypes: booking.eventTypes, visitorEmails: booking.visitorEmails };
  const tools: ToolSet | undefined = booking.eventTypes.length ? Object.fromEntries(chatBookingToolSpecs.map((s) => [s.name, tool({ description: s.description, inputSchema: s.input })])) : undefined;
  const messages = [...req.messages];
  let last = { text: '', callId: '' };
  for (let step = 1; step <= MAX_STEPS; step++) {
    const result = await runModel(services, ctx, { feature: 'assistant', system: req.system, messages, ...(tools ? { tools } : {}), maxOutputTokens: 600, temperature: 0.2, recordRefs: req.recordRefs, ...(req.providerCache ? { providerCache: req.providerCache } : {}), ...(step === 1 && req.earlierCalls?.length ? { earlierCalls: req.earlierCalls } : {}) });
    last = { text: result.text.trim(), callId: result.callId };
    if (!tools || !result.toolCalls.length || step === MAX_STEPS) return last;
    messages.push(...result.responseMessages);
    const results: { type: 'tool-result'; toolCallId: string; toolName: string; output: { type: 'text'; value: string } }[] = [];
    for (const call of result.toolCalls) {
      const r = await runChatBookingTool(env, call.name, call.input);
      if (r.booked) {
        const b = r.booked.booking;
        return { text: confirmationMessage(r.booked, r.timeZone), callId: result.callId, booked: { contactId: b.contactId, name: b.attendeeName, email: b.attendeeEmail } };
      }
      results.push({ type: 'tool-result', toolCallId: call.toolCallId, toolName: call.name, output: { type: 'text', value: r.output } });
    }
    messages.push({ role: 'tool', content: results });
  }
  return last;
}

/**
 * BOOK-5: a conversation and visitor not yet linked to a contact are linked to the one the
 * booking made or found; a visitor without a name or email takes the ones they booked with.
 */
export async function linkBookedContact(tx: Tx, conv: ConversationRow, booked: NonNullable<AssistantReply['booked']>): Promise<void> {
  const where = and(eq(visitors.workspaceId, conv.workspaceId), eq(visitors.id, conv.visitorId));
  await tx.update(visitors).set({ name: sql`coalesce(${visitors.name}, ${booked.name})`, email: sql`coalesce(${visitors.email}, ${booked.email})` }).where(where);
  if (!booked.contactId) return;
  await tx.update(conversations).set({ contactId: booked.contactId }).where(and(eq(conversations.workspaceId, conv.workspaceId), eq(conversations.id, conv.id), isNull(conversations.contactId)));
  await tx.update(visitors).set({ contactId: booked.contactId }).where(and(where, isNull(visitors.contactId)));
}
