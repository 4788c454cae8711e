import { createHash } from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { simpleParser, type HeaderValue, type ParsedMail } from 'mailparser';
import type { Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import type { Services } from '../../platform/services';
import { insertContact, findContactByEmail } from '../crm';
import { pauseSequencesOnAutoReply, receiveOutreachDsn, receiveUnsubscribeMail, stopSequencesOnReply } from '../outreach';
import { newTextOfReply, threadSubject } from './channels/email';
import { appendMessage, touchConversation, type ConversationRow } from './conversation-rows';
import { conversationMessages, conversations, visitors } from './conversations.schema';
import { autoAssign } from './handoff';
import { conversationNamedBy } from './reply-address';

/** What became of an inbound email. */
export type ReceivedEmail =
  | { outcome: 'stored' | 'auto_reply' | 'duplicate'; conversationId: string; messageId: string }
  | { outcome: 'bounce'; conversationId: string | null }
  | { outcome: 'unsubscribed' }
  | { outcome: 'ignored'; reason: string };

const BODY_MAX = 20_000;
const emailContext = (workspaceId: string): WorkspaceContext => ({ workspaceId, userId: null, role: 'admin', actorLabel: 'Email' });

const headerText = (v: HeaderValue | undefined): string => (v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'object' && v && 'value' in v ? String((v as { value: unknown }).value) : String(v));

/** RFC 3834 and the common conventions: a message a machine sent in answer, not the customer. */
export function isAutoReply(mail: ParsedMail): boolean {
  const auto = headerText(mail.headers.get('auto-submitted')).trim().toLowerCase();
  if (auto && auto !== 'no') return true;
  const precedence = headerText(mail.headers.get('precedence')).trim().toLowerCase();
  if (['bulk', 'auto_reply', 'junk', 'list'].includes(precedence)) return true;
  if (mail.headers.has('x-autoreply') || mail.headers.has('x-autorespond')) return true;
  return /^(auto(matic)?[\s-]?(reply|response)|out of (the )?office|abwesenheit|absence|away:)|\bout of (the )?office\b/i.test(mail.subject ?? '');
}

/** A delivery status notification (RFC 3464): multipart/report; report-type=delivery-status. */
export function isBounce(mail: ParsedMail): boolean {
  const ct = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  return ct?.value?.toLowerCase() === 'multipart/report' && (ct.params?.['report-type'] ?? '').toLowerCase() === 'delivery-status';
}

const messageIdsIn = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? v.split(/\s+/) : []).map((s) => s.trim()).filter((s) => /^<[^<>\s]{1,500}>$/.test(s));

/**
 * CONV-6: one inbound email, from the built-in SMTP receiver or a provider's webhook, into the
 * inbox. Threaded by `In-Reply-To`/`References` against the Message-IDs of stored messages, then
 * by a per-conversation reply address it was sent to (reply-address.ts), then by sender and subject; a new sender becomes a contact (found by email first) and a new
 * conversation on channel `email`. Auto-replies are kept, marked, and neither reopen nor notify;
 * bounces mark the reply that bounced and are not shown as the customer's words. A second copy of
 * one message (same Message-ID) is stored once.
 */
export async function receiveEmail(services: Services, workspaceId: string, raw: Buffer): Promise<ReceivedEmail> {
  const mail = await simpleParser(raw, { skipImageLinks: true });
  const ctx = emailContext(workspaceId);
  if (isBounce(mail)) {
    // MAIL-3: a bounce of outreach mail suppresses the address there; others mark an inbox reply.
    if (await receiveOutreachDsn(services, workspaceId, raw.toString('utf8'))) return { outcome: 'bounce', conversationId: null };
    return recordBounce(services, ctx, mail, raw);
  }
  const sender = mail.from?.value[0];
  const email = sender?.address?.trim().toLowerCase();
  if (!email || email.length > 254) return { outcome: 'ignored', reason: 'no sender address' };
  // MAIL-4: a mail client's List-Unsubscribe mailto ("unsubscribe <signed token>") is honoured, not shown.
  if (await receiveUnsubscribeMail(services, workspaceId, mail.subject ?? '')) return { outcome: 'unsubscribed' };
  // Without a Message-ID the content names the message, so a redelivery is still recognised.
  const messageId = messageIdsIn(mail.messageId)[0] ?? `<${createHash('sha256').update(raw).digest('hex').slice(0, 40)}@inbound.kestrel>`;
  const refs = [...messageIdsIn(mail.inReplyTo), ...messageIdsIn(mail.references)].slice(0, 100);
  const subject = threadSubject(mail.subject);
  // The conversation a per-conversation reply address names (its tag checked), when the mail went to one.
  const recipients = [mail.to, mail.cc].flatMap((a) => (a ? (Array.isArray(a) ? a : [a]) : [])).flatMap((a) => a.value.map((v) => v.address ?? ''));
  const replyTo = conversationNamedBy(services, workspaceId, [...recipients, headerText(mail.headers.get('delivered-to'))].filter(Boolean));
  const auto = isAutoReply(mail);
  // MAIL-2: a person's reply takes them out of every outreach sequence at once; an automatic one (out of office) only pauses them.
  const text = (newTextOfReply(mail.text ?? '') || (mail.text ?? '').trim() || subject || '(no text)').slice(0, BODY_MAX);
  if (!auto) await stopSequencesOnReply(services, workspaceId, email);
  else await pauseSequencesOnAutoReply(services, workspaceId, email, { text: `${mail.subject ?? ''}\n${text}` });

  return withTenant(services.database.db, ctx, async (tx) => {
    const [seen] = await tx.select({ id: conversationMessages.id, conversationId: conversationMessages.conversationId }).from(conversationMessages).where(and(eq(conversationMessages.workspaceId, workspaceId), eq(conversationMessages.externalId, messageId)));
    if (seen) return { outcome: 'duplicate' as const, conversationId: seen.conversationId, messageId: seen.id };
    let conv = (await byReferences(tx, workspaceId, refs)) ?? (await byReplyAddress(tx, workspaceId, replyTo)) ?? (subject ? await bySenderAndSubject(tx, workspaceId, email, subject) : null);
    if (!conv) {
      if (auto) return { outcome: 'ignored' as const, reason: 'auto-reply outside any thread' };
      conv = await startEmailConversation(tx, ctx, { email, name: sender?.name?.trim().slice(0, 200) || null, subject });
    }
    const { message, duplicate } = await appendMessage(tx, conv, { authorKind: 'visitor', body: text, externalId: messageId, meta: { subject: (mail.subject ?? '').slice(0, 300), ...(auto ? { autoReply: true } : {}), ...(conv.channel === 'web' ? { viaEmail: true } : {}) }, quiet: auto });
    if (duplicate) return { outcome: 'duplicate' as const, conversationId: conv.id, messageId: message.id };
    if (!auto) {
      await touchConversation(tx, conv, { status: 'open', holder: 'human', resolvedAt: null, snoozedUntil: null, lastInboundAt: message.createdAt });
      await autoAssign(services, tx, workspaceId);
    }
    return { outcome: auto ? ('auto_reply' as const) : ('stored' as const), conversationId: conv.id, messageId: message.id };
  });
}

async function byReferences(tx: Tx, workspaceId: string, refs: string[]): Promise<ConversationRow | null> {
  if (!refs.length) return null;
  const [hit] = await tx
    .select({ conversation: conversations })
    .from(conversationMessages)
    .innerJoin(conversations, and(eq(conversations.workspaceId, conversationMessages.workspaceId), eq(conversations.id, conversationMessages.conversationId)))
    // A web chat too: the visitor answering a reply that was emailed to them after they left (CONV-6).
    .where(and(eq(conversationMessages.workspaceId, workspaceId), inArray(conversationMessages.externalId, refs), inArray(conversations.channel, ['email', 'web'])))
    .orderBy(desc(conversationMessages.seq))
    .limit(1);
  return hit?.conversation ?? null;
}

async function byReplyAddress(tx: Tx, workspaceId: string, conversationId: string | null): Promise<ConversationRow | null> {
  if (!conversationId) return null;
  const [hit] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, conversationId), inArray(conversations.channel, ['email', 'web'])));
  return hit ?? null;
}

async function bySenderAndSubject(tx: Tx, workspaceId: string, email: string, subject: string): Promise<ConversationRow | null> {
  const [hit] = await tx
    .select({ conversation: conversations })
    .from(conversations)
    .innerJoin(visitors, and(eq(visitors.workspaceId, conversations.workspaceId), eq(visitors.id, conversations.visitorId)))
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.channel, 'email'), eq(visitors.email, email), sql`lower(${conversations.subject}) = lower(${subject})`))
    .orderBy(desc(conversations.lastMessageAt))
    .limit(1);
  return hit?.conversation ?? null;
}

/** A new sender: a contact through the CRM's own use case (found by email when the CRM has it), a visitor and a conversation. */
async function startEmailConversation(tx: Tx, ctx: WorkspaceContext, who: { email: string; name: string | null; subject: string }): Promise<ConversationRow> {
  let contactId = await findContactByEmail(tx, ctx, who.email);
  if (!contactId) {
    const [firstName, ...rest] = (who.name ?? '').split(/\s+/).filter(Boolean);
    contactId = await insertContact(tx, ctx, { firstName: firstName ?? null, lastName: rest.join(' ') || null, emails: [who.email], source: 'email' });
  }
  const [visitor] = await tx.insert(visitors).values({ workspaceId: ctx.workspaceId, name: who.name, email: who.email, contactId }).returning();
  const [conv] = await tx
    .insert(conversations)
    .values({ workspaceId: ctx.workspaceId, visitorId: visitor!.id, channel: 'email', status: 'open', holder: 'human', subject: who.subject || null, contactId })
    .returning();
  return conv!;
}

/** DSN: the reply that bounced is marked failed and a note says why; nothing shows as the customer's words. */
async function recordBounce(services: Services, ctx: WorkspaceContext, mail: ParsedMail, raw: Buffer): Promise<ReceivedEmail> {
  const text = raw.toString('utf8');
  const own = messageIdsIn(mail.messageId)[0];
  const original = [...text.matchAll(/^Message-ID:\s*(<[^<>\s]+>)/gim)].map((m) => m[1]!).find((id) => id !== own);
  const recipient = /^Final-Recipient:\s*[^;]+;\s*(\S+)/im.exec(text)?.[1]?.slice(0, 254) ?? null;
  const status = /^Status:\s*(\d\.\d{1,3}\.\d{1,3})/im.exec(text)?.[1] ?? null;
  const diagnostic = /^Diagnostic-Code:\s*[^;]+;\s*(.+)$/im.exec(text)?.[1]?.trim().slice(0, 300) ?? null;
  if (!original) return { outcome: 'ignored', reason: 'bounce for an unknown message' };
  return withTenant(services.database.db, ctx, async (tx) => {
    const [sent] = await tx.select().from(conversationMessages).where(and(eq(conversationMessages.workspaceId, ctx.workspaceId), eq(conversationMessages.externalId, original)));
    if (!sent) return { outcome: 'ignored' as const, reason: 'bounce for an unknown message' };
    const why = diagnostic ?? (status ? `status ${status}` : 'no reason given');
    await tx
      .update(conversationMessages)
      .set({ deliveryStatus: 'failed', meta: { ...sent.meta, error: `Bounced: ${why}`, bounce: { recipient, status } } })
      .where(and(eq(conversationMessages.workspaceId, ctx.workspaceId), eq(conversationMessages.id, sent.id)));
    const [conv] = await tx.select().from(conversations).where(and(eq(conversations.workspaceId, ctx.workspaceId), eq(conversations.id, sent.conversationId)));
    await appendMessage(tx, conv!, { authorKind: 'note', body: `The reply did not reach ${recipient ?? 'the customer'}: ${why}` });
    return { outcome: 'bounce' as const, conversationId: sent.conversationId };
  });
}
