import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import { withTenant } from '../../../platform/db/tenant';
import { AppError } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import { waAppSecretAad, waTokenAad, type ChannelSettingsRow } from '../channel-settings';
import type { ConversationRow, MessageRow } from '../conversation-rows';
import { channelSettings, conversationMessages, visitors, whatsappTemplates } from '../conversations.schema';
import type { ChannelAdapter } from './channel';

/** CONV-6: free-form replies are allowed for 24 hours after the customer's last message (WhatsApp's customer-service window). */
export const WINDOW_MS = 24 * 60 * 60 * 1000;

export const windowClosesAt = (conv: Pick<ConversationRow, 'lastInboundAt'>): Date | null => (conv.lastInboundAt ? new Date(conv.lastInboundAt.getTime() + WINDOW_MS) : null);
export const windowOpen = (conv: Pick<ConversationRow, 'lastInboundAt'>, now = Date.now()) => {
  const closes = windowClosesAt(conv);
  return !!closes && closes.getTime() > now;
};

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

/** What a person can do about a Graph error, in words (codes from Meta's Cloud API error reference). */
export function explainGraphError(e: unknown): string {
  if (!(e instanceof GraphError)) return 'WhatsApp could not be reached. Try again in a moment.';
  switch (e.code) {
    case 190:
      return 'The WhatsApp access token is invalid or has expired. Paste a new one in Settings → Channels.';
    case 10:
    case 200:
      return 'The access token lacks the whatsapp_business_messaging permission for this number.';
    case 131047:
      return 'More than 24 hours have passed since the customer last wrote; send an approved template instead.';
    case 131026:
      return 'WhatsApp could not deliver the message: the number may not be on WhatsApp or may have blocked business messages.';
    case 131030:
      return "This number is not in the test account's allowed recipient list.";
    case 132000:
      return "The template's parameters do not match the template.";
    case 132001:
      return 'This template does not exist in that language or is not approved.';
    case 130429:
    case 131056:
    case 80007:
    case 4:
      return 'WhatsApp is limiting how fast this number may send. Try again in a minute.';
    case 100:
      return `WhatsApp refused a parameter: ${e.message}`;
    default:
      return `WhatsApp refused the message: ${e.message}`;
  }
}

/** The Cloud API over plain fetch (Meta maintains no Node SDK for it; docs/decisions/014). */
export async function graph<T>(services: Services, token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const url = `${services.config.WHATSAPP_GRAPH_URL.replace(/\/+$/, '')}/${services.config.WHATSAPP_GRAPH_VERSION}/${path}`;
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

export interface WhatsappConnection {
  phoneNumberId: string;
  businessAccountId: string | null;
  token: string;
  appSecret: string;
}

export function openConnection(services: Services, row: ChannelSettingsRow | undefined): WhatsappConnection | null {
  if (!row?.waPhoneNumberId || !row.waAccessTokenSealed || !row.waAppSecretSealed) return null;
  return {
    phoneNumberId: row.waPhoneNumberId,
    businessAccountId: row.waBusinessAccountId,
    token: services.secrets.box.open(row.waAccessTokenSealed, waTokenAad(row.workspaceId)),
    appSecret: services.secrets.box.open(row.waAppSecretSealed, waAppSecretAad(row.workspaceId)),
  };
}

export async function readConnection(tx: Tx, services: Services, workspaceId: string): Promise<WhatsappConnection | null> {
  const [row] = await tx.select().from(channelSettings).where(eq(channelSettings.workspaceId, workspaceId));
  return openConnection(services, row);
}

export const renderTemplate = (body: string, params: string[]) => body.replace(/\{\{(\d+)\}\}/g, (m, n: string) => params[Number(n) - 1] ?? m);

/**
 * CONV-6: WhatsApp Business Cloud API. A reply is checked before it is stored: free text only
 * inside the 24-hour window, an approved template (with every parameter) outside it, else a 409
 * that says so. After the commit it is sent; WhatsApp's answer decides its state — accepted
 * (queued), then sent / delivered / read / failed from the status webhooks — so a message is
 * never shown as sent when WhatsApp refused it.
 */
export const whatsappChannel: ChannelAdapter = {
  name: 'whatsapp',
  initialStatus: 'queued',
  async canSend(tx, conv, reply) {
    const [settings] = await tx.select().from(channelSettings).where(eq(channelSettings.workspaceId, conv.workspaceId));
    if (!settings?.waPhoneNumberId || !settings.waAccessTokenSealed) return { ok: false, code: 'whatsapp_not_connected', message: 'WhatsApp is not connected. Connect it in Settings → Channels.' };
    const approved = await tx.select().from(whatsappTemplates).where(and(eq(whatsappTemplates.workspaceId, conv.workspaceId), eq(whatsappTemplates.status, 'APPROVED')));
    if (reply.template) {
      const t = approved.find((x) => x.name === reply.template!.name && x.language === reply.template!.language);
      if (!t) return { ok: false, code: 'template_not_approved', message: `The template "${reply.template.name}" (${reply.template.language}) is not an approved template of this WhatsApp account. Sync templates in Settings → Channels.` };
      if (reply.template.params.length !== t.paramCount) return { ok: false, code: 'template_parameters', message: `The template "${t.name}" needs ${t.paramCount} parameter${t.paramCount === 1 ? '' : 's'}; ${reply.template.params.length} given.` };
      return { ok: true, body: renderTemplate(t.body, reply.template.params), meta: { template: { name: t.name, language: t.language, params: reply.template.params } } };
    }
    if (!windowOpen(conv)) {
      const closed = windowClosesAt(conv);
      const since = closed ? `closed at ${closed.toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'is not open: the customer has not written yet';
      return {
        ok: false,
        code: 'whatsapp_window_closed',
        message: approved.length
          ? `WhatsApp's 24-hour window for free replies ${since}. Send one of the approved templates instead.`
          : `WhatsApp's 24-hour window for free replies ${since}, and this account has no approved templates. Add one in WhatsApp Manager and sync it in Settings → Channels.`,
      };
    }
    return { ok: true };
  },
  async deliver(services, conv, message) {
    await sendWhatsapp(services, conv, message);
  },
};

async function sendWhatsapp(services: Services, conv: ConversationRow, message: MessageRow): Promise<void> {
  const { db } = services.database;
  const ctx = { workspaceId: conv.workspaceId, userId: null };
  const { connection, phone } = await withTenant(db, ctx, async (tx) => {
    const [v] = await tx.select({ phone: visitors.phone }).from(visitors).where(and(eq(visitors.workspaceId, conv.workspaceId), eq(visitors.id, conv.visitorId)));
    return { connection: await readConnection(tx, services, conv.workspaceId), phone: v?.phone?.replace(/^\+/, '') ?? null };
  });
  const record = (changes: Partial<MessageRow>) =>
    withTenant(db, ctx, async (tx) => {
      await tx.update(conversationMessages).set(changes).where(and(eq(conversationMessages.workspaceId, conv.workspaceId), eq(conversationMessages.id, message.id)));
    });
  const fail = async (why: string, status = 502, code = 'whatsapp_refused') => {
    await record({ deliveryStatus: 'failed', meta: { ...message.meta, error: why } });
    throw new AppError(code, status, why, { messageId: message.id });
  };
  if (!connection) return fail('WhatsApp is not connected. Connect it in Settings → Channels.', 409, 'whatsapp_not_connected');
  if (!phone) return fail('This conversation has no WhatsApp number to reply to.', 409, 'no_whatsapp_number');
  const t = message.meta.template;
  const payload = t
    ? { messaging_product: 'whatsapp', recipient_type: 'individual', to: phone, type: 'template', template: { name: t.name, language: { code: t.language }, ...(t.params.length ? { components: [{ type: 'body', parameters: t.params.map((p) => ({ type: 'text', text: p })) }] } : {}) } }
    : { messaging_product: 'whatsapp', recipient_type: 'individual', to: phone, type: 'text', text: { preview_url: false, body: message.body } };
  try {
    const sent = await graph<{ messages?: { id: string }[] }>(services, connection.token, 'POST', `${connection.phoneNumberId}/messages`, payload);
    const wamid = sent.messages?.[0]?.id;
    if (!wamid) return fail('WhatsApp did not accept the message.');
    // Accepted, not yet sent: the status webhooks say sent, delivered, read or failed.
    await record({ externalId: wamid, deliveryStatus: 'queued' });
  } catch (error) {
    if (error instanceof AppError) throw error;
    services.logger.warn({ err: (error as Error).message, code: (error as GraphError).code }, 'WhatsApp send refused');
    return fail(explainGraphError(error), error instanceof GraphError && error.status >= 400 && error.status < 500 ? 422 : 502);
  }
}
