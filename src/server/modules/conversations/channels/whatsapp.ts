import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import { z } from 'zod';
import { defineJob, type JobAttempt } from '../../../platform/jobs/jobs';
import type { Services } from '../../../platform/services';
import { waAppSecretAad, waTokenAad, type ChannelSettingsRow } from '../channel-settings';
import { channelSettings, visitors, whatsappTemplates } from '../conversations.schema';
import { sentByJob, type ChannelAdapter } from './channel';
import { graph, graphUrl, GraphError, windowClosesAt, windowOpen } from './meta-graph';
import { claimQueuedReply } from './queued-send';

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

/** CONV-6: uploads a file to WhatsApp's media store (`POST /{phone-number-id}/media`, multipart) and answers its media id, for a document message. */
export async function uploadWhatsappMedia(services: Services, connection: WhatsappConnection, file: { bytes: Buffer; mimeType: string; filename: string }): Promise<string> {
  const url = graphUrl(services, `${connection.phoneNumberId}/media`);
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', file.mimeType);
  form.set('file', new Blob([new Uint8Array(file.bytes)], { type: file.mimeType }), file.filename);
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${connection.token}` }, body: form, signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    throw new GraphError(0, null, null, (error as Error).message, null);
  }
  const json = (await response.json().catch(() => null)) as { id?: string; error?: { code?: number; error_subcode?: number; message?: string; fbtrace_id?: string } } | null;
  if (!response.ok || !json?.id) {
    const err = json?.error ?? {};
    throw new GraphError(response.status, typeof err.code === 'number' ? err.code : null, typeof err.error_subcode === 'number' ? err.error_subcode : null, String(err.message ?? `HTTP ${response.status}`).slice(0, 300), err.fbtrace_id ?? null);
  }
  return json.id;
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
 * CONV-6: a WhatsApp reply leaves as a job queued in the reply's own transaction (a rolled-back
 * reply never leaves). WhatsApp's trouble (no answer, 5xx, rate limits) is retried with
 * graphile-worker's exponential back-off; a refusal, or the last try failing, marks the message
 * failed with the reason in words. A message already accepted (it has WhatsApp's id) is not sent again.
 */
export const whatsappSendJob = defineJob({
  name: 'conversations.whatsapp-send',
  version: 1,
  payload: z.object({ workspaceId: z.uuid(), messageId: z.uuid() }),
  maxAttempts: 8,
  async run(p, services, attempt) {
    await sendWhatsapp(services, p.workspaceId, p.messageId, attempt ?? { number: 1, max: 1 });
  },
});

/**
 * CONV-6: WhatsApp Business Cloud API. A reply is checked before it is stored: free text only
 * inside the 24-hour window, an approved template (with every parameter) outside it, else a 409
 * that says so. It is sent by a job queued with it; WhatsApp's answer decides its state — accepted
 * (queued), then sent / delivered / read / failed from the status webhooks — so a message is
 * never shown as sent when WhatsApp refused it.
 */
export const whatsappChannel: ChannelAdapter = {
  name: 'whatsapp',
  ...sentByJob(whatsappSendJob),
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
};

/** Graph errors worth another try: no answer, WhatsApp's own trouble, or its rate limits. */
const transient = (e: unknown) => !(e instanceof GraphError) || e.status === 0 || e.status === 429 || e.status >= 500 || [4, 80007, 130429, 131056].includes(e.code ?? -1);

/**
 * How long a send whose answer was lost waits for WhatsApp's status webhook to say what became
 * of it (statuses normally follow within seconds) before it is shown failed for a person to judge.
 */
export const RECONCILE_MS = 10 * 60_000;

/** The words for a send whose outcome nobody knows: Kestrel will not guess by sending it again. */
export const UNKNOWN_OUTCOME =
  'Kestrel lost WhatsApp\'s answer to this message and heard nothing about it since, so it may or may not have arrived. Check with the customer before sending it again.';

/** Thrown to try again later: an earlier attempt's fate is still unknown. */
class AwaitingStatus extends Error {}

export async function sendWhatsapp(services: Services, workspaceId: string, messageId: string, attempt: JobAttempt): Promise<void> {
  const claimed = await claimQueuedReply(services, workspaceId, messageId, {
    label: 'WhatsApp',
    noRecipient: 'This conversation has no WhatsApp number to reply to.',
    unknownOutcome: UNKNOWN_OUTCOME,
    // Decision 014, addendum: an earlier attempt may have reached WhatsApp with its answer lost
    // (the worker died between the send and the save). Sending again could deliver it twice: wait
    // for the status webhook that names this message (its callback data) instead, and after
    // RECONCILE_MS say plainly that nobody knows.
    waitForEarlier: (earlier) =>
      Date.now() - Date.parse(earlier.at) < RECONCILE_MS && attempt.number < attempt.max
        ? new AwaitingStatus('An earlier attempt to send this WhatsApp message may have been accepted; waiting for its status before deciding.')
        : null,
    async open(tx, conv) {
      const [v] = await tx.select({ phone: visitors.phone }).from(visitors).where(and(eq(visitors.workspaceId, workspaceId), eq(visitors.id, conv.visitorId)));
      return { connection: await readConnection(tx, services, workspaceId), recipient: v?.phone?.replace(/^\+/, '') ?? null };
    },
  });
  if (!claimed) return;
  const { message, connection, recipient: phone, baseMeta, record, fail } = claimed;
  const t = message.meta.template;
  const doc = message.meta.document;
  // Meta echoes `biz_opaque_callback_data` in every status of this message: how a lost answer is found again.
  const common = { messaging_product: 'whatsapp', recipient_type: 'individual', to: phone, biz_opaque_callback_data: `kestrel:${message.id}` };
  // A template with a DOCUMENT header takes the file as its header parameter; inside the window a file goes as a document message with the body as its caption.
  const components = t ? [
    ...(doc ? [{ type: 'header', parameters: [{ type: 'document', document: { id: doc.mediaId, filename: doc.filename } }] }] : []),
    ...(t.params.length ? [{ type: 'body', parameters: t.params.map((p) => ({ type: 'text', text: p })) }] : []),
  ] : [];
  const payload = t
    ? { ...common, type: 'template', template: { name: t.name, language: { code: t.language }, ...(components.length ? { components } : {}) } }
    : doc
      ? { ...common, type: 'document', document: { id: doc.mediaId, filename: doc.filename, caption: message.body.slice(0, 1024) } }
      : { ...common, type: 'text', text: { preview_url: false, body: message.body } };
  let wamid: string | undefined;
  try {
    const sent = await graph<{ messages?: { id: string }[] }>(services, connection.token, 'POST', `${connection.phoneNumberId}/messages`, payload);
    wamid = sent.messages?.[0]?.id;
  } catch (error) {
    services.logger.warn({ err: (error as Error).message, code: (error as GraphError).code, attempt: attempt.number }, 'WhatsApp send failed');
    const retrying = transient(error) && attempt.number < attempt.max;
    // WhatsApp answered with an error: it did not take the message, so the next try may send it.
    // No answer at all (status 0: the connection broke or timed out) keeps the attempt on record.
    if (retrying) {
      if (error instanceof GraphError && error.status > 0) await record({ meta: baseMeta });
      throw error;
    }
    return fail(error instanceof GraphError && error.status > 0 ? explainGraphError(error) : UNKNOWN_OUTCOME);
  }
  if (!wamid) return fail('WhatsApp did not accept the message.');
  // Accepted, not yet sent: the status webhooks say sent, delivered, read or failed.
  const { error: _cleared, ...meta } = baseMeta;
  await record({ externalId: wamid, deliveryStatus: 'queued', meta });
}
