import { eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { Resend } from 'resend';
import { withTenant } from '../../platform/db/tenant';
import { AppError } from '../../platform/http/errors';
import { verifyStandardWebhook } from '../../platform/http/standard-webhooks';
import type { Services } from '../../platform/services';
import { resendKeyAad, resendSecretAad } from './channel-settings';
import { channelSettings } from './conversations.schema';
import { receiveEmail, type ReceivedEmail } from './receive-email';
import { objectOr } from '../../platform/http/signed-body';

/** Attachments fetched per email, and their total size: beyond that the email is stored without the rest. */
const MAX_ATTACHMENTS = 10;
const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;


const refused = () => new AppError('webhook_signature_invalid', 401, 'The webhook signature is missing, wrong, too old or replayed.');

/**
 * CONV-6: an email received through Resend Inbound. Resend posts `email.received` with the
 * message's metadata only (signed, Standard Webhooks); the body, headers and attachments are read
 * with the official SDK (`emails.receiving.get`, `emails.receiving.attachments.list`). The message
 * is then rebuilt as RFC 822 and goes the way every inbound email goes (`receiveEmail`): threaded
 * by Message-ID / In-Reply-To / References, auto-replies and bounces recognised, sequences ended
 * on a reply (outreach), a second delivery stored once (same Message-ID).
 */
export async function receiveResendInbound(services: Services, workspaceId: string, headers: Record<string, string | string[] | undefined>, raw: Buffer): Promise<ReceivedEmail> {
  const one = (name: string) => {
    const v = headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  const [row] = await withTenant(services.database.db, { workspaceId, userId: null }, (tx) => tx.select().from(channelSettings).where(eq(channelSettings.workspaceId, workspaceId)));
  if (!row?.resendWebhookSecretSealed || !row.resendApiKeySealed) throw refused();
  const secret = services.secrets.box.open(row.resendWebhookSecretSealed, resendSecretAad(workspaceId));
  if (!verifyStandardWebhook(secret, { id: one('svix-id'), timestamp: one('svix-timestamp'), signature: one('svix-signature') }, raw)) throw refused();

  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError('validation_failed', 400, 'The webhook body is not JSON.');
  }
  // INT-4: a signed body is still read as untrusted: `null`, a list or a `data` of another shape never reaches a 500.
  const event = objectOr(parsed);
  if (event.type !== 'email.received') return { outcome: 'ignored', reason: `not an inbound email (${typeof event.type === 'string' ? event.type.slice(0, 40) : typeof event.type})` };
  const given = objectOr(event.data).email_id;
  const emailId = typeof given === 'string' && /^[\w-]{1,100}$/.test(given) ? given : null;
  if (!emailId) throw new AppError('validation_failed', 400, 'The event names no email_id.');

  const resend = new Resend(services.secrets.box.open(row.resendApiKeySealed, resendKeyAad(workspaceId)), services.config.RESEND_BASE_URL ? { baseUrl: services.config.RESEND_BASE_URL } : {});
  const { data: email, error } = await resend.emails.receiving.get(emailId);
  // An email Resend says it does not have is the event's fault (a 4xx Resend will not retry for ever), not an outage.
  if (error && 'statusCode' in error && error.statusCode === 404) throw new AppError('validation_failed', 400, `Resend has no received email ${emailId}.`);
  if (error || !email) throw new AppError('provider_unavailable', 502, `Resend did not give the received email: ${error?.message ?? 'no answer'}.`);
  const attachments: { filename: string; contentType: string; content: Buffer; cid?: string }[] = [];
  if (email.attachments?.length) {
    const listed = await resend.emails.receiving.attachments.list({ emailId });
    let total = 0;
    for (const a of (listed.data?.data ?? []).slice(0, MAX_ATTACHMENTS)) {
      if (!a.download_url || total + (a.size ?? 0) > MAX_ATTACHMENT_BYTES) continue;
      const res = await fetch(a.download_url, { signal: AbortSignal.timeout(20_000) });
      if (!res.ok) continue;
      const content = Buffer.from(await res.arrayBuffer());
      total += content.length;
      if (total > MAX_ATTACHMENT_BYTES) break;
      attachments.push({ filename: a.filename ?? 'attachment', contentType: a.content_type ?? 'application/octet-stream', content, ...(a.content_id ? { cid: a.content_id } : {}) });
    }
  }
  // The headers as received (In-Reply-To, References, Auto-Submitted …), the addresses and body as Resend parsed them.
  const kept = Object.fromEntries(Object.entries(email.headers ?? {}).filter(([k]) => /^(in-reply-to|references|auto-submitted|precedence|x-autoreply|x-autorespond|list-id)$/i.test(k)));
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const built = await composer.sendMail({
    from: email.from,
    to: email.to,
    ...(email.cc?.length ? { cc: email.cc } : {}),
    subject: email.subject ?? '',
    messageId: email.message_id,
    date: new Date(email.created_at),
    headers: kept,
    ...(email.text ? { text: email.text } : {}),
    ...(email.html ? { html: email.html } : {}),
    attachments,
  });
  return receiveEmail(services, workspaceId, built.message as Buffer);
}
