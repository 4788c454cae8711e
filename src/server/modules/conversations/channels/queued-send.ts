import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import { withTenant } from '../../../platform/db/tenant';
import type { Services } from '../../../platform/services';
import { readConversation, touchConversation, type ConversationRow, type MessageRow } from '../conversation-rows';
import { conversationMessages } from '../conversations.schema';

/** A queued reply claimed for one attempt: what to send, to whom, and how to save the provider's answer. */
export interface ClaimedReply<C> {
  message: MessageRow;
  conv: ConversationRow;
  connection: C;
  recipient: string;
  /** The reply's meta without the attempt on record (what `record` should keep). */
  baseMeta: Omit<MessageRow['meta'], 'sendAttempt'>;
  /** Saves changes to the reply and touches its conversation, in a transaction of their own. */
  record(changes: Partial<MessageRow>): Promise<void>;
  /** Marks the reply failed with the reason in words. */
  fail(why: string): Promise<void>;
}

/**
 * CONV-6 (decision 014): the start of sending a queued reply through a provider that takes no
 * idempotency key (WhatsApp, Messenger, Instagram), so that a reply is never sent twice. The
 * reply is locked; one already taken, failed or erased is left alone. An attempt already on
 * record means its answer was lost: the channel may wait for word of it (`waitForEarlier` answers
 * the error to throw), else the reply is shown failed with `unknownOutcome`. Otherwise this
 * attempt is put on record — committed — before anything leaves. A missing connection or
 * recipient fails the reply in words. Null: nothing to send now.
 */
export async function claimQueuedReply<C>(
  services: Services,
  workspaceId: string,
  messageId: string,
  channel: {
    label: string;
    noRecipient: string;
    unknownOutcome: string;
    waitForEarlier?: (earlier: { at: string }) => Error | null;
    open(tx: Tx, conv: ConversationRow): Promise<{ connection: C | null; recipient: string | null }>;
  },
): Promise<ClaimedReply<C> | null> {
  const { db } = services.database;
  const ctx = { workspaceId, userId: null };
  const where = and(eq(conversationMessages.workspaceId, workspaceId), eq(conversationMessages.id, messageId));
  const found = await withTenant(db, ctx, async (tx) => {
    const [message] = await tx.select().from(conversationMessages).where(where).for('update');
    // Erased meanwhile (CONV-7), already accepted, or already failed: nothing to send.
    if (!message || message.externalId || message.deliveryStatus !== 'queued') return null;
    const conv = await readConversation(tx, workspaceId, message.conversationId);
    if (message.meta.sendAttempt) {
      const waiting = channel.waitForEarlier?.(message.meta.sendAttempt) ?? null;
      if (waiting) return { waiting };
      const { sendAttempt: _unknown, ...meta } = message.meta;
      await tx.update(conversationMessages).set({ deliveryStatus: 'failed', meta: { ...meta, error: channel.unknownOutcome } }).where(where);
      await touchConversation(tx, conv, {});
      return null;
    }
    const { connection, recipient } = await channel.open(tx, conv);
    // The attempt is on record (committed) before anything leaves.
    if (connection && recipient) await tx.update(conversationMessages).set({ meta: { ...message.meta, sendAttempt: { at: new Date().toISOString() } } }).where(where);
    return { waiting: null, message, conv, connection, recipient };
  });
  if (!found) return null;
  if (found.waiting) throw found.waiting;
  const { message, conv, connection, recipient } = found;
  const { sendAttempt: _attempt, ...baseMeta } = message.meta;
  const record = (changes: Partial<MessageRow>) =>
    withTenant(db, ctx, async (tx) => {
      await tx.update(conversationMessages).set(changes).where(where);
      await touchConversation(tx, conv, {});
    });
  const fail = (why: string) => record({ deliveryStatus: 'failed', meta: { ...baseMeta, error: why } });
  if (!connection) return fail(`${channel.label} is not connected. Connect it in Settings → Channels.`).then(() => null);
  if (!recipient) return fail(channel.noRecipient).then(() => null);
  return { message, conv, connection, recipient, baseMeta, record, fail };
}
