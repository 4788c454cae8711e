/**
 * CONV-6: one interface per channel. The inbox stores every message the same way; an adapter
 * only says how a reply leaves Kestrel and whether it may leave now. Web chat is the first
 * adapter; email and WhatsApp are one file each when built (not yet: no route answers for them).
 */
export interface OutboundMessage {
  workspaceId: string;
  conversationId: string;
  body: string;
}

export type SendCheck = { ok: true } | { ok: false; code: string; message: string };

export interface ChannelAdapter {
  name: 'web' | 'email' | 'whatsapp';
  /** Whether a reply can be delivered now (WhatsApp: the 24-hour window or an approved template). */
  canSend(message: OutboundMessage): Promise<SendCheck>;
  /** Delivers a stored reply. Web chat needs nothing: the visitor's stream reads it from the database. */
  deliver(message: OutboundMessage): Promise<void>;
}
