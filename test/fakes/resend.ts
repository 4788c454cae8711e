import { createHmac, randomUUID } from 'node:crypto';
import { FakeProvider, route, type FakeRequest, type FakeResponse } from './harness';

/** An email as Resend Inbound's receiving API answers it, with the attachment files the fake serves. */
interface ReceivedEmail {
  object: 'email';
  id: string;
  to: string[];
  from: string;
  created_at: string;
  subject: string;
  html: string | null;
  text: string | null;
  headers: Record<string, string>;
  bcc: string[];
  cc: string[];
  reply_to: string[];
  received_for: string[];
  message_id: string;
  attachments: { id: string; filename: string; content_type: string; content_disposition: 'attachment' }[];
  attachmentFiles: { id: string; filename: string; content_type: string; content_disposition: 'attachment'; content: Buffer }[];
}

/**
 * A local Resend (STYLE 13, 18): `POST /emails` as the official `resend` SDK sends it, with a
 * Bearer key and an optional `Idempotency-Key` (a repeated key answers the first message's id
 * and sends nothing new), and Resend's error body `{ statusCode, name, message }`. Resend
 * Inbound too: `GET /emails/receiving/:id` and `…/:id/attachments` (with download URLs it serves),
 * and the `email.received` webhook signed as Resend signs it ({@link FakeResend.receive}).
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

  /** Emails Resend Inbound received, as its receiving API answers them (`GET /emails/receiving/:id`). */
  readonly received = new Map<string, ReceivedEmail>();

  protected routes = [
    route('POST', '/emails/batch', (r) => this.sendBatch(r)),
    route('POST', '/emails', (r) => this.send(r)),
    route('GET', '/emails/receiving/:id/attachments', (r) => this.authorised(r) ?? this.attachmentsOf(r.params.id!)),
    route('GET', '/emails/receiving/:id', (r) => this.authorised(r) ?? this.receivedEmail(r.params.id!)),
    route('GET', '/attachment-download/:id', (r) => {
      const a = [...this.received.values()].flatMap((e) => e.attachmentFiles).find((x) => x.id === r.params.id);
      return a ? { status: 200, raw: a.content, headers: { 'content-type': a.content_type } } : { status: 404, raw: '' };
    }),
  ];

  private authorised(r: FakeRequest): FakeResponse | undefined {
    return r.headers.authorization === `Bearer ${this.apiKey}` ? undefined : { status: 401, body: this.errorBody(401, 'API key is invalid') };
  }

  private receivedEmail(id: string): FakeResponse {
    const e = this.received.get(id);
    if (!e) return { status: 404, body: { statusCode: 404, name: 'not_found', message: 'Email not found' } };
    const { attachmentFiles: _files, ...email } = e;
    return { status: 200, body: email };
  }

  private attachmentsOf(id: string): FakeResponse {
    const e = this.received.get(id);
    if (!e) return { status: 404, body: { statusCode: 404, name: 'not_found', message: 'Email not found' } };
    const data = e.attachmentFiles.map(({ content, ...a }) => ({ ...a, size: content.length, download_url: `${this.url}/attachment-download/${a.id}`, expires_at: new Date(Date.now() + 3600_000).toISOString() }));
    return { status: 200, body: { object: 'list', has_more: false, data } };
  }

  /**
   * An email arrives at Resend Inbound: stored for the receiving API, and the signed
   * `email.received` event (metadata only, as Resend sends it) returned for the test to post.
   */
  receive(
    secret: string,
    m: { from: string; to: string[]; subject: string; text?: string; html?: string; messageId?: string; headers?: Record<string, string>; attachments?: { filename: string; contentType: string; content: Buffer }[] },
    at = new Date(),
  ): { emailId: string; messageId: string; raw: string; headers: Record<string, string> } {
    const id = randomUUID();
    const messageId = m.messageId ?? `<${randomUUID()}@mail.customer.test>`;
    const files = (m.attachments ?? []).map((a) => ({ id: randomUUID(), filename: a.filename, content_type: a.contentType, content_disposition: 'attachment' as const, content: a.content }));
    const meta = files.map(({ content: _c, ...a }) => a);
    const email: ReceivedEmail = {
      object: 'email',
      id,
      to: m.to,
      from: m.from,
      created_at: at.toISOString(),
      subject: m.subject,
      html: m.html ?? null,
      text: m.text ?? null,
      headers: { 'message-id': messageId, ...(m.headers ?? {}) },
      bcc: [],
      cc: [],
      reply_to: [],
      received_for: m.to,
      message_id: messageId,
      attachments: meta,
      attachmentFiles: files,
    };
    this.received.set(id, email);
    const event = this.signedEvent(secret, { type: 'email.received', data: { email_id: id, created_at: email.created_at, from: m.from, to: m.to, bcc: [], cc: [], message_id: messageId, subject: m.subject, attachments: meta } }, at);
    return { emailId: id, messageId, ...event };
  }

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
   * `POST /emails/batch` as `resend.batch.send` sends it: a JSON array of up to 100 emails (no
   * attachments), `x-batch-validation: strict` (any invalid email refuses the whole call, 422) and
   * an optional `Idempotency-Key` for the whole call (a repeated key answers the first call's ids and
   * sends nothing new). Answers `{ data: [{ id }, …] }` in the order sent.
   */
  private sendBatch(r: FakeRequest): FakeResponse {
    if (r.headers.authorization !== `Bearer ${this.apiKey}`) return { status: 401, body: this.errorBody(401, 'API key is invalid') };
    const body = r.body as Record<string, any>[] | undefined;
    if (!Array.isArray(body) || !body.length) return { status: 422, body: { statusCode: 422, name: 'validation_error', message: 'The body must be an array of emails.' } };
    if (body.length > 100) return { status: 422, body: { statusCode: 422, name: 'validation_error', message: 'Too many emails: at most 100 per batch.' } };
    const invalid = body.findIndex((e) => !e?.from || !e.to || !e.subject || e.attachments);
    if (invalid >= 0) return { status: 422, body: { statusCode: 422, name: 'validation_error', message: `emails[${invalid}]: missing \`from\`, \`to\` or \`subject\`, or has attachments.` } };
    const key = typeof r.headers['idempotency-key'] === 'string' ? r.headers['idempotency-key'] : null;
    const earlier = key ? this.batchByKey.get(key) : undefined;
    if (earlier) return { status: 200, body: { data: earlier.map((id) => ({ id })) } };
    const ids = body.map((email) => {
      const id = `re_${this.sent.length + 1}_${Math.random().toString(36).slice(2, 8)}`;
      this.sent.push({ id, body: email, idempotencyKey: key });
      return id;
    });
    if (key) this.batchByKey.set(key, ids);
    this.batches.push({ ids, idempotencyKey: key, validation: typeof r.headers['x-batch-validation'] === 'string' ? r.headers['x-batch-validation'] : null });
    return { status: 200, body: { data: ids.map((id) => ({ id })) } };
  }

  /** Batch calls accepted (`POST /emails/batch`), in order: the ids of their emails, the key, the validation mode. */
  readonly batches: { ids: string[]; idempotencyKey: string | null; validation: string | null }[] = [];
  private readonly batchByKey = new Map<string, string[]>();

  /**
   * A webhook as Resend sends it: Standard Webhooks (Svix) headers, the signature an HMAC-SHA256
   * of `id.timestamp.body` with the base64 key of the `whsec_` secret. `at` moves the clock.
   */
  signedEvent(secret: string, event: { type: string; data: Record<string, unknown> }, at = new Date()): { raw: string; headers: Record<string, string> } {
    return this.signedRaw(secret, JSON.stringify({ ...event, created_at: at.toISOString() }), at);
  }

  /** Any body, signed as Resend signs its webhooks (INT-4: bodies of another shape). */
  signedRaw(secret: string, raw: string, at = new Date()): { raw: string; headers: Record<string, string> } {
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
