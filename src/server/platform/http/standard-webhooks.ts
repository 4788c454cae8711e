import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a webhook's signed timestamp may be from now (Standard Webhooks' usual five minutes). */
const TOLERANCE_SECONDS = 5 * 60;

/**
 * Standard Webhooks (Svix), as Resend signs its delivery events and inbound emails: the signature
 * header holds one or more `v1,<base64>` HMAC-SHA256 of `<id>.<timestamp>.<raw body>` keyed with the
 * base64 part of `whsec_…`; the timestamp must be within five minutes of now. Replays are refused
 * by the caller (by id), which knows where its events are stored.
 */
export function verifyStandardWebhook(secret: string, headers: { id?: string; timestamp?: string; signature?: string }, raw: Buffer | string, nowMs = Date.now()): boolean {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = Buffer.from(createHmac('sha256', key).update(`${id}.${timestamp}.`).update(raw).digest('base64'));
  return signature.split(' ').some((part) => {
    const [version, sig] = part.split(',');
    const given = Buffer.from(sig ?? '');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}
