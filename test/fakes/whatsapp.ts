import { createHmac, randomBytes } from 'node:crypto';
import { FakeProvider, route, type FakeRequest, type FakeResponse } from './harness';

/**
 * A local WhatsApp Business Cloud API (STYLE 13, 18) speaking the Graph API's wire format:
 * `POST /{version}/{phone-number-id}/messages` (text and template messages, with the 24-hour
 * customer-service window enforced as WhatsApp does: error 131047), `GET /{version}/{media-id}`
 * and the media download it points at, `GET /{version}/{waba-id}/message_templates`, and
 * `GET /{version}/{phone-number-id}`, `POST /{version}/{phone-number-id}/media` (multipart upload)
 * and document messages (by media id; a template with a DOCUMENT header takes one as its header
 * parameter). A message's `biz_opaque_callback_data` comes back in its statuses, as Meta's webhooks
 * carry it. Errors use Graph's body
 * `{ error: { message, type, code, error_subcode, fbtrace_id } }`. It also plays Meta's side of
 * the webhooks: `inbound()` and `status()` deliver signed (`X-Hub-Signature-256`) change
 * notifications to Kestrel. Meta maintains no Node SDK for the Cloud API (docs/decisions/014),
 * so Kestrel and the tests speak it with plain fetch, as Meta's docs show.
 */
export interface FakeTemplate {
  name: string;
  language: string;
  status: 'APPROVED' | 'PENDING' | 'REJECTED';
  category: string;
  body: string;
  /** A HEADER component's format, when the template has one (DOCUMENT: a file sent with it). */
  header?: 'DOCUMENT' | 'IMAGE' | 'TEXT';
}

export interface SentMessage {
  id: string;
  to: string;
  type: string;
  body: any;
  /** `biz_opaque_callback_data` as sent: WhatsApp echoes it in the message's statuses. */
  callbackData?: string;
}

export class FakeWhatsapp extends FakeProvider {
  readonly token = `EAAG${randomBytes(12).toString('hex')}`;
  readonly appSecret = randomBytes(16).toString('hex');
  readonly phoneNumberId = '106540352242922';
  readonly wabaId = '102290129340398';
  readonly displayPhone = '+1 555-010-0199';
  templates: FakeTemplate[] = [
    { name: 'order_update', language: 'en_US', status: 'APPROVED', category: 'UTILITY', body: 'Hi {{1}}, your order {{2}} is ready for pickup.' },
    { name: 'follow_up', language: 'en_US', status: 'APPROVED', category: 'MARKETING', body: 'Hello! Can we help with anything else?' },
    { name: 'spring_sale', language: 'en_US', status: 'PENDING', category: 'MARKETING', body: 'Our spring sale starts {{1}}.' },
  ];
  readonly sent: SentMessage[] = [];
  readonly media = new Map<string, { mimeType: string; data: Buffer }>();
  /** The customer's last message per wa_id, in ms: free-form text is refused 24 hours after it. */
  readonly lastInbound = new Map<string, number>();
  private seq = 0;

  protected errorBody(status: number, message: string) {
    return graphError(status === 401 ? 190 : status === 429 ? 130429 : status >= 500 ? 1 : 100, message, status === 401 ? 'OAuthException' : status >= 500 ? 'FacebookApiException' : 'OAuthException');
  }

  protected routes = [
    route('POST', '/:version/:phone/messages', (r) => this.authorised(r) ?? this.send(r)),
    route('POST', '/:version/:phone/media', (r) => this.authorised(r) ?? this.upload(r)),
    route('GET', '/:version/:waba/message_templates', (r) => this.authorised(r) ?? this.listTemplates(r)),
    route('GET', '/media-download/:id', (r) => {
      const m = this.media.get(r.params.id!);
      if (this.authorised(r) || !m) return { status: 404, raw: '' };
      return { status: 200, raw: m.data, headers: { 'content-type': m.mimeType } };
    }),
    route('GET', '/:version/:id', (r) => this.authorised(r) ?? this.node(r)),
  ];

  private authorised(r: FakeRequest): FakeResponse | undefined {
    if (r.headers.authorization !== `Bearer ${this.token}`) return { status: 401, body: graphError(190, 'Invalid OAuth access token - Cannot parse access token', 'OAuthException') };
    return undefined;
  }

  private node(r: FakeRequest): FakeResponse {
    const id = r.params.id!;
    if (id === this.phoneNumberId) return { status: 200, body: { verified_name: 'Crumb Bakery', display_phone_number: this.displayPhone, id, quality_rating: 'GREEN' } };
    const m = this.media.get(id);
    if (m) return { status: 200, body: { messaging_product: 'whatsapp', url: `${this.url}/media-download/${id}`, mime_type: m.mimeType, sha256: 'x', file_size: m.data.length, id } };
    return { status: 400, body: graphError(100, `Unsupported get request. Object with ID '${id}' does not exist`, 'GraphMethodException', 33) };
  }

  private listTemplates(r: FakeRequest): FakeResponse {
    if (r.params.waba !== this.wabaId) return { status: 400, body: graphError(100, 'Invalid parameter', 'OAuthException') };
    const data = this.templates.map((t, i) => ({ id: String(9000 + i), name: t.name, language: t.language, status: t.status, category: t.category, components: [...(t.header ? [{ type: 'HEADER', format: t.header }] : []), { type: 'BODY', text: t.body }] }));
    return { status: 200, body: { data, paging: { cursors: { before: 'MAZDZD', after: 'MjQZD' } } } };
  }

  /** `POST /{phone-number-id}/media`: a multipart upload (messaging_product, type, file) answered with the media id. */
  private async upload(r: FakeRequest): Promise<FakeResponse> {
    if (r.params.phone !== this.phoneNumberId) return { status: 400, body: graphError(100, 'Invalid parameter', 'OAuthException', 33) };
    let form: FormData;
    try {
      form = await new Request('http://fake/', { method: 'POST', body: new Uint8Array(r.bytes), headers: { 'content-type': String(r.headers['content-type'] ?? '') } }).formData();
    } catch {
      return { status: 400, body: graphError(100, 'The parameter file is required.', 'OAuthException') };
    }
    const file = form.get('file');
    if (form.get('messaging_product') !== 'whatsapp') return { status: 400, body: graphError(100, 'The parameter messaging_product is required.', 'OAuthException') };
    if (!(file instanceof Blob) || !file.size) return { status: 400, body: graphError(100, 'The parameter file is required.', 'OAuthException') };
    const type = String(form.get('type') ?? file.type);
    if (!['application/pdf', 'image/jpeg', 'image/png', 'text/plain'].includes(type)) return { status: 400, body: graphError(131053, 'Media upload error: unsupported type', 'OAuthException') };
    const id = String(800000 + ++this.seq);
    this.media.set(id, { mimeType: type, data: Buffer.from(await file.arrayBuffer()) });
    return { status: 200, body: { id } };
  }

  private send(r: FakeRequest): FakeResponse {
    if (r.params.phone !== this.phoneNumberId) return { status: 400, body: graphError(100, 'Invalid parameter', 'OAuthException', 33) };
    const b = r.body ?? {};
    if (b.messaging_product !== 'whatsapp' || typeof b.to !== 'string') return { status: 400, body: graphError(100, 'The parameter messaging_product is required.', 'OAuthException') };
    if (b.type === 'template') {
      const t = this.templates.find((x) => x.name === b.template?.name && x.language === b.template?.language?.code && x.status === 'APPROVED');
      if (!t) return { status: 404, body: graphError(132001, `(#132001) Template name does not exist in the translation`, 'OAuthException', 2494073) };
      const wanted = new Set([...t.body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => m[1])).size;
      const given = b.template.components?.find((c: any) => c.type === 'body')?.parameters?.length ?? 0;
      if (wanted !== given) return { status: 400, body: graphError(132000, '(#132000) Number of parameters does not match the expected number of params', 'OAuthException', 2494002) };
      const head = b.template.components?.find((c: any) => c.type === 'header')?.parameters?.[0];
      if (t.header === 'DOCUMENT' && (head?.type !== 'document' || !this.media.has(head.document?.id))) return { status: 400, body: graphError(132012, '(#132012) Parameter format does not match format in the created template', 'OAuthException', 2494073) };
    } else if (b.type === 'document') {
      if (!this.media.has(b.document?.id) && !b.document?.link) return { status: 400, body: graphError(131053, 'Media upload error: the media id is not valid', 'OAuthException') };
      const last = this.lastInbound.get(b.to);
      if (!last || Date.now() - last > 24 * 3600 * 1000) return { status: 400, body: graphError(131047, 'Re-engagement message', 'OAuthException', 2494010) };
    } else if (b.type === 'text') {
      if (typeof b.text?.body !== 'string' || !b.text.body) return { status: 400, body: graphError(100, 'The parameter text[\'body\'] is required.', 'OAuthException') };
      const last = this.lastInbound.get(b.to);
      if (!last || Date.now() - last > 24 * 3600 * 1000) return { status: 400, body: graphError(131047, 'Re-engagement message', 'OAuthException', 2494010) };
    } else return { status: 400, body: graphError(131051, 'Unsupported message type', 'OAuthException') };
    const id = `wamid.${Buffer.from(`fake-${++this.seq}-${randomBytes(6).toString('hex')}`).toString('base64')}`;
    if (b.biz_opaque_callback_data !== undefined && (typeof b.biz_opaque_callback_data !== 'string' || b.biz_opaque_callback_data.length > 512))
      return { status: 400, body: graphError(100, 'Param biz_opaque_callback_data must be a string of at most 512 characters.', 'OAuthException') };
    this.sent.push({ id, to: b.to, type: b.type, body: b, ...(b.biz_opaque_callback_data ? { callbackData: b.biz_opaque_callback_data } : {}) });
    return { status: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: b.to, wa_id: b.to }], messages: [{ id }] } };
  }

  /** Signs a body as Meta does: `sha256=` + hex HMAC-SHA256 of the raw bytes with the app secret. */
  sign(raw: string, secret = this.appSecret): string {
    return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  }

  /** Posts a change notification to Kestrel's webhook, signed (or with the headers given). */
  async notify(webhookUrl: string, value: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; text: string; raw: string }> {
    const raw = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: this.wabaId, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: this.displayPhone.replace(/\D/g, ''), phone_number_id: this.phoneNumberId }, ...value } }] }],
    });
    const res = await this.deliver(webhookUrl, raw, headers ?? { 'x-hub-signature-256': this.sign(raw) });
    return { ...res, raw };
  }

  /** A customer writes: text, or media with a caption (the media is then downloadable). */
  async inbound(webhookUrl: string, m: { from: string; name?: string; text?: string; image?: { data: Buffer; mimeType: string; caption?: string }; at?: Date; id?: string }) {
    const id = m.id ?? `wamid.in${++this.seq}${randomBytes(6).toString('hex')}`;
    const at = m.at ?? new Date();
    let content: Record<string, unknown> = { type: 'text', text: { body: m.text ?? '' } };
    if (m.image) {
      const mediaId = String(700000 + this.seq);
      this.media.set(mediaId, { mimeType: m.image.mimeType, data: m.image.data });
      content = { type: 'image', image: { id: mediaId, mime_type: m.image.mimeType, sha256: 'x', ...(m.image.caption ? { caption: m.image.caption } : {}) } };
    }
    const prev = this.lastInbound.get(m.from) ?? 0;
    this.lastInbound.set(m.from, Math.max(prev, at.getTime()));
    const res = await this.notify(webhookUrl, {
      contacts: [{ profile: { name: m.name ?? 'Customer' }, wa_id: m.from }],
      messages: [{ from: m.from, id, timestamp: String(Math.floor(at.getTime() / 1000)), ...content }],
    });
    return { ...res, id };
  }

  /** WhatsApp reports what became of an outbound message. */
  status(webhookUrl: string, id: string, status: 'sent' | 'delivered' | 'read' | 'failed', recipient: string, error?: { code: number; title: string }) {
    const callbackData = this.sent.find((m) => m.id === id)?.callbackData;
    return this.notify(webhookUrl, {
      statuses: [{ id, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: recipient, ...(callbackData ? { biz_opaque_callback_data: callbackData } : {}), ...(error ? { errors: [{ ...error, message: error.title, error_data: { details: error.title } }] } : {}) }],
    });
  }
}

export function graphError(code: number, message: string, type = 'OAuthException', subcode?: number) {
  return { error: { message, type, code, ...(subcode ? { error_subcode: subcode } : {}), fbtrace_id: `A${randomBytes(8).toString('hex')}` } };
}
