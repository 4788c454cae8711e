import { createHash } from 'node:crypto';
import { hmac, safeEqual } from '../../../platform/crypto/tokens';
import { notFound } from '../../../platform/http/errors';

/**
 * MAIL-4: an unsubscribe link names one outreach message (workspace and message id) and is
 * signed with the server's secret for this one purpose, so it cannot be forged for another
 * address or turned into anything but an unsubscribe.
 */
const sign = (secret: string, workspaceId: string, messageId: string) => hmac(secret, `outreach:unsubscribe:${workspaceId}:${messageId}`).slice(0, 22);
const pack = (uuid: string) => Buffer.from(uuid.replaceAll('-', ''), 'hex').toString('base64url');
const unpack = (s: string) => {
  const hex = Buffer.from(s, 'base64url').toString('hex');
  return hex.length === 32 ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` : null;
};

export function unsubscribeToken(secret: string, workspaceId: string, messageId: string): string {
  return `${pack(workspaceId)}.${pack(messageId)}.${sign(secret, workspaceId, messageId)}`;
}

export function readUnsubscribeToken(secret: string, token: string): { workspaceId: string; messageId: string } {
  const [ws, id, mac, ...rest] = token.split('.');
  const workspaceId = ws && /^[\w-]{22}$/.test(ws) ? unpack(ws) : null;
  const messageId = id && /^[\w-]{22}$/.test(id) ? unpack(id) : null;
  if (rest.length || !workspaceId || !messageId || !mac || !safeEqual(mac, sign(secret, workspaceId, messageId))) throw notFound('Unsubscribe link');
  return { workspaceId, messageId };
}

/** MAIL-4: how a suppression names an address: never the address itself. */
export const addressHash = (address: string): string => createHash('sha256').update(address.trim().toLowerCase()).digest('hex');
