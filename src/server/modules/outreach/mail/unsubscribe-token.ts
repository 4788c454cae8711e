import { createHash } from 'node:crypto';
import { hmac, safeEqual } from '../../../platform/crypto/tokens';
import { notFound } from '../../../platform/http/errors';

/**
 * MAIL-4: a link that names one record (workspace and id) and is signed with the server's secret
 * for one purpose, so it cannot be forged for another record nor turned into another action: an
 * unsubscribe link names an outreach message, a double opt-in link its request.
 */
type LinkPurpose = 'unsubscribe' | 'opt-in';
const sign = (secret: string, purpose: LinkPurpose, workspaceId: string, id: string) => hmac(secret, `outreach:${purpose}:${workspaceId}:${id}`).slice(0, 22);
const pack = (uuid: string) => Buffer.from(uuid.replaceAll('-', ''), 'hex').toString('base64url');
const unpack = (s: string) => {
  const hex = Buffer.from(s, 'base64url').toString('hex');
  return hex.length === 32 ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` : null;
};

export function signedLinkToken(secret: string, purpose: LinkPurpose, workspaceId: string, id: string): string {
  return `${pack(workspaceId)}.${pack(id)}.${sign(secret, purpose, workspaceId, id)}`;
}

export function readSignedLinkToken(secret: string, purpose: LinkPurpose, token: string, what: string): { workspaceId: string; id: string } {
  const [ws, ref, mac, ...rest] = token.split('.');
  const workspaceId = ws && /^[\w-]{22}$/.test(ws) ? unpack(ws) : null;
  const id = ref && /^[\w-]{22}$/.test(ref) ? unpack(ref) : null;
  if (rest.length || !workspaceId || !id || !mac || !safeEqual(mac, sign(secret, purpose, workspaceId, id))) throw notFound(what);
  return { workspaceId, id };
}

export const unsubscribeToken = (secret: string, workspaceId: string, messageId: string): string => signedLinkToken(secret, 'unsubscribe', workspaceId, messageId);

export function readUnsubscribeToken(secret: string, token: string): { workspaceId: string; messageId: string } {
  const { workspaceId, id } = readSignedLinkToken(secret, 'unsubscribe', token, 'Unsubscribe link');
  return { workspaceId, messageId: id };
}

/** MAIL-4: how a suppression names an address: never the address itself. */
export const addressHash = (address: string): string => createHash('sha256').update(address.trim().toLowerCase()).digest('hex');
