import type { z } from 'zod';
import type { Tx } from '../../../platform/db/database';
import { enqueue, type JobDefinition } from '../../../platform/jobs/jobs';
import type { Services } from '../../../platform/services';
import type { ConversationRow, MessageRow } from '../conversation-rows';
import type { MessageMeta } from '../conversations.contract';

/**
 * CONV-6: one interface per channel. The inbox stores every message the same way; an adapter
 * only says whether a reply may leave now, and how it leaves: queued in the reply's own
 * transaction (the mail outbox, a job), so a rolled-back reply never leaves and a committed one
 * is retried until the provider answers; the answer decides what the delivery status shows.
 */
export interface OutboundReply {
  body: string;
  /** WhatsApp outside the 24-hour window: an approved template with its parameters. */
  template?: { name: string; language: string; params: string[] };
}

export type SendCheck = { ok: true; meta?: MessageMeta; body?: string } | { ok: false; code: string; message: string };

export interface ChannelAdapter {
  name: ConversationRow['channel'];
  /** Whether a reply can be delivered now (WhatsApp: the 24-hour window or an approved template). */
  canSend(tx: Tx, conv: ConversationRow, reply: OutboundReply): Promise<SendCheck>;
  /** Status a stored reply starts with: null where the channel has none (web chat). */
  initialStatus: MessageRow['deliveryStatus'];
  /** Queues the reply inside its transaction (email: the platform mail outbox; WhatsApp: a send job). */
  enqueue?(tx: Tx, services: Services, conv: ConversationRow, message: MessageRow): Promise<void>;
  /** True when `enqueue` never changes the stored reply (web chat), so it is shown from the insert's answer without reading it back. */
  enqueueKeepsMessage?: boolean;
  /** Sends a failed reply again now; false when this channel cannot (then it must be written anew). */
  retry?(tx: Tx, services: Services, conv: ConversationRow, message: MessageRow): Promise<boolean>;
}

/**
 * CONV-6: how a reply leaves where a provider's API sends it (WhatsApp, Messenger, Instagram):
 * queued with the send job in the reply's own transaction; sent again after a failure only if
 * the provider never took it — one with the provider's id is spent there, so it is written anew.
 */
export function sentByJob(sendJob: JobDefinition<z.ZodType>): Pick<ChannelAdapter, 'initialStatus' | 'enqueue' | 'retry'> {
  const queue = (tx: Tx, conv: ConversationRow, message: MessageRow) => enqueue(tx, sendJob, { workspaceId: conv.workspaceId, messageId: message.id }, { workspaceId: conv.workspaceId });
  return {
    initialStatus: 'queued',
    async enqueue(tx, _services, conv, message) {
      await queue(tx, conv, message);
    },
    async retry(tx, _services, conv, message) {
      if (message.externalId) return false;
      await queue(tx, conv, message);
      return true;
    },
  };
}
