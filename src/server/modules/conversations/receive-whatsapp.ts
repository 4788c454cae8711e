import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { AppError, notFound } from '../../platform/http/errors';
import type { Services } from '../../platform/services';
import { insertContact } from '../crm';
import { contacts } from '../crm/crm.schema';
import { graph, GraphError, hubChallenge, readSignedWebhook } from './channels/meta-graph';
import { explainGraphError, openConnection, readConnection } from './channels/whatsapp';
import { appendMessage, touchConversation, type ConversationRow, type MessageRow } from './conversation-rows';
import { channelSettings, conversationMessages, conversations, visitors, whatsappTemplates } from './conversations.schema';
import { autoAssign } from './handoff';
import { objectOr } from '../../platform/http/signed-body';

const waContext = (workspaceId: string): WorkspaceContext => ({ workspaceId, userId: null, role: 'admin', actorLabel: 'WhatsApp' });

async function settingsOf(services: Services, workspaceId: string) {
  const [row] = await withTenant(services.database.db, waContext(workspaceId), (tx) => tx.select().from(channelSettings).where(eq(channelSettings.workspaceId, workspaceId)));
  return row;
}

/** CONV-6: Meta's subscription check: `hub.mode=subscribe` with the workspace's verify token answers the challenge. */
export async function verifyWhatsappSubscription(services: Services, workspaceId: string, q: Record<string, string | undefined>): Promise<string> {
  const row = await settingsOf(services, workspaceId);
  const challenge = hubChallenge(row?.waVerifyToken, q);
  if (challenge === null) throw new AppError('verification_failed', 403, 'The verify token does not match this workspace’s WhatsApp settings.');
  return challenge;
}

/*
 * What a webhook call may carry, checked element by element: a signed body is Meta's, but its
 * shape is still read as untrusted input — a message or status that does not fit is skipped, never
 * a 500 (INT-4).
 */
const waMedia = z.object({ id: z.coerce.string().max(200), mime_type: z.string().max(100).optional(), caption: z.string().optional() });
const waMessage = z.object({
  from: z.string().regex(/^\d{5,20}$/),
  id: z.string().min(1).max(200),
  timestamp: z.string().regex(/^\d{1,11}$/).optional(),
  type: z.string().max(50),
  text: z.object({ body: z.string() }).optional(),
  image: waMedia.optional(),
  audio: waMedia.optional(),
  video: waMedia.optional(),
  document: waMedia.extend({ filename: z.string().optional() }).optional(),
  sticker: waMedia.optional(),
});
type WaMessage = z.infer<typeof waMessage>;
const waStatus = z.object({
  id: z.string().min(1).max(200),
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  timestamp: z.string().optional(),
  /** What Kestrel sent with the message (`kestrel:<message id>`): ties a status to a send whose answer was lost. */
  biz_opaque_callback_data: z.string().max(600).optional(),
  errors: z.array(z.object({ code: z.number().int().optional(), title: z.string().optional(), message: z.string().optional(), error_data: z.object({ details: z.string().optional() }).optional() })).optional(),
});
type WaStatus = z.infer<typeof waStatus>;
const waContact = z.object({ wa_id: z.string(), profile: z.object({ name: z.string().optional() }).optional() });

/** The elements of `list` that fit `schema`; anything else (not a list, an element of another shape) is left out. */
function fitting<T>(list: unknown, schema: z.ZodType<T>): T[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) => {
    const r = schema.safeParse(item);
    return r.success ? [r.data] : [];
  });
}

const statusRank = { queued: 0, sent: 1, delivered: 2, read: 3, failed: 4 } as const;

/**
 * CONV-6: a webhook call from WhatsApp. `X-Hub-Signature-256` must be the SHA-256 HMAC of the
 * raw body with the app secret, else 401 and nothing is read. Messages are stored once each
 * (their id is unique: a redelivery is ignored); statuses move the outbound message forward.
 */
export async function receiveWhatsappWebhook(services: Services, workspaceId: string, raw: Buffer, signature: string | undefined): Promise<{ messages: number; statuses: number }> {
  const { connection, body } = readSignedWebhook(openConnection(services, await settingsOf(services, workspaceId)), raw, signature);
  const payload = objectOr(body);
  let messages = 0;
  let statuses = 0;
  if (payload.object !== 'whatsapp_business_account' || !Array.isArray(payload.entry)) return { messages, statuses };
  for (const entry of payload.entry) {
    const changes = objectOr(entry).changes;
    if (!Array.isArray(changes)) continue;
    for (const change of changes.map(objectOr)) {
      const value = objectOr(change.value);
      if (change.field !== 'messages' || objectOr(value.metadata).phone_number_id !== connection.phoneNumberId) continue;
      const senders = fitting(value.contacts, waContact);
      for (const m of fitting(value.messages, waMessage)) {
        const name = senders.find((c) => c.wa_id === m.from)?.profile?.name ?? null;
        if (await storeInbound(services, workspaceId, m, name)) messages++;
      }
      for (const st of fitting(value.statuses, waStatus)) if (await applyStatus(services, workspaceId, st)) statuses++;
    }
  }
  return { messages, statuses };
}

async function storeInbound(services: Services, workspaceId: string, m: WaMessage, profileName: string | null): Promise<boolean> {
  const media = m.image ?? m.video ?? m.audio ?? m.document ?? m.sticker;
  const kind = m.type;
  const caption = media?.caption?.slice(0, 1000) ?? null;
  const body = (m.text?.body ?? caption ?? `[${kind}]`).slice(0, 4000);
  const at = new Date(Number(m.timestamp) * 1000 || Date.now());
  const ctx = waContext(workspaceId);
  return withTenant(services.database.db, ctx, async (tx) => {
    const [seen] = await tx.select({ id: conversationMessages.id }).from(conversationMessages).where(and(eq(conversationMessages.workspaceId, workspaceId), eq(conversationMessages.externalId, m.id)));
    if (seen) return false;
    const phone = `+${m.from}`;
    const conv = (await latestConversation(tx, workspaceId, phone)) ?? (await startWhatsappConversation(tx, ctx, phone, profileName?.slice(0, 200) ?? null));
    const { duplicate, message } = await appendMessage(tx, conv, {
      authorKind: 'visitor',
      body,
      externalId: m.id,
      ...(media ? { meta: { media: { id: String(media.id).slice(0, 200), mimeType: String(media.mime_type ?? 'application/octet-stream').slice(0, 100), caption, kind } } } : {}),
    });
    if (duplicate) return false;
    const latest = conv.lastInboundAt && conv.lastInboundAt > at ? conv.lastInboundAt : at;
    await touchConversation(tx, conv, { status: 'open', holder: 'human', resolvedAt: null, snoozedUntil: null, lastInboundAt: latest });
    await autoAssign(services, tx, workspaceId);
    return !!message;
  });
}

async function latestConversation(tx: Tx, workspaceId: string, phone: string): Promise<ConversationRow | null> {
  const [hit] = await tx
    .select({ conversation: conversations })
    .from(conversations)
    .innerJoin(visitors, and(eq(visitors.workspaceId, conversations.workspaceId), eq(visitors.id, conversations.visitorId)))
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.channel, 'whatsapp'), eq(visitors.phone, phone)))
    .orderBy(desc(conversations.lastMessageAt))
    .limit(1);
  return hit?.conversation ?? null;
}

/** A new WhatsApp sender: a contact through the CRM's own use case (found by phone first), a visitor and a conversation. */
async function startWhatsappConversation(tx: Tx, ctx: WorkspaceContext, phone: string, name: string | null): Promise<ConversationRow> {
  const [found] = await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, ctx.workspaceId), sql`(${contacts.phone} = ${phone} OR ${contacts.phones} @> ARRAY[${phone}]::text[])`))
    .limit(1);
  let contactId = found?.id ?? null;
  if (!contactId) {
    const [firstName, ...rest] = (name ?? '').split(/\s+/).filter(Boolean);
    // A number the CRM's phone rules refuse still reaches the inbox, just without a contact.
    contactId = await tx
      .transaction((sp) => insertContact(sp, ctx, { firstName: firstName ?? null, lastName: rest.join(' ') || null, phones: [phone], source: 'whatsapp' }))
      .catch(() => null);
  }
  const [visitor] = await tx.insert(visitors).values({ workspaceId: ctx.workspaceId, name, phone, contactId }).returning();
  const [conv] = await tx.insert(conversations).values({ workspaceId: ctx.workspaceId, visitorId: visitor!.id, channel: 'whatsapp', status: 'open', holder: 'human', contactId }).returning();
  return conv!;
}

async function applyStatus(services: Services, workspaceId: string, s: WaStatus): Promise<boolean> {
  return withTenant(services.database.db, waContext(workspaceId), async (tx) => {
    let [msg] = await tx.select().from(conversationMessages).where(and(eq(conversationMessages.workspaceId, workspaceId), eq(conversationMessages.externalId, s.id))).for('update');
    if (!msg) msg = await reconcileLostSend(tx, workspaceId, s);
    if (!msg || msg.deliveryStatus === 'failed') return false;
    // Webhooks may arrive out of order: a status never moves a message backwards.
    if (s.status !== 'failed' && statusRank[s.status] <= statusRank[msg.deliveryStatus ?? 'queued']) return false;
    const err = s.errors?.[0];
    const meta: MessageRow['meta'] = s.status === 'failed' ? { ...msg.meta, error: explainGraphError(new GraphError(400, err?.code ?? null, null, err?.error_data?.details ?? err?.message ?? err?.title ?? 'failed', null)) } : msg.meta;
    await tx.update(conversationMessages).set({ deliveryStatus: s.status, meta }).where(and(eq(conversationMessages.workspaceId, workspaceId), eq(conversationMessages.id, msg.id)));
    const [conv] = await tx.select().from(conversations).where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, msg.conversationId)));
    await touchConversation(tx, conv!, {});
    return true;
  });
}

/**
 * CONV-6 (decision 014, addendum): a send whose answer was lost — WhatsApp accepted it, but the
 * worker died before saving its id — is found again by the key Kestrel sent along with it
 * (`biz_opaque_callback_data`, which Meta echoes in every status); the message takes WhatsApp's
 * id, so the send job's retry sees it accepted and does not send it a second time.
 */
async function reconcileLostSend(tx: Tx, workspaceId: string, s: WaStatus): Promise<MessageRow | undefined> {
  const key = /^kestrel:([0-9a-f-]{36})$/.exec(s.biz_opaque_callback_data ?? '')?.[1];
  if (!key) return undefined;
  const [lost] = await tx
    .select()
    .from(conversationMessages)
    .where(and(eq(conversationMessages.workspaceId, workspaceId), eq(conversationMessages.id, key), isNull(conversationMessages.externalId), eq(conversationMessages.authorKind, 'staff')))
    .for('update');
  if (!lost?.meta.sendAttempt) return undefined;
  const { sendAttempt: _done, ...meta } = lost.meta;
  const [saved] = await tx.update(conversationMessages).set({ externalId: s.id, meta }).where(and(eq(conversationMessages.workspaceId, workspaceId), eq(conversationMessages.id, lost.id))).returning();
  return saved;
}

/** CONV-6: "test connection": the number's display name from the Graph API, and the approved templates synced. */
export async function checkWhatsapp(services: Services, ctx: WorkspaceContext) {
  const { db } = services.database;
  const connection = await withTenant(db, ctx, (tx) => readConnection(tx, services, ctx.workspaceId));
  if (!connection) throw new AppError('whatsapp_not_connected', 409, 'Fill in the phone number id, access token and app secret first.');
  try {
    const phone = await graph<{ display_phone_number?: string; verified_name?: string }>(services, connection.token, 'GET', `${connection.phoneNumberId}?fields=display_phone_number,verified_name`);
    const templates = connection.businessAccountId ? await fetchTemplates(services, connection.token, connection.businessAccountId) : [];
    return withTenant(db, ctx, async (tx) => {
      await tx.delete(whatsappTemplates).where(eq(whatsappTemplates.workspaceId, ctx.workspaceId));
      if (templates.length) await tx.insert(whatsappTemplates).values(templates.map((t) => ({ ...t, workspaceId: ctx.workspaceId })));
      const displayPhone = phone.display_phone_number?.slice(0, 40) ?? null;
      await tx.update(channelSettings).set({ waDisplayPhone: displayPhone, waCheckedAt: new Date() }).where(eq(channelSettings.workspaceId, ctx.workspaceId));
      return { ok: true as const, displayPhone, templates: templates.filter((t) => t.status === 'APPROVED').map(({ name, language, category, body, paramCount }) => ({ name, language, category, body, paramCount })) };
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('whatsapp_check_failed', 422, explainGraphError(error));
  }
}

interface GraphTemplate {
  name: string;
  language: string;
  status: string;
  category?: string;
  components?: { type: string; text?: string; format?: string }[];
}

async function fetchTemplates(services: Services, token: string, wabaId: string) {
  const out: { name: string; language: string; status: string; category: string | null; body: string; paramCount: number; headerFormat: string | null }[] = [];
  let path: string | null = `${wabaId}/message_templates?fields=name,language,status,category,components&limit=100`;
  for (let page = 0; path && page < 10; page++) {
    const res: { data?: GraphTemplate[]; paging?: { cursors?: { after?: string }; next?: string } } = await graph(services, token, 'GET', path);
    for (const t of res.data ?? []) {
      const body = t.components?.find((c) => c.type === 'BODY')?.text ?? '';
      const paramCount = new Set([...body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => m[1])).size;
      if (/^[a-z0-9_]{1,512}$/.test(t.name) && /^[A-Za-z_]{2,15}$/.test(t.language)) out.push({ name: t.name, language: t.language, status: String(t.status).slice(0, 40), category: t.category?.slice(0, 40) ?? null, body: body.slice(0, 2000), paramCount, headerFormat: t.components?.find((c) => c.type === 'HEADER')?.format?.slice(0, 20) ?? null });
    }
    const after = res.paging?.next ? res.paging.cursors?.after : undefined;
    path = after ? `${wabaId}/message_templates?fields=name,language,status,category,components&limit=100&after=${encodeURIComponent(after)}` : null;
  }
  // One row per name and language.
  return [...new Map(out.map((t) => [`${t.name}/${t.language}`, t])).values()];
}

/** CONV-6: an inbound photo, voice note or document, fetched from the Graph API when a person opens it (never stored by Kestrel). */
export async function fetchWhatsappMedia(services: Services, ctx: WorkspaceContext, conversationId: string, messageId: string): Promise<{ mimeType: string; data: Buffer }> {
  const { connection, media } = await withTenant(services.database.db, ctx, async (tx) => {
    const [msg] = await tx.select().from(conversationMessages).where(and(eq(conversationMessages.workspaceId, ctx.workspaceId), eq(conversationMessages.id, messageId), eq(conversationMessages.conversationId, conversationId)));
    return { connection: await readConnection(tx, services, ctx.workspaceId), media: msg?.meta.media };
  });
  if (!media) throw notFound('Media');
  if (!connection) throw new AppError('whatsapp_not_connected', 409, 'WhatsApp is not connected. Connect it in Settings → Channels.');
  try {
    const info = await graph<{ url: string; mime_type?: string }>(services, connection.token, 'GET', encodeURIComponent(media.id));
    const res = await fetch(info.url, { headers: { authorization: `Bearer ${connection.token}` }, signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`media download answered ${res.status}`);
    return { mimeType: info.mime_type ?? media.mimeType, data: Buffer.from(await res.arrayBuffer()) };
  } catch (error) {
    throw new AppError('whatsapp_media_failed', 502, `The media could not be fetched from WhatsApp: ${explainGraphError(error)}`);
  }
}
