import { createHmac, randomBytes } from 'node:crypto';
import { FakeProvider, route, type FakeRequest, type FakeResponse } from './harness';

/**
 * A local Meta Graph API (STYLE 13, 18) — one provider, one fake: the WhatsApp Business Cloud API,
 * and the Messenger Platform's Send API for Messenger and Instagram Direct (see `FakeMessagingPage`
 * below). WhatsApp speaks the Graph API's wire format:
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

export class FakeMeta extends FakeProvider {
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
    // The Send API of a Facebook Page (Messenger, and Instagram through its linked Page) shares WhatsApp's path shape.
    route('POST', '/:version/:phone/messages', (r) => {
      const page = this.pages.find((x) => x.pageId === r.params.phone);
      return page ? this.sendAsPage(page, r) : (this.authorised(r) ?? this.send(r));
    }),
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

  /** The Facebook Pages Kestrel may send as: one on Messenger, one linked to an Instagram professional account. */
  readonly messenger = new FakeMessagingPage('messenger', '104200000000001', '104200000000001', 2000);
  readonly instagram = new FakeMessagingPage('instagram', '17841400000000002', '104200000000002', 1000);
  private get pages() {
    return [this.messenger, this.instagram];
  }

  /**
   * `POST /{page-id}/messages` as the Messenger Platform answers it: the Page access token, a
   * `recipient.id` that wrote to this Page, `messaging_type` RESPONSE inside the 24-hour standard
   * messaging window, or MESSAGE_TAG with `tag: HUMAN_AGENT` within 7 days when the app was granted
   * it; else `(#10) … outside of allowed window` (subcode 2018278). Answers `{ recipient_id, message_id }`.
   */
  private sendAsPage(page: FakeMessagingPage, r: FakeRequest): FakeResponse {
    const bearer = r.headers.authorization === `Bearer ${page.token}`;
    const query = r.query.access_token === page.token;
    if (!bearer && !query) return { status: 401, body: graphError(190, 'Invalid OAuth access token - Cannot parse access token', 'OAuthException') };
    const b = r.body ?? {};
    const to = b.recipient?.id;
    if (typeof to !== 'string' || !page.lastInbound.has(to)) return { status: 400, body: graphError(100, 'No matching user found', 'OAuthException', 2018001) };
    const text = b.message?.text;
    if (typeof text !== 'string' || !text) return { status: 400, body: graphError(100, "param message must be non-empty with 'text' or 'attachment'", 'OAuthException') };
    if (text.length > page.maxText) return { status: 400, body: graphError(100, `Length of param message[text] must be less than or equal to ${page.maxText}`, 'OAuthException') };
    const age = Date.now() - page.lastInbound.get(to)!;
    if (b.messaging_type === 'RESPONSE' || b.messaging_type === 'UPDATE') {
      if (age > 24 * 3600_000) return { status: 400, body: graphError(10, '(#10) This message is sent outside of allowed window.', 'OAuthException', 2018278) };
    } else if (b.messaging_type === 'MESSAGE_TAG') {
      if (b.tag !== 'HUMAN_AGENT') return { status: 400, body: graphError(100, 'Invalid tag', 'OAuthException') };
      if (!page.humanAgentGranted) return { status: 400, body: graphError(200, '(#200) The app lacks the Human Agent permission', 'OAuthException') };
      if (age > 7 * 24 * 3600_000) return { status: 400, body: graphError(10, '(#10) This message is sent outside of allowed window.', 'OAuthException', 2018278) };
    } else return { status: 400, body: graphError(100, 'The parameter messaging_type is required', 'OAuthException') };
    const mid = `${page.channel === 'instagram' ? 'aWdf' : 'm_'}${randomBytes(12).toString('base64url')}`;
    page.sent.push({ mid, to, text, messagingType: b.messaging_type, ...(b.tag ? { tag: b.tag } : {}) });
    return { status: 200, body: { recipient_id: to, message_id: mid } };
  }

  /** Posts Messenger Platform events (`entry[].messaging[]`) for a Page or Instagram account to Kestrel's webhook, signed (or with the headers given). */
  async messaging(page: FakeMessagingPage, webhookUrl: string, events: Record<string, unknown>[], headers?: Record<string, string>): Promise<{ status: number; text: string; raw: string }> {
    const raw = JSON.stringify({ object: page.channel === 'instagram' ? 'instagram' : 'page', entry: [{ id: page.accountId, time: Date.now(), messaging: events }] });
    const res = await this.deliver(webhookUrl, raw, headers ?? { 'x-hub-signature-256': this.sign(raw) });
    return { ...res, raw };
  }

  /** A customer writes to the Page (or Instagram account): text, or attachments only. */
  async customerWrites(page: FakeMessagingPage, webhookUrl: string, m: { from: string; text?: string; attachments?: { type: string; url: string }[]; at?: Date; mid?: string }) {
    const mid = m.mid ?? `${page.channel === 'instagram' ? 'aWdf' : 'm_'}in${++this.seq}${randomBytes(6).toString('hex')}`;
    const at = m.at ?? new Date();
    page.lastInbound.set(m.from, Math.max(page.lastInbound.get(m.from) ?? 0, at.getTime()));
    const message = { mid, ...(m.text !== undefined ? { text: m.text } : {}), ...(m.attachments ? { attachments: m.attachments.map((a) => ({ type: a.type, payload: { url: a.url } })) } : {}) };
    const res = await this.messaging(page, webhookUrl, [{ sender: { id: m.from }, recipient: { id: page.accountId }, timestamp: at.getTime(), message }]);
    return { ...res, mid };
  }

  /** The Page's own message echoed back (`is_echo`), as Meta sends for every message a Page sends. */
  echo(page: FakeMessagingPage, webhookUrl: string, to: string, text: string) {
    return this.messaging(page, webhookUrl, [{ sender: { id: page.accountId }, recipient: { id: to }, timestamp: Date.now(), message: { mid: `m_echo${++this.seq}`, is_echo: true, text } }]);
  }

  /** Messenger's `message_deliveries` event, or a `message_reads` one naming the message (as Instagram sends it). */
  delivered(page: FakeMessagingPage, webhookUrl: string, from: string, mids: string[]) {
    return this.messaging(page, webhookUrl, [{ sender: { id: from }, recipient: { id: page.accountId }, timestamp: Date.now(), delivery: { mids, watermark: Date.now() } }]);
  }

  read(page: FakeMessagingPage, webhookUrl: string, from: string, mid: string) {
    return this.messaging(page, webhookUrl, [{ sender: { id: from }, recipient: { id: page.accountId }, timestamp: Date.now(), read: { mid } }]);
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

/** A Facebook Page the fake Send API answers for, with what was sent and when each customer last wrote. */
export class FakeMessagingPage {
  readonly token = `EAAP${randomBytes(12).toString('hex')}`;
  readonly sent: { mid: string; to: string; text: string; messagingType: string; tag?: string }[] = [];
  /** The customer's last message per PSID/IGSID, in ms. */
  readonly lastInbound = new Map<string, number>();
  /** Whether Meta granted the app the Human Agent permission. */
  humanAgentGranted = false;
  constructor(
    readonly channel: 'messenger' | 'instagram',
    /** What webhook entries carry as `entry[].id`: the Page, or the Instagram professional account. */
    readonly accountId: string,
    readonly pageId: string,
    readonly maxText: number,
  ) {}
}
