import { createHmac, randomUUID } from 'node:crypto';
import { FakeProvider, route, type FakeRequest, type FakeResponse } from './harness';

/**
 * A local Resend (STYLE 13, 18): `POST /emails` as the official `resend` SDK sends it, with a
 * Bearer key and an optional `Idempotency-Key` (a repeated key answers the first message's id
 * and sends nothing new), and Resend's error body `{ statusCode, name, message }`.
 */
export class FakeResend extends FakeProvider {
  /** Messages accepted, in order (a replayed idempotency key adds none). */
  readonly sent: { id: string; body: Record<string, any>; idempotencyKey: string | null }[] = [];
  private readonly byKey = new Map<string, string>();

  constructor(readonly apiKey = 're_test_key') {
    super();
  }

  protected errorBody(statusCode: number, message: string) {
    const name = statusCode === 429 ? 'rate_limit_exceeded' : statusCode === 401 ? 'validation_error' : statusCode >= 500 ? 'application_error' : 'invalid_request';
    return { statusCode, name, message };
  }

  protected routes = [route('POST', '/emails', (r) => this.send(r))];

  private send(r: FakeRequest): FakeResponse {
    if (r.headers.authorization !== `Bearer ${this.apiKey}`) return { status: 401, body: this.errorBody(401, 'API key is invalid') };
    const body = r.body as Record<string, any> | undefined;
    if (!body?.from || !body.to || !body.subject) return { status: 422, body: { statusCode: 422, name: 'missing_required_field', message: 'Missing `from`, `to` or `subject`.' } };
    const key = typeof r.headers['idempotency-key'] === 'string' ? r.headers['idempotency-key'] : null;
    const earlier = key ? this.byKey.get(key) : undefined;
    if (earlier) return { status: 200, body: { id: earlier } };
    const id = `re_${this.sent.length + 1}_${Math.random().toString(36).slice(2, 8)}`;
    this.sent.push({ id, body, idempotencyKey: key });
    if (key) this.byKey.set(key, id);
    return { status: 200, body: { id } };
  }

  /**
   * A webhook as Resend sends it: Standard Webhooks (Svix) headers, the signature an HMAC-SHA256
   * of `id.timestamp.body` with the base64 key of the `whsec_` secret. `at` moves the clock.
   */
  signedEvent(secret: string, event: { type: string; data: Record<string, unknown> }, at = new Date()): { raw: string; headers: Record<string, string> } {
    const raw = JSON.stringify({ ...event, created_at: at.toISOString() });
    const id = `msg_${randomUUID().replaceAll('-', '')}`;
    const timestamp = String(Math.floor(at.getTime() / 1000));
    const signature = createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64')).update(`${id}.${timestamp}.${raw}`).digest('base64');
    return { raw, headers: { 'svix-id': id, 'svix-timestamp': timestamp, 'svix-signature': `v1,${signature}` } };
  }

  /** Messages to an address. */
  sentTo(address: string) {
    return this.sent.filter((m) => [m.body.to].flat().includes(address));
  }
}
