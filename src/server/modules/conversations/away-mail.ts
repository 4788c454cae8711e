import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../platform/db/database';
import { withTenant } from '../../platform/db/tenant';
import { defineJob, enqueue } from '../../platform/jobs/jobs';
import { queueRenderedMail, type MailOutcome } from '../../platform/mail/outbox';
import type { Services } from '../../platform/services';
import { anyContactRestricted } from '../crm';
import { suppressionOf } from '../outreach';
import { workspaceProfile } from '../workspaces';
import { ensureChannelSettings, inboundAddress } from './channel-settings';
import { explainMailError, outboundMessageId, threadHeaders } from './channels/email';
import { conversationReplyAddress } from './reply-address';
import { firstName, lockConversation, touchConversation, type ConversationRow } from './conversation-rows';
import type { AwayState } from './conversations.contract';
import { conversationMessages, visitors } from './conversations.schema';
import { readSettings } from './widget-settings';
import { users } from '../accounts/accounts.schema';

/**
 * CONV-1, CONV-6: a web chat whose visitor has left (the widget closed, answered outside business
 * hours) does not strand the team's reply in a widget nobody opens again. A staff reply to a
 * visitor who is not connected is emailed to the address they left, after a short grace so that
 * several replies go in one email and a visitor who comes back in time sees them in the widget
 * instead. The email is threaded like the email channel's (Message-ID, Reply-To the workspace's
 * inbound address), so the visitor's answer comes back into this same conversation.
 */

/** How long after the last staff reply the email waits (more replies in the meantime join it). */
export const AWAY_MAIL_GRACE_MS = 90_000;
export const AWAY_MAIL_TEMPLATE = 'conversations.away-reply';
const BATCH_MAX = 50;

type VisitorPresence = { email: string | null; contactId: string | null; liveStreams: number; liveUntil: Date | null; lastSeenAt: Date };

const connectedNow = (v: Pick<VisitorPresence, 'liveStreams' | 'liveUntil'>) => v.liveStreams > 0 && !!v.liveUntil && v.liveUntil.getTime() > Date.now();

/** `a***@example.com`: enough for the team to recognise the address, not to copy it off a screen. */
export const maskEmail = (email: string) => {
  const at = email.lastIndexOf('@');
  return at < 1 ? '***' : `${email[0]}***${email.slice(at)}`;
};

async function readPresence(tx: Tx, conv: ConversationRow): Promise<VisitorPresence | undefined> {
  const [v] = await tx
    .select({ email: visitors.email, contactId: visitors.contactId, liveStreams: visitors.liveStreams, liveUntil: visitors.liveUntil, lastSeenAt: visitors.lastSeenAt })
    .from(visitors)
    .where(and(eq(visitors.workspaceId, conv.workspaceId), eq(visitors.id, conv.visitorId)));
  return v;
}

/** Why a visitor who left is not emailed (null: they are). */
async function notMailedBecause(tx: Tx, conv: ConversationRow, v: VisitorPresence): Promise<AwayState['notMailedBecause']> {
  if (!v.email) return 'no_email';
  const suppression = await suppressionOf(tx, conv.workspaceId, v.email);
  // MAIL-4: the reply the visitor asked for is transactional mail: unsubscribing from marketing does
  // not stop it (as outreach's own rule for the transactional stream); a bounce, a complaint or an erasure does.
  if (suppression && suppression.reason !== 'unsubscribed') return suppression.reason === 'erased' ? 'erased' : 'suppressed';
  if (await anyContactRestricted(tx, conv.workspaceId, [v.contactId, conv.contactId])) return 'restricted';
  return null;
}

/** CONV-4: what the composer of a web conversation says about the visitor (null on other channels). */
export async function awayState(tx: Tx, conv: ConversationRow): Promise<AwayState | null> {
  if (conv.channel !== 'web') return null;
  const v = await readPresence(tx, conv);
  if (!v) return null;
  const connected = connectedNow(v);
  return { connected, lastSeenAt: v.lastSeenAt.toISOString(), emailTo: v.email ? maskEmail(v.email) : null, notMailedBecause: connected ? null : await notMailedBecause(tx, conv, v) };
}

/**
 * A staff reply in a web chat, in its own transaction: when the visitor is not connected, the
 * email job is (re)scheduled one grace period later. The job key makes it one job per
 * conversation, moved later by each reply, so a burst of replies is one email.
 */
export async function scheduleAwayMail(tx: Tx, conv: ConversationRow): Promise<void> {
  const v = await readPresence(tx, conv);
  if (!v || connectedNow(v) || !v.email) return;
  await enqueue(tx, awayMailJob, { workspaceId: conv.workspaceId, conversationId: conv.id }, { workspaceId: conv.workspaceId, runAt: new Date(Date.now() + AWAY_MAIL_GRACE_MS), jobKey: `conversation-away-mail:${conv.id}` });
}

export const awayMailJob = defineJob({
  name: 'conversations.away-mail',
  version: 1,
  payload: z.object({ workspaceId: z.uuid(), conversationId: z.uuid() }),
  maxAttempts: 5,
  async run(p, services) {
    await withTenant(services.database.db, { workspaceId: p.workspaceId, userId: null }, async (tx) => {
      const conv = await lockConversation(tx, p.workspaceId, p.conversationId).catch(() => null);
      if (!conv || conv.channel !== 'web') return;
      await sendAwayMail(services, tx, conv);
    });
  },
});

/**
 * The replies the visitor has not seen (written after they were last connected, not emailed
 * yet) go in one email; none when they are connected again (the widget shows them). A visitor
 * whose address is suppressed or erased, or whose contact is restricted, is not written to: the
 * replies are marked with why, for the inbox to say.
 */
async function sendAwayMail(services: Services, tx: Tx, conv: ConversationRow): Promise<void> {
  const v = await readPresence(tx, conv);
  if (!v || connectedNow(v)) return;
  const unseen = await tx
    .select()
    .from(conversationMessages)
    .where(
      and(
        eq(conversationMessages.workspaceId, conv.workspaceId),
        eq(conversationMessages.conversationId, conv.id),
        eq(conversationMessages.authorKind, 'staff'),
        gt(conversationMessages.createdAt, v.lastSeenAt),
        sql`NOT (${conversationMessages.meta} ? 'emailed') AND NOT (${conversationMessages.meta} ? 'notEmailed')`,
      ),
    )
    .orderBy(asc(conversationMessages.seq))
    .limit(BATCH_MAX);
  if (!unseen.length) return;
  const ids = unseen.map((m) => m.id);
  const why = await notMailedBecause(tx, conv, v);
  if (why) {
    await tx
      .update(conversationMessages)
      .set({ meta: sql`${conversationMessages.meta} || ${JSON.stringify({ notEmailed: why })}::jsonb` })
      .where(and(eq(conversationMessages.workspaceId, conv.workspaceId), inArray(conversationMessages.id, ids)));
    await touchConversation(tx, conv, {});
    return;
  }
  const to = v.email!;
  const last = unseen.at(-1)!;
  const messageId = outboundMessageId(services, last.id);
  const settings = await ensureChannelSettings(tx, services, conv.workspaceId);
  const address = inboundAddress(services, settings);
  // Replies come back to this conversation even from a mail client that drops the threading headers.
  const replyAddress = conversationReplyAddress(services, settings.inboundToken, conv.workspaceId, conv.id);
  const ws = await workspaceProfile(tx, conv.workspaceId);
  const workspaceName = (ws?.name ?? 'Kestrel').replace(/["\\\r\n]/g, '');
  const authorIds = [...new Set(unseen.map((m) => m.authorUserId).filter((x): x is string => !!x))];
  const names = authorIds.length ? await tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, authorIds)) : [];
  const nameOf = new Map(names.map((n) => [n.id, firstName(n.name)]));
  const who = [...new Set(unseen.map((m) => nameOf.get(m.authorUserId ?? '') ?? 'The team'))];
  // Earlier emails of this conversation (the visitor's replies and ours) thread it.
  const headers: Record<string, string> = { 'Message-ID': messageId, 'Reply-To': replyAddress, ...(await threadHeaders(tx, conv, messageId)) };
  const link = await siteLink(services, tx, conv);
  // Each reply says who wrote it only when more than one person did.
  const label = (m: (typeof unseen)[number]) => (who.length > 1 ? `${nameOf.get(m.authorUserId ?? '') ?? 'The team'}:\n` : '');
  const lines = unseen.map((m) => `${label(m)}${m.body}`);
  const intro = `${who.join(' and ')} from ${workspaceName} replied to your message:`;
  const outro = `Reply to this email to answer; it reaches us in the same conversation.${link ? `\nOr continue on our site: ${link}` : ''}`;
  const text = `${intro}\n\n${lines.join('\n\n')}\n\n${outro}\n`;
  const html = [
    `<p>${escapeHtml(intro)}</p>`,
    ...unseen.map((m) => `<p>${who.length > 1 ? `<strong>${escapeHtml(nameOf.get(m.authorUserId ?? '') ?? 'The team')}</strong><br>` : ''}${m.body.split(/\n{2,}/).map((para) => escapeHtml(para).replace(/\n/g, '<br>')).join('<br><br>')}</p>`),
    `<p>Reply to this email to answer; it reaches us in the same conversation.${link ? `<br>Or continue on our site: <a href="${escapeHtml(link)}">${escapeHtml(link)}</a>` : ''}</p>`,
  ].join('');
  const subject = `${headers.References ? 'Re: ' : ''}Your conversation with ${workspaceName}`;
  await queueRenderedMail(tx, { from: `"${workspaceName}" <${address}>`, to, template: AWAY_MAIL_TEMPLATE, rendered: { subject, text, html }, headers });
  const at = new Date().toISOString();
  await tx
    .update(conversationMessages)
    .set({ meta: sql`${conversationMessages.meta} || ${JSON.stringify({ emailed: { at, to: maskEmail(to), status: 'queued' } })}::jsonb` })
    .where(and(eq(conversationMessages.workspaceId, conv.workspaceId), inArray(conversationMessages.id, ids)));
  // The last reply carries the email's Message-ID: the visitor's answer is threaded to it (receive-email).
  await tx.update(conversationMessages).set({ externalId: messageId }).where(and(eq(conversationMessages.workspaceId, conv.workspaceId), eq(conversationMessages.id, last.id)));
  await touchConversation(tx, conv, {});
}

/**
 * A link back to the page the visitor was on, only when that page is on one of the workspace's
 * allowed origins, and without the visitor's token: a forwarded email opens the site, never the
 * visitor's chat (the widget resumes it from the visitor's own browser).
 */
async function siteLink(services: Services, tx: Tx, conv: ConversationRow): Promise<string | null> {
  const [v] = await tx.select({ pageUrl: visitors.pageUrl }).from(visitors).where(and(eq(visitors.workspaceId, conv.workspaceId), eq(visitors.id, conv.visitorId)));
  if (!v?.pageUrl) return null;
  let url: URL;
  try {
    url = new URL(v.pageUrl);
  } catch {
    return null;
  }
  const allowed = (await readSettings(services, tx, conv.workspaceId))?.allowedOrigins ?? [];
  if (!allowed.includes(url.origin) || (url.protocol !== 'https:' && url.protocol !== 'http:')) return null;
  return `${url.origin}${url.pathname}`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** What the mail server made of an away email shows on its replies: sent, or failed with the reason. */
export async function awayMailOutcome(services: Services, outcome: MailOutcome): Promise<void> {
  const messageId = outcome.headers?.['Message-ID'];
  if (!messageId || !outcome.workspaceId) return;
  const workspaceId = outcome.workspaceId;
  await withTenant(services.database.db, { workspaceId, userId: null }, async (tx) => {
    const [last] = await tx.select().from(conversationMessages).where(and(eq(conversationMessages.workspaceId, workspaceId), eq(conversationMessages.externalId, messageId)));
    if (!last?.meta.emailed) return;
    const emailed = { ...last.meta.emailed, status: outcome.status, ...(outcome.status === 'failed' ? { error: explainMailError(outcome.error, outcome.willRetry).replace(/ ?Press Retry to send it again\.| ?Retry sends it now\./, '') } : { error: undefined }) };
    // Every reply of that email: the ones stamped with the same time and address in this conversation.
    await tx
      .update(conversationMessages)
      .set({ meta: sql`${conversationMessages.meta} || ${JSON.stringify({ emailed })}::jsonb` })
      .where(
        and(
          eq(conversationMessages.workspaceId, workspaceId),
          eq(conversationMessages.conversationId, last.conversationId),
          sql`${conversationMessages.meta}->'emailed'->>'at' = ${last.meta.emailed.at}`,
        ),
      );
    await touchConversation(tx, { workspaceId, id: last.conversationId }, {});
  });
}
