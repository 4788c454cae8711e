import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { AppError } from '../../platform/http/errors';
import type { Services } from '../../platform/services';
import { insertContact } from '../crm';
import { hubChallenge, readSignedWebhook } from './channels/meta-graph';
import { openMetaConnection, type MetaPlatform } from './channels/meta-messaging';
import { appendMessage, touchConversation, type ConversationRow } from './conversation-rows';
import { channelSettings, conversationMessages, conversations, visitors } from './conversations.schema';
import { autoAssign } from './handoff';

const metaContext = (workspaceId: string, p: MetaPlatform): WorkspaceContext => ({ workspaceId, userId: null, role: 'admin', actorLabel: p.label });

async function settingsOf(services: Services, p: MetaPlatform, workspaceId: string) {
  const [row] = await withTenant(services.database.db, metaContext(workspaceId, p), (tx) => tx.select().from(channelSettings).where(eq(channelSettings.workspaceId, workspaceId)));
  return row;
}

/** CONV-6: Meta's subscription check for a Messenger or Instagram webhook: the challenge, with this channel's verify token only. */
export async function verifyMetaSubscription(services: Services, p: MetaPlatform, workspaceId: string, q: Record<string, string | undefined>): Promise<string> {
  const row = await settingsOf(services, p, workspaceId);
  const challenge = hubChallenge(row ? p.settings(row).verifyToken : null, q);
  if (challenge === null) throw new AppError('verification_failed', 403, `The verify token does not match this workspace’s ${p.label} settings.`);
  return challenge;
}

interface MessagingEvent {
  sender?: { id?: string };
  recipient?: { id?: string };
  timestamp?: number;
  message?: { mid?: string; text?: string; is_echo?: boolean; attachments?: { type?: string; payload?: { url?: string } }[] };
  delivery?: { mids?: string[]; watermark?: number };
  read?: { mid?: string; watermark?: number };
}

const senderId = /^\d{1,32}$/;
/** The latest instant a JavaScript Date holds. */
const MAX_DATE_MS = 8.64e15;

/**
 * CONV-6: a Messenger or Instagram webhook call. `X-Hub-Signature-256` must be the HMAC-SHA256
 * of the raw body with the channel's app secret, else 401 and nothing is read. Only entries for
 * the connected Page (or Instagram account) count; the Page's own echoes are skipped; a message
 * is stored once by its `mid` (a redelivery is ignored); deliveries and reads move replies forward.
 */
export async function receiveMetaWebhook(services: Services, p: MetaPlatform, workspaceId: string, raw: Buffer, signature: string | undefined): Promise<{ messages: number; statuses: number }> {
  const { connection, body } = readSignedWebhook(openMetaConnection(services, p, await settingsOf(services, p, workspaceId)), raw, signature);
  const payload = body as { object?: string; entry?: { id?: string; messaging?: MessagingEvent[] }[] };
  let messages = 0;
  let statuses = 0;
  if (payload?.object !== p.webhookObject || !Array.isArray(payload.entry)) return { messages, statuses };
  for (const entry of payload.entry) {
    if (String(entry?.id) !== connection.accountId || !Array.isArray(entry.messaging)) continue;
    for (const event of entry.messaging as (MessagingEvent | null)[]) {
      if (!event || typeof event !== 'object') continue;
      const from = String(event?.sender?.id ?? '');
      if (event.message && !event.message.is_echo && senderId.test(from)) {
        if (await storeInbound(services, p, workspaceId, from, event)) messages++;
      } else if (Array.isArray(event.delivery?.mids) && event.delivery.mids.length) statuses += await advance(services, p, workspaceId, event.delivery.mids, 'delivered');
      else if (typeof event.read?.mid === 'string') statuses += await advance(services, p, workspaceId, [event.read.mid], 'read');
    }
  }
  return { messages, statuses };
}

/** The body shown for a message: its text, else what it carried ("[image]", "[file]"…); files stay at Meta. */
function bodyOf(message: NonNullable<MessagingEvent['message']>): string {
  if (typeof message.text === 'string' && message.text) return message.text.slice(0, 4000);
  const kinds = (Array.isArray(message.attachments) ? message.attachments : []).map((a) => `[${String(a?.type ?? 'attachment').replace(/[^a-z_]/g, '').slice(0, 20) || 'attachment'}]`);
  return kinds.length ? kinds.join(' ') : '[message]';
}

async function storeInbound(services: Services, p: MetaPlatform, workspaceId: string, from: string, event: MessagingEvent): Promise<boolean> {
  const mid = event.message!.mid;
  if (typeof mid !== 'string' || !mid || mid.length > 300) return false;
  // A timestamp is milliseconds; one no date can hold (or none) is read as now.
  const at = new Date(typeof event.timestamp === 'number' && event.timestamp > 0 && event.timestamp < MAX_DATE_MS ? event.timestamp : Date.now());
  const ctx = metaContext(workspaceId, p);
  return withTenant(services.database.db, ctx, async (tx) => {
    const [seen] = await tx.select({ id: conversationMessages.id }).from(conversationMessages).where(and(eq(conversationMessages.workspaceId, workspaceId), eq(conversationMessages.externalId, mid)));
    if (seen) return false;
    const conv = (await latestConversation(tx, p, workspaceId, from)) ?? (await startConversation(tx, ctx, p, from));
    const { duplicate } = await appendMessage(tx, conv, { authorKind: 'visitor', body: bodyOf(event.message!), externalId: mid });
    if (duplicate) return false;
    const latest = conv.lastInboundAt && conv.lastInboundAt > at ? conv.lastInboundAt : at;
    await touchConversation(tx, conv, { status: 'open', holder: 'human', resolvedAt: null, snoozedUntil: null, lastInboundAt: latest });
    await autoAssign(services, tx, workspaceId);
    return true;
  });
}

async function latestConversation(tx: Tx, p: MetaPlatform, workspaceId: string, from: string): Promise<ConversationRow | null> {
  const [hit] = await tx
    .select({ conversation: conversations })
    .from(conversations)
    .innerJoin(visitors, and(eq(visitors.workspaceId, conversations.workspaceId), eq(visitors.id, conversations.visitorId)))
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.channel, p.channel), eq(visitors.channelUserId, from)))
    .orderBy(desc(conversations.lastMessageAt))
    .limit(1);
  return hit?.conversation ?? null;
}

/**
 * A new sender: a contact made through the CRM's own use case (source "messenger" / "instagram";
 * Meta's webhook names nobody, so no name is guessed), a visitor holding their PSID/IGSID as their
 * identity on this channel, and a conversation.
 */
async function startConversation(tx: Tx, ctx: WorkspaceContext, p: MetaPlatform, from: string): Promise<ConversationRow> {
  const contactId = await tx.transaction((sp) => insertContact(sp, ctx, { source: p.channel })).catch(() => null);
  const [visitor] = await tx.insert(visitors).values({ workspaceId: ctx.workspaceId, channelUserId: from, contactId }).returning();
  const [conv] = await tx.insert(conversations).values({ workspaceId: ctx.workspaceId, visitorId: visitor!.id, channel: p.channel, status: 'open', holder: 'human', contactId }).returning();
  return conv!;
}

const rank = { queued: 0, sent: 1, delivered: 2, read: 3, failed: 4 } as const;

/** Meta says replies were delivered or read: they move forward, never back, and a failed one stays failed. */
async function advance(services: Services, p: MetaPlatform, workspaceId: string, mids: unknown[], status: 'delivered' | 'read'): Promise<number> {
  const ids = mids.filter((m): m is string => typeof m === 'string' && m.length <= 300).slice(0, 100);
  if (!ids.length) return 0;
  return withTenant(services.database.db, metaContext(workspaceId, p), async (tx) => {
    const rows = await tx.select().from(conversationMessages).where(and(eq(conversationMessages.workspaceId, workspaceId), inArray(conversationMessages.externalId, ids), eq(conversationMessages.authorKind, 'staff')));
    let moved = 0;
    for (const m of rows) {
      if (m.deliveryStatus === 'failed' || rank[status] <= rank[m.deliveryStatus ?? 'queued']) continue;
      await tx.update(conversationMessages).set({ deliveryStatus: status }).where(and(eq(conversationMessages.workspaceId, workspaceId), eq(conversationMessages.id, m.id)));
      const [conv] = await tx.select().from(conversations).where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, m.conversationId)));
      await touchConversation(tx, conv!, {});
      moved++;
    }
    return moved;
  });
}
