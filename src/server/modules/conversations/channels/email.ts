import { and, asc, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import { withTenant } from '../../../platform/db/tenant';
import { mailOutbox } from '../../../platform/mail/mail.schema';
import { queueRenderedMail, retryMail, type MailOutcome } from '../../../platform/mail/outbox';
import type { Services } from '../../../platform/services';
import { workspaceProfile } from '../../workspaces';
import { ensureChannelSettings, inboundAddress } from '../channel-settings';
import { conversationMessages, visitors } from '../conversations.schema';
import { readConversation, touchConversation, type ConversationRow, type MessageRow } from '../conversation-rows';
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
  // Sent once the mail server took it (`emailReplyOutcome`), failed with the reason if it would not.
  initialStatus: 'queued',
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
  async retry(tx, _services, _conv, message) {
    if (!message.externalId) return false;
    const [row] = await tx
      .select({ id: mailOutbox.id })
      .from(mailOutbox)
      .where(and(eq(mailOutbox.workspaceId, message.workspaceId), sql`${mailOutbox.headers}->>'Message-ID' = ${message.externalId}`))
      .orderBy(desc(mailOutbox.createdAt))
      .limit(1);
    return !!row && (await retryMail(tx, row.id));
  },
};

export const EMAIL_REPLY_TEMPLATE = 'conversations.email-reply';

/** An SMTP server's or provider's answer, in words a person can act on (CONV-6). */
export function explainMailError(raw: string | null, willRetry: boolean): string {
  const text = (raw ?? '').replace(/\s+/g, ' ').trim();
  const smtp = /\b([45]\d\d)[ -](?:\d\.\d{1,3}\.\d{1,3}\s+)?(.*)$/.exec(text);
  let why: string;
  // Nothing to retry: this server has nowhere to send mail (the outbox kept it for the development mailbox).
  if (/no mail server set up/.test(text)) return 'This Kestrel server has no mail server set up (SMTP_URL or RESEND_API_KEY), so the mail was kept in the development mailbox.';
  if (/ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|ECONNRESET|ESOCKET|Greeting never received|Connection (closed|timeout)/i.test(text)) why = 'The mail server could not be reached.';
  else if (/EAUTH|Invalid login|\b535\b/i.test(text)) why = "The mail server refused Kestrel's sign-in: check the mail settings.";
  else if (/Resend refused/i.test(text)) why = `${text.slice(0, 240)}.`;
  else if (smtp && smtp[1]!.startsWith('5')) why = `The mail server refused it (${smtp[1]}: ${smtp[2]!.slice(0, 200) || 'no reason given'}).`;
  else if (smtp) why = `The mail server asked to try later (${smtp[1]}: ${smtp[2]!.slice(0, 200) || 'no reason given'}).`;
  else why = `The mail could not be sent: ${text.slice(0, 200) || 'no reason given'}.`;
  return willRetry ? `${why} Kestrel tries again by itself; Retry sends it now.` : `${why} Press Retry to send it again.`;
}

/**
 * CONV-6: what the mail outbox made of a reply shows on the message: sent once the mail server
 * took it, failed with the reason in words when it would not (the outbox keeps retrying, and
 * Retry sends it now). A message erased meanwhile (CONV-7) is left alone.
 */
export async function emailReplyOutcome(services: Services, outcome: MailOutcome): Promise<void> {
  const externalId = outcome.headers?.['Message-ID'];
  if (!externalId || !outcome.workspaceId) return;
  const workspaceId = outcome.workspaceId;
  await withTenant(services.database.db, { workspaceId, userId: null }, async (tx) => {
    const [message] = await tx.select().from(conversationMessages).where(and(eq(conversationMessages.workspaceId, workspaceId), eq(conversationMessages.externalId, externalId))).for('update');
    // A bounce came back after the server took it (DSN): that is the later word.
    if (!message || message.authorKind !== 'staff' || message.meta.bounce) return;
    const { error: _old, ...meta } = message.meta;
    const changes: Partial<MessageRow> = outcome.status === 'sent' ? { deliveryStatus: 'sent', meta } : { deliveryStatus: 'failed', meta: { ...meta, error: explainMailError(outcome.error, outcome.willRetry) } };
    await tx.update(conversationMessages).set(changes).where(and(eq(conversationMessages.workspaceId, workspaceId), eq(conversationMessages.id, message.id)));
    await touchConversation(tx, await readConversation(tx, workspaceId, message.conversationId), {});
  });
}

/**
 * RFC 5322 3.6.4 threading for the mail `messageId` of a conversation: In-Reply-To the customer's
 * latest mail (else the thread's latest), References the thread's earlier mails (a long thread
 * keeps its first and its latest 19). Used by the channel's replies and by the away mail.
 */
export async function threadHeaders(tx: Tx, conv: Pick<ConversationRow, 'workspaceId' | 'id'>, messageId: string): Promise<Record<string, string>> {
  const thread = await tx
    .select({ externalId: conversationMessages.externalId, authorKind: conversationMessages.authorKind })
    .from(conversationMessages)
    .where(and(eq(conversationMessages.workspaceId, conv.workspaceId), eq(conversationMessages.conversationId, conv.id), isNotNull(conversationMessages.externalId)))
    .orderBy(asc(conversationMessages.seq))
    .limit(200);
  const earlier = thread.filter((m) => m.externalId !== messageId);
  const ids = earlier.map((m) => m.externalId!);
  const parent = [...earlier].reverse().find((m) => m.authorKind === 'visitor')?.externalId ?? ids.at(-1);
  const headers: Record<string, string> = {};
  if (parent) headers['In-Reply-To'] = parent;
  const refs = ids.length > 20 ? [ids[0]!, ...ids.slice(-19)] : ids;
  if (refs.length) headers.References = refs.join(' ');
  return headers;
}

async function queueEmailReply(tx: Tx, services: Services, conv: ConversationRow, message: MessageRow): Promise<void> {
  const settings = await ensureChannelSettings(tx, services, conv.workspaceId);
  const ws = await workspaceProfile(tx, conv.workspaceId);
  const [v] = await tx.select({ email: visitors.email }).from(visitors).where(and(eq(visitors.workspaceId, conv.workspaceId), eq(visitors.id, conv.visitorId)));
  const address = inboundAddress(services, settings);
  const from = `"${(ws?.name ?? 'Kestrel').replace(/["\\\r\n]/g, '')}" <${address}>`;
  const subject = message.meta.subject ?? `Re: ${conv.subject || 'Your message'}`;
  const headers: Record<string, string> = { 'Message-ID': message.externalId!, 'Reply-To': address, ...(await threadHeaders(tx, conv, message.externalId!)) };
  const html = message.body.split(/\n{2,}/).map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('');
  await queueRenderedMail(tx, { from, to: v!.email!, template: EMAIL_REPLY_TEMPLATE, rendered: { subject, text: message.body, html }, headers });
}

/** The Message-ID a reply is sent with: the message's own id at the inbound domain. */
export const outboundMessageId = (services: Services, messageId: string) => `<${messageId}@${services.config.INBOUND_MAIL_DOMAIN}>`;
