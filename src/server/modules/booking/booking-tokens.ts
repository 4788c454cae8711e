import { hmac, safeEqual } from '../../platform/crypto/tokens';
import { notFound } from '../../platform/http/errors';

/**
 * BOOK-4: the attendee's reschedule and cancel links carry a token signed with the server's
 * session secret for one purpose and one booking; a cancel token cannot reschedule, and a token
 * of a booking that was moved or cancelled finds nothing to act on.
 */
export type TokenPurpose = 'reschedule' | 'cancel';

// 128 bits of HMAC-SHA256 are plenty for a link; short enough for a URL path segment.
const sign = (secret: string, purpose: TokenPurpose, workspaceId: string, bookingId: string) => hmac(secret, `booking:${purpose}:${workspaceId}:${bookingId}`).slice(0, 22);
const pack = (uuid: string) => Buffer.from(uuid.replaceAll('-', ''), 'hex').toString('base64url');
const unpack = (s: string) => {
  const hex = Buffer.from(s, 'base64url').toString('hex');
  return hex.length === 32 ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` : null;
};

export function bookingToken(secret: string, purpose: TokenPurpose, workspaceId: string, bookingId: string): string {
  return `${pack(workspaceId)}.${pack(bookingId)}.${sign(secret, purpose, workspaceId, bookingId)}`;
}

export function readBookingToken(secret: string, purpose: TokenPurpose, token: string): { workspaceId: string; bookingId: string } {
  const [ws, id, mac, ...rest] = token.split('.');
  const workspaceId = ws && /^[\w-]{22}$/.test(ws) ? unpack(ws) : null;
  const bookingId = id && /^[\w-]{22}$/.test(id) ? unpack(id) : null;
  if (rest.length || !workspaceId || !bookingId || !mac || !safeEqual(mac, sign(secret, purpose, workspaceId, bookingId))) throw notFound('Booking');
  return { workspaceId, bookingId };
}
