import { hmac, safeEqual } from '../../platform/crypto/tokens';

/**
 * CONV-1, CONV-7: a visitor reads only its own conversation. The widget keeps a token that names
 * the visitor and conversation and is signed with the server's secret, so ids alone (which are
 * not secret) open nothing and a token of one workspace is worthless in another.
 */
export function signVisitorToken(secret: string, workspaceId: string, visitorId: string, conversationId: string): string {
  return `${visitorId}.${conversationId}.${hmac(secret, `visitor:${workspaceId}:${visitorId}:${conversationId}`)}`;
}

export function readVisitorToken(secret: string, workspaceId: string, token: string): { visitorId: string; conversationId: string } | null {
  const [visitorId, conversationId, sig, extra] = token.split('.');
  if (!visitorId || !conversationId || !sig || extra !== undefined) return null;
  const expected = hmac(secret, `visitor:${workspaceId}:${visitorId}:${conversationId}`);
  return safeEqual(sig, expected) ? { visitorId, conversationId } : null;
}
