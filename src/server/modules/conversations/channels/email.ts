import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import { queueRenderedMail } from '../../../platform/mail/outbox';
import type { Services } from '../../../platform/services';
import { workspaces } from '../../workspaces/workspaces.schema';
import { ensureChannelSettings, inboundAddress } from '../channel-settings';
import { conversationMessages, visitors } from '../conversations.schema';
import type { ConversationRow, MessageRow } from '../conversation-rows';
import type { ChannelAdapter } from './channel';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** `Re: Prices` from `Prices`, `RE: Re: Prices`, `Fwd: Prices`. */
export function threadSubject(subject: string | null | undefined): string {
  let s = (subject ?? '').replace(/\s+/g, ' ').trim();
  for (;;) {
    const next = s.replace(/^(re|fw|fwd|aw|sv|wg)\s*(\[\d+\])?\s*:\s*/i, '');
    if (next === s) return s.slice(0, 300);
    s = next;
  }
}

/** The quoted history mail clients append under a reply is the thread itself: only the new text is kept. */
export function newTextOfReply(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const cut = lines.findIndex((l, i) => /^On .{4,200} wrote:\s*$/.test(l) || (/^>/.test(l) && lines.slice(i).every((r) => r.startsWith('>') || r.trim() === '')) || /^-{2,}\s*Original Message\s*-{2,}/i.test(l));
  return (cut >= 0 ? lines.slice(0, cut) : lines).join('\n').trim();
}

/**
 * CONV-6: email. A staff reply leaves through the platform mail outbox in the reply's own
 * transaction, from the workspace's inbound address (so the customer's answer comes back here),
 * with `Message-ID`, `In-Reply-To` and `References` so mail clients keep one thread.
 */
export const emailChannel: ChannelAdapter = {
  name: 'email',
  initialStatus: 'sent',
  async canSend(tx, conv) {
    const [v] = await tx.select({ email: visitors.email }).from(visitors).where(and(eq(visitors.workspaceId, conv.workspaceId), eq(visitors.id, conv.visitorId)));
    if (!v?.email) return { ok: false, code: 'no_email_address', message: 'This conversation has no email address to reply to.' };
    return { ok: true, meta: { subject: `Re: ${conv.subject || 'Your message'}` } };
  },
  async enqueue(tx, services, conv, message) {
    const externalId = outboundMessageId(services, message.id);
    await tx.update(conversationMessages).set({ externalId }).where(and(eq(conversationMessages.workspaceId, conv.workspaceId), eq(conversationMessages.id, message.id)));
    await queueEmailReply(tx, services, conv, { ...message, externalId });
  },
};

async function queueEmailReply(tx: Tx, services: Services, conv: ConversationRow, message: MessageRow): Promise<void> {
  const settings = await ensureChannelSettings(tx, services, conv.workspaceId);
  const [ws] = await tx.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, conv.workspaceId));
  const [v] = await tx.select({ email: visitors.email }).from(visitors).where(and(eq(visitors.workspaceId, conv.workspaceId), eq(visitors.id, conv.visitorId)));
  const thread = await tx
    .select({ externalId: conversationMessages.externalId, authorKind: conversationMessages.authorKind })
    .from(conversationMessages)
    .where(and(eq(conversationMessages.workspaceId, conv.workspaceId), eq(conversationMessages.conversationId, conv.id), isNotNull(conversationMessages.externalId)))
    .orderBy(asc(conversationMessages.seq))
    .limit(200);
  const ids = thread.map((m) => m.externalId!).filter((id) => id !== message.externalId);
  const lastInbound = [...thread].reverse().find((m) => m.authorKind === 'visitor')?.externalId ?? ids.at(-1);
  const address = inboundAddress(services, settings);
  const from = `"${(ws?.name ?? 'Kestrel').replace(/["\\\r\n]/g, '')}" <${address}>`;
  const subject = message.meta.subject ?? `Re: ${conv.subject || 'Your message'}`;
  const headers: Record<string, string> = { 'Message-ID': message.externalId!, 'Reply-To': address };
  if (lastInbound) headers['In-Reply-To'] = lastInbound;
  // RFC 5322 3.6.4: the parent's references plus the parent; long threads keep the first and the latest.
  const refs = ids.length > 20 ? [ids[0]!, ...ids.slice(-19)] : ids;
  if (refs.length) headers.References = refs.join(' ');
  const html = message.body.split(/\n{2,}/).map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('');
  await queueRenderedMail(tx, { from, to: v!.email!, template: 'conversations.email-reply', rendered: { subject, text: message.body, html }, headers });
}

/** The Message-ID a reply is sent with: the message's own id at the inbound domain. */
export const outboundMessageId = (services: Services, messageId: string) => `<${messageId}@${services.config.INBOUND_MAIL_DOMAIN}>`;
