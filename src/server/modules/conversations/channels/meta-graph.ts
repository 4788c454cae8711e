import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';

/**
 * CONV-6: what WhatsApp, Messenger and Instagram share, being one provider (Meta): the Graph API
 * over plain fetch, its error body, and the webhooks' two checks — the GET subscription challenge
 * and `X-Hub-Signature-256` over the raw body with the app secret.
 */

export const safeEqual = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Whether a webhook's `X-Hub-Signature-256` is `sha256=` + the hex HMAC-SHA256 of exactly these bytes with the app secret. */
export function hubSignatureMatches(appSecret: string | null | undefined, raw: Buffer, signature: string | undefined): boolean {
  if (!appSecret || !signature) return false;
  return safeEqual(signature, `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`);
}

/**
 * A webhook call's body, parsed only once `X-Hub-Signature-256` matches the connection's app
 * secret: else (no connection either) 401 and nothing is read. A body that is not JSON is a 400.
 */
export function readSignedWebhook<C extends { appSecret: string }>(connection: C | null, raw: Buffer, signature: string | undefined): { connection: C; body: unknown } {
  if (!connection || !hubSignatureMatches(connection.appSecret, raw, signature)) throw new AppError('bad_signature', 401, 'The X-Hub-Signature-256 header is missing or does not match.');
  try {
    return { connection, body: JSON.parse(raw.toString('utf8')) };
  } catch {
    throw new AppError('invalid_json', 400, 'The webhook body is not JSON.');
  }
}

/** Meta's subscription check: the challenge when `hub.mode=subscribe` comes with the verify token set for this channel, else null. */
export function hubChallenge(verifyToken: string | null | undefined, q: Record<string, string | undefined>): string | null {
  const token = q['hub.verify_token'] ?? '';
  if (q['hub.mode'] !== 'subscribe' || !verifyToken || !safeEqual(token, verifyToken) || !q['hub.challenge']) return null;
  return q['hub.challenge'];
}

/** CONV-6: free-form replies are allowed for 24 hours after the customer's last message (WhatsApp's customer-service window, Messenger's and Instagram's standard messaging window). */
export const WINDOW_MS = 24 * 60 * 60 * 1000;

export const windowClosesAt = (conv: { lastInboundAt: Date | null }): Date | null => (conv.lastInboundAt ? new Date(conv.lastInboundAt.getTime() + WINDOW_MS) : null);
export const windowOpen = (conv: { lastInboundAt: Date | null }, now = Date.now()) => {
  const closes = windowClosesAt(conv);
  return !!closes && closes.getTime() > now;
};

/** The Graph API's address of a path (WHATSAPP_GRAPH_URL is the Graph host of every Meta channel). */
export const graphUrl = (services: Services, path: string) => `${services.config.WHATSAPP_GRAPH_URL.replace(/\/+$/, '')}/${services.config.WHATSAPP_GRAPH_VERSION}/${path}`;

/** An error body of the Graph API: `{ error: { message, type, code, error_subcode, fbtrace_id } }`. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | null,
    readonly subcode: number | null,
    message: string,
    readonly fbtraceId: string | null,
  ) {
    super(message);
  }
}

/** The Graph API over plain fetch (Meta maintains no Node SDK for it; docs/decisions/014). */
export async function graph<T>(services: Services, token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const url = graphUrl(services, path);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(20_000),
    });
  } catch (error) {
    throw new GraphError(0, null, null, (error as Error).message, null);
  }
  const text = await response.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: reported below
  }
  if (!response.ok) {
    const err = json?.error ?? {};
    throw new GraphError(response.status, typeof err.code === 'number' ? err.code : null, typeof err.error_subcode === 'number' ? err.error_subcode : null, String(err.message ?? `HTTP ${response.status}`).slice(0, 300), err.fbtrace_id ?? null);
  }
  return json as T;
}

