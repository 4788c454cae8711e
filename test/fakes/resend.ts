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

  /** Messages to an address. */
  sentTo(address: string) {
    return this.sent.filter((m) => [m.body.to].flat().includes(address));
  }
}
