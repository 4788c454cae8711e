import { and, eq } from 'drizzle-orm';
import { defineJob, type JobAttempt } from '../../../platform/jobs/jobs';
import type { Services } from '../../../platform/services';
import { z } from 'zod';
import { metaAppSecretAad, metaTokenAad, type ChannelSettingsRow } from '../channel-settings';
import type { ConversationRow } from '../conversation-rows';
import { channelSettings, visitors } from '../conversations.schema';
import { sentByJob, type ChannelAdapter } from './channel';
import { graph, GraphError, windowClosesAt, windowOpen } from './meta-graph';
import { claimQueuedReply } from './queued-send';

/**
 * CONV-6: what Messenger and Instagram Direct share — both are Meta's Messenger Platform: one
 * webhook shape (`entry[].messaging[]`), one Send API (`POST /{page-id}/messages` with a Page
 * access token), one 24-hour standard messaging window, after which only a reply tagged
 * HUMAN_AGENT may go out (for 7 days, and only for apps Meta granted the Human Agent permission).
 * Each channel is a `MetaPlatform` in its own adapter file (messenger.ts, instagram.ts).
 */
export interface MetaPlatform {
  channel: 'messenger' | 'instagram';
  label: string;
  /** The webhook body's `object`. */
  webhookObject: 'page' | 'instagram';
  /** The longest text message the platform takes. */
  maxText: number;
  /** The permission a Page access token needs to send, named in errors. */
  permission: string;
  /** The settings columns of this channel. */
  settings(row: ChannelSettingsRow): MetaSettings;
}

export interface MetaSettings {
  /** The id webhook entries carry (`entry[].id`): the Page for Messenger, the professional account for Instagram. */
  accountId: string | null;
  pageId: string | null;
  tokenSealed: string | null;
  appSecretSealed: string | null;
  verifyToken: string | null;
  humanAgent: boolean;
}

export interface MetaConnection {
  accountId: string;
  pageId: string;
  token: string;
  appSecret: string;
  humanAgent: boolean;
}

/** Meta's Human Agent tag: a person may answer up to 7 days after the customer's last message. */
export const HUMAN_AGENT_MS = 7 * 24 * 60 * 60 * 1000;

export const humanAgentClosesAt = (conv: Pick<ConversationRow, 'lastInboundAt'>): Date | null => (conv.lastInboundAt ? new Date(conv.lastInboundAt.getTime() + HUMAN_AGENT_MS) : null);

/** How a reply may leave now: a standard reply, tagged HUMAN_AGENT, or not at all. */
export function replyMode(conv: Pick<ConversationRow, 'lastInboundAt'>, humanAgent: boolean, now = Date.now()): 'RESPONSE' | 'HUMAN_AGENT' | null {
  if (windowOpen(conv, now)) return 'RESPONSE';
  const closes = humanAgentClosesAt(conv);
  return humanAgent && closes && closes.getTime() > now ? 'HUMAN_AGENT' : null;
}

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The 409's words when a reply may not go out (CONV-6). */
export function windowClosedMessage(p: MetaPlatform, conv: Pick<ConversationRow, 'lastInboundAt'>, humanAgent: boolean): string {
  const closed = windowClosesAt(conv);
  if (!closed) return `${p.label} allows replies only after the customer has written; they have not written yet.`;
  const base = `${p.label} allows replies within 24 hours of the customer's last message; that window closed at ${utc(closed)}.`;
  if (humanAgent) return `${base} Replies tagged as a person's (Human Agent) were allowed for 7 days, until ${utc(humanAgentClosesAt(conv)!)}. You can reply when the customer writes again.`;
  return `${base} You can reply when the customer writes again (or, if Meta granted your app the Human Agent permission, turn it on in Settings → Channels to answer for up to 7 days).`;
}

/** The channel's connection with its secrets opened, or null when it is incomplete. */
export function openMetaConnection(services: Services, p: MetaPlatform, row: ChannelSettingsRow | undefined): MetaConnection | null {
  if (!row) return null;
  const s = p.settings(row);
  if (!s.accountId || !s.pageId || !s.tokenSealed || !s.appSecretSealed) return null;
  const { box } = services.secrets;
  return { accountId: s.accountId, pageId: s.pageId, token: box.open(s.tokenSealed, metaTokenAad(row.workspaceId, p.channel)), appSecret: box.open(s.appSecretSealed, metaAppSecretAad(row.workspaceId, p.channel)), humanAgent: s.humanAgent };
}

/** What a person can do about a Send API error, in words (codes from Meta's Messenger Platform error reference). */
export function explainMessagingError(p: MetaPlatform, e: unknown): string {
  if (!(e instanceof GraphError)) return `${p.label} could not be reached. Try again in a moment.`;
  if (e.code === 10 && e.subcode === 2018278) return `${p.label} refused the message: it was sent outside the allowed window (24 hours after the customer's last message).`;
  switch (e.code) {
    case 190:
      return `The ${p.label} Page access token is invalid or has expired. Paste a new one in Settings → Channels.`;
    case 10:
    case 200:
    case 230:
      return `The Page access token lacks the ${p.permission} permission for this Page.`;
    case 551:
      return `This person isn't available on ${p.label} right now (they may have blocked the Page or deleted their account).`;
    case 4:
    case 32:
    case 613:
      return `${p.label} is limiting how fast this Page may send. Try again in a minute.`;
    case 100:
      return `${p.label} refused a parameter: ${e.message}`;
    default:
      return `${p.label} refused the message: ${e.message}`;
  }
}

/** Send API trouble worth another try: Meta's own errors or its rate limits (an answered error means the message was not taken). */
const transient = (e: GraphError) => e.status === 429 || e.status >= 500 || [1, 2, 4, 32, 613].includes(e.code ?? -1);

/** The words for a send whose answer was lost: Kestrel will not guess by sending it again. */
export const unknownOutcome = (p: MetaPlatform) => `Kestrel lost ${p.label}'s answer to this message, so it may or may not have arrived. Check with the customer before sending it again.`;

/**
 * CONV-6: the adapter of a Messenger Platform channel. A reply is checked before it is stored
 * (the window, the length; no templates), queued with the channel's send job in the same
 * transaction, and shown sent only once the Send API answered with the message's id.
 */
export function metaMessagingChannel(p: MetaPlatform) {
  const sendJob = defineJob({
    name: `conversations.${p.channel}-send`,
    version: 1,
    payload: z.object({ workspaceId: z.uuid(), messageId: z.uuid() }),
    maxAttempts: 8,
    async run(data, services, attempt) {
      await sendMetaMessage(services, p, data.workspaceId, data.messageId, attempt ?? { number: 1, max: 1 });
    },
  });
  const adapter: ChannelAdapter = {
    name: p.channel,
    ...sentByJob(sendJob),
    async canSend(tx, conv, reply) {
      const [row] = await tx.select().from(channelSettings).where(eq(channelSettings.workspaceId, conv.workspaceId));
      const s = row ? p.settings(row) : null;
      if (!s?.accountId || !s.pageId || !s.tokenSealed || !s.appSecretSealed) return { ok: false, code: `${p.channel}_not_connected`, message: `${p.label} is not connected. Connect it in Settings → Channels.` };
      if (reply.template) return { ok: false, code: 'templates_whatsapp_only', message: `Message templates are WhatsApp's; on ${p.label} write the reply itself.` };
      if (reply.body.length > p.maxText) return { ok: false, code: 'message_too_long', message: `${p.label} takes at most ${p.maxText} characters in a message; this one has ${reply.body.length}.` };
      const mode = replyMode(conv, s.humanAgent);
      if (!mode) return { ok: false, code: `${p.channel}_window_closed`, message: windowClosedMessage(p, conv, s.humanAgent) };
      return mode === 'HUMAN_AGENT' ? { ok: true, meta: { messagingTag: 'HUMAN_AGENT' } } : { ok: true };
    },
  };
  return { adapter, sendJob };
}

/**
 * CONV-6: sends one queued reply through the Send API. The attempt is recorded (committed) before
 * anything leaves; the Send API takes no idempotency key, so a send whose answer was lost is
 * shown failed in words rather than sent twice. Meta's own trouble is retried with back-off.
 */
export async function sendMetaMessage(services: Services, p: MetaPlatform, workspaceId: string, messageId: string, attempt: JobAttempt): Promise<void> {
  const claimed = await claimQueuedReply(services, workspaceId, messageId, {
    label: p.label,
    noRecipient: `This conversation has no ${p.label} sender to reply to.`,
    unknownOutcome: unknownOutcome(p),
    async open(tx, conv) {
      const [v] = await tx.select({ userId: visitors.channelUserId }).from(visitors).where(and(eq(visitors.workspaceId, workspaceId), eq(visitors.id, conv.visitorId)));
      const [row] = await tx.select().from(channelSettings).where(eq(channelSettings.workspaceId, workspaceId));
      return { connection: openMetaConnection(services, p, row), recipient: v?.userId ?? null };
    },
  });
  if (!claimed) return;
  const { message, conv, connection, recipient, baseMeta, record, fail } = claimed;
  // The window is judged again as the reply leaves: it may have closed while the reply waited.
  const mode = replyMode(conv, connection.humanAgent);
  if (!mode) return fail(windowClosedMessage(p, conv, connection.humanAgent));
  const payload = {
    recipient: { id: recipient },
    ...(mode === 'RESPONSE' ? { messaging_type: 'RESPONSE' } : { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' }),
    message: { text: message.body },
  };
  let mid: string | undefined;
  try {
    const sent = await graph<{ recipient_id?: string; message_id?: string }>(services, connection.token, 'POST', `${connection.pageId}/messages`, payload);
    mid = sent?.message_id;
  } catch (error) {
    const e = error as GraphError;
    services.logger.warn({ err: e.message, code: e.code, channel: p.channel, attempt: attempt.number }, 'Meta Send API failed');
    // No answer at all: it may have arrived; say so rather than send it twice.
    if (!(error instanceof GraphError) || error.status === 0) return fail(unknownOutcome(p));
    if (transient(error) && attempt.number < attempt.max) {
      await record({ meta: baseMeta });
      throw error;
    }
    return fail(explainMessagingError(p, error));
  }
  if (!mid) return fail(`${p.label} did not accept the message.`);
  const { error: _cleared, ...meta } = baseMeta;
  await record({ externalId: mid, deliveryStatus: 'sent', meta: mode === 'HUMAN_AGENT' ? { ...meta, messagingTag: 'HUMAN_AGENT' } : meta });
}
