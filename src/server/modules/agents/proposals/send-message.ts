import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import type { WorkspaceContext } from '../../../platform/db/tenant';
import { badRequest, conflict, notFound } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import { contacts } from '../../crm/crm.schema';
import { assertRecordAccess } from '../../crm';
import { channelAdapters } from '../../conversations/channels/adapters';
import { appendMessage, lockConversation, readConversation, touchConversation, type ConversationRow } from '../../conversations/conversation-rows';
import { visitors } from '../../conversations/conversations.schema';
import type { AgentName, CitedRecord, SendMessagePayload } from '../agents.contract';

/** Who an agent's message in a conversation goes to: the contact it is linked to, if any. */
async function conversationContact(tx: Tx, ctx: WorkspaceContext, conv: ConversationRow) {
  const [v] = await tx.select({ contactId: visitors.contactId, name: visitors.name, email: visitors.email, phone: visitors.phone }).from(visitors).where(and(eq(visitors.workspaceId, ctx.workspaceId), eq(visitors.id, conv.visitorId)));
  const contactId = conv.contactId ?? v?.contactId ?? null;
  const [contact] = contactId ? await tx.select().from(contacts).where(and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.id, contactId))) : [];
  return { visitor: v, contact };
}

/**
 * AI-5, AI-6, CONV-6: an agent's message may go into an email or WhatsApp conversation the person
 * can see, never to a restricted contact, and only as the channel will take it now (WhatsApp's
 * window or an approved template). Checked when proposed and again when approved.
 */
export async function checkSendMessage(tx: Tx, ctx: WorkspaceContext, p: SendMessagePayload): Promise<CitedRecord[]> {
  const conv = await readConversation(tx, ctx.workspaceId, p.conversationId).catch(() => null);
  if (!conv) throw notFound('Conversation');
  if (conv.channel !== p.channel) throw badRequest('wrong_channel', `This conversation is on ${conv.channel === 'web' ? 'the website chat' : conv.channel}, not ${p.channel}.`, { fields: { channel: 'Not the channel of this conversation.' } });
  const { visitor, contact } = await conversationContact(tx, ctx, conv);
  const records: CitedRecord[] = [];
  if (contact) {
    await assertRecordAccess(tx, ctx, 'contacts', contact.id, 'read');
    if (contact.restricted) throw badRequest('contact_restricted', 'This contact is restricted: agents do not write to them.');
    if (contact.consentState === 'denied' || contact.consentState === 'withdrawn') throw badRequest('cannot_message_contact', `This contact has ${contact.consentState} consent to be contacted.`);
    records.push({ type: 'contacts', id: contact.id, label: [contact.firstName, contact.lastName].filter(Boolean).join(' ') || contact.email || visitor?.name || '(no name)' });
  }
  const check = await channelAdapters[conv.channel].canSend(tx, conv, { body: p.body, ...(p.template ? { template: p.template } : {}) });
  if (!check.ok) throw conflict(check.code, check.message);
  return records;
}

/**
 * AI-5: carries out an approved message: stored in the conversation as the approver's reply (or,
 * on autopilot, of the person who ran the agent), marked as the agent's, and queued on its channel
 * in this transaction — the mail outbox for email, the retried send job for WhatsApp.
 */
export async function sendApprovedMessage(services: Services, tx: Tx, ctx: WorkspaceContext, p: SendMessagePayload, origin: { agent: AgentName; proposalId: string; autopilot: boolean }): Promise<Record<string, unknown>> {
  const conv = await lockConversation(tx, ctx.workspaceId, p.conversationId);
  const adapter = channelAdapters[conv.channel];
  const check = await adapter.canSend(tx, conv, { body: p.body, ...(p.template ? { template: p.template } : {}) });
  if (!check.ok) throw conflict(check.code, check.message);
  const { message } = await appendMessage(tx, conv, {
    authorKind: 'staff',
    authorUserId: ctx.userId,
    body: check.body ?? p.body,
    meta: { ...(check.meta ?? {}), agent: { name: origin.agent, proposalId: origin.proposalId, autopilot: origin.autopilot } },
    deliveryStatus: adapter.initialStatus,
  });
  if (conv.status !== 'open') await touchConversation(tx, conv, { status: 'open', resolvedAt: null, snoozedUntil: null });
  await adapter.enqueue?.(tx, services, conv, message);
  return { conversationId: conv.id, messageId: message.id, channel: conv.channel };
}
