import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Services } from '../../platform/services';

/**
 * CONV-6: an address that names one conversation, `<inbound token>+c<conversation id><tag>@<domain>`,
 * used as the Reply-To of a reply emailed to a web visitor who had left. Their answer is threaded by
 * Message-ID first; this address brings it to the same conversation when their mail client kept
 * neither In-Reply-To nor References. The tag (HMAC with the session secret, 40 bits) keeps anyone
 * who knows the workspace's public inbound address from writing into a conversation by its id.
 * The local part is 62 characters (RFC 5321 allows 64).
 */
const LOCAL = /^([a-f0-9]{18})(?:\+c([0-9a-f]{32})([0-9a-f]{10}))?$/;

const tagOf = (services: Services, workspaceId: string, conversationId: string) =>
  createHmac('sha256', services.secrets.sessionSecret).update(`conversation-reply:${workspaceId}:${conversationId}`).digest('hex').slice(0, 10);

const hex = (uuid: string) => uuid.replace(/-/g, '');
const uuidOf = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;

export function conversationReplyAddress(services: Services, inboundToken: string, workspaceId: string, conversationId: string): string {
  return `${inboundToken}+c${hex(conversationId)}${tagOf(services, workspaceId, conversationId)}@${services.config.INBOUND_MAIL_DOMAIN}`;
}

/** The inbound token an address at the inbound domain names, and the conversation it may name (its tag checked later, per workspace). */
export function parseInboundAddress(services: Services, address: string): { token: string; conversation: { id: string; tag: string } | null } | null {
  const at = address.lastIndexOf('@');
  if (at < 1 || address.slice(at + 1).toLowerCase() !== services.config.INBOUND_MAIL_DOMAIN) return null;
  const m = LOCAL.exec(address.slice(0, at).toLowerCase());
  if (!m) return null;
  return { token: m[1]!, conversation: m[2] ? { id: uuidOf(m[2]), tag: m[3]! } : null };
}

/** The conversation a received mail's recipients name for this workspace (the tag must be right), or null. */
export function conversationNamedBy(services: Services, workspaceId: string, addresses: string[]): string | null {
  for (const address of addresses) {
    const conversation = parseInboundAddress(services, address)?.conversation;
    if (!conversation) continue;
    const want = Buffer.from(tagOf(services, workspaceId, conversation.id));
    if (timingSafeEqual(want, Buffer.from(conversation.tag))) return conversation.id;
  }
  return null;
}
