import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { AppError, conflict, notFound } from '../../../platform/http/errors';
import { mailOutbox } from '../../../platform/mail/mail.schema';
import { consume } from '../../billing';
import type { Services } from '../../../platform/services';
import { logActivity } from '../../activities';
import { readMergeValuesBatch } from '../../crm';
import { memberProfile } from '../../accounts';
import { workspaceProfile } from '../../workspaces';
import { inboundAddressOf } from '../../conversations';
import { outreachMessages, type mailStreams } from '../outreach.schema';
import { latestConsent, suppressionOf, type SuppressionReason } from './consent';
import { withFooter } from './footer';
import { trackingEnabled, withTracking } from './tracking';
import { accountForStream, transportForAccount, type AccountRow } from './sending-accounts';
import { addressHash, unsubscribeToken } from './unsubscribe-token';

export type MailStream = (typeof mailStreams)[number];

export interface OutreachMailInput {
  contactId: string;
  stream: MailStream;
  /** Rendered and safe: merge values already escaped. */
  subject: string;
  html: string;
  text: string;
  /** MAIL-5: the optional "Advertisement" label in the footer. */
  advertisement?: boolean;
  /** A campaign step and recipient, say: a second send with the same key finds the first. */
  idempotencyKey?: string;
  /** MAIL-3: own open/click tracking for this mail (marketing only); the workspace's setting when not given. */
  track?: boolean;
  /** Runs in the send's transaction once the recipient passed every check (a campaign spends the plan's emails here); throwing stops the send. */
  beforeSend?: (tx: Tx) => Promise<void>;
  /** MAIL-2: a follow-up sent as a reply: the Message-ID it answers and the thread's Message-IDs so far. */
  thread?: { inReplyTo: string; references: string[] };
  /** AI-7: a deal the mail is also put on the timeline of (an agent's approved follow-up). */
  dealId?: string | undefined;
  /**
   * MAIL-5, decision 022: a one-to-one commercial (sales) mail on the transactional stream's account:
   * CAN-SPAM's postal address and opt-out (footer link, List-Unsubscribe) and every suppression
   * honoured (an unsubscribe included), but no recorded marketing consent asked for.
   */
  commercial?: boolean;
}

/** Which rule a mail is checked and composed by: a stream's, or a 1:1 sales mail's (decision 022). */
export type MailRule = MailStream | 'sales';
const ruleOf = (input: { stream: MailStream; commercial?: boolean | undefined }): MailRule => (input.stream === 'transactional' && input.commercial ? 'sales' : input.stream);

export const blockReasons = ['no_address', 'unsubscribed', 'bounced', 'complained', 'erased', 'restricted', 'no_consent'] as const;
export type BlockReason = (typeof blockReasons)[number];

export type SendOutcome =
  | { status: 'sent'; messageId: string; /** The mail's `Message-ID` header, for threading replies to it. */ headerMessageId: string }
  | { status: 'already_sent'; messageId: string }
  | { status: 'blocked'; reason: BlockReason; message: string };

const blockMessages: Record<BlockReason, string> = {
  no_address: 'The contact has no email address.',
  unsubscribed: 'The contact unsubscribed from marketing mail.',
  bounced: 'Mail to this address bounced; it is on the suppression list.',
  complained: 'The recipient marked earlier mail as spam; the address is on the suppression list.',
  erased: 'The person asked to be erased; the address is on the suppression list.',
  restricted: 'The contact asked that their record be restricted: no campaigns (PRIV-5).',
  no_consent: 'The contact has no recorded consent to marketing mail (with its source and time).',
};

/** MAIL-5: 409 naming what to fill in before marketing mail may leave. */
export const postalAddressMissing = () =>
  conflict('postal_address_missing', "Marketing and sales email must carry the business's physical postal address (CAN-SPAM). Fill in the mailing address in the workspace's business profile (Settings) first.", { field: 'mailingAddress' });

/** The sender a workspace's outreach mail leaves as: its own name at the instance's address, replies to the person sending. */
function senderAddress(services: Services, workspaceName: string): string {
  const configured = services.mail.from;
  const address = /<([^>]+)>/.exec(configured)?.[1] ?? configured;
  const name = workspaceName.replace(/["\\\r\n]/g, '').slice(0, 100);
  return `"${name}" <${address}>`;
}

/**
 * MAIL-4, MAIL-5: the one way outreach mail leaves Kestrel. For every single message, at the
 * moment it is sent: the suppression list, the contact's restriction (PRIV-5) and marketing
 * consent, and for marketing the workspace's postal address in the footer, `List-Unsubscribe`
 * (https and mailto) with `List-Unsubscribe-Post` (RFC 8058) and a signed footer link.
 * A blocked recipient is an outcome, not an error: a campaign goes on to the next one.
 */
export async function sendOutreachMail(services: Services, ctx: WorkspaceContext, input: OutreachMailInput): Promise<SendOutcome> {
  const { db } = services.database;
  const prepared = await withTenant(db, ctx, async (tx) => {
    const ws = await workspaceProfile(tx, ctx.workspaceId);
    if (!ws) throw notFound('Workspace');
    if (ruleOf(input) !== 'transactional' && !ws.mailingAddress?.trim()) {
      throw postalAddressMissing();
    }
    const contact = (await readMergeValuesBatch(tx, ctx.workspaceId, [input.contactId])).get(input.contactId);
    if (!contact) throw notFound('Contact');
    if (input.idempotencyKey) {
      const [earlier] = await tx
        .select({ id: outreachMessages.id, status: outreachMessages.status })
        .from(outreachMessages)
        .where(and(eq(outreachMessages.workspaceId, ctx.workspaceId), eq(outreachMessages.idempotencyKey, input.idempotencyKey)));
      if (earlier?.status === 'sent') return { done: { status: 'already_sent', messageId: earlier.id } satisfies SendOutcome };
    }
    const reason = await blockReason(tx, ctx.workspaceId, ruleOf(input), { ...contact, id: input.contactId });
    if (reason) return { done: { status: 'blocked', reason, message: blockMessages[reason] } satisfies SendOutcome };
    if (input.beforeSend) await input.beforeSend(tx);
    // BILL-1: a marketing mail counts against the plan's emails a month once it passed every check and is
    // about to leave, in this transaction (a refused mail counts nothing); with billing off nothing is counted.
    if (input.stream === 'marketing') await consume(tx, ctx.workspaceId, 'emails', 1);
    const email = contact.email!;
    const [row] = await tx
      .insert(outreachMessages)
      .values({ workspaceId: ctx.workspaceId, contactId: input.contactId, addressHash: addressHash(email), stream: input.stream, subject: input.subject.slice(0, 500), idempotencyKey: input.idempotencyKey ?? null, sentByUserId: ctx.userId })
      .onConflictDoUpdate({ target: [outreachMessages.workspaceId, outreachMessages.idempotencyKey], set: { status: 'sending' } })
      .returning({ id: outreachMessages.id });
    const sender = await memberProfile(tx, ctx.userId);
    const account = await accountForStream(tx, ctx.workspaceId, input.stream);
    const track = input.stream === 'marketing' && (input.track ?? (await trackingEnabled(tx, ctx.workspaceId)));
    return { email, messageId: row!.id, workspace: { name: ws.name, mailingAddress: ws.mailingAddress ?? '' }, replyTo: sender?.email ?? null, account, track, unsubscribeMailbox: await unsubscribeMailboxOf(services, tx, ctx.workspaceId) };
  });
  if ('done' in prepared) return prepared.done as SendOutcome;

  const { email, messageId, workspace, account } = prepared;
  const { from, subject, headers, body, headerMessageId } = composeOutreachMail(services, ctx.workspaceId, { ...prepared, workspace }, { ...input, messageId });
  let providerMessageId: string | null = null;
  try {
    if (account) {
      ({ messageId: providerMessageId } = await transportForAccount(services, account).send({ from, to: email, subject, text: body.text, html: body.html, headers, idempotencyKey: messageId }));
    } else if (services.mail.transport.name === 'none') {
      // No mail server (development): the mailbox shows what would have gone out.
      await db.insert(mailOutbox).values({ kind: input.stream, template: 'outreach', toAddress: email, fromAddress: from, subject, textBody: body.text, htmlBody: body.html, status: 'kept' });
    } else {
      ({ messageId: providerMessageId } = await services.mail.transport.send({ from, to: email, subject, text: body.text, html: body.html, headers }));
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await withTenant(db, ctx, (tx) => tx.update(outreachMessages).set({ status: 'failed', lastError: message.slice(0, 500) }).where(and(eq(outreachMessages.workspaceId, ctx.workspaceId), eq(outreachMessages.id, messageId))));
    if (error instanceof AppError) throw error;
    // The mail server or provider refused or could not be reached: their failure, said in words (never a 500).
    throw new AppError('mail_send_failed', 502, `The mail could not be sent: ${message.slice(0, 300)}`, { messageId });
  }
  await withTenant(db, ctx, async (tx) => {
    await tx.update(outreachMessages).set({ status: 'sent', sentAt: new Date(), providerMessageId, lastError: null }).where(and(eq(outreachMessages.workspaceId, ctx.workspaceId), eq(outreachMessages.id, messageId)));
    await logActivity(tx, { ...ctx, role: 'admin' }, { kind: 'email', subject, body: input.html, emailDirection: 'outbound', emailFrom: from, emailTo: [email], links: [{ recordType: 'contacts', recordId: input.contactId }, ...(input.dealId ? [{ recordType: 'deals' as const, recordId: input.dealId }] : [])] });
  });
  return { status: 'sent', messageId, headerMessageId };
}

async function blockReason(tx: Tx, workspaceId: string, stream: MailRule, contact: { id: string; email: string | null; restricted: boolean; consentState: string }): Promise<BlockReason | null> {
  if (!contact.email) return 'no_address';
  const suppression = (await suppressionOf(tx, workspaceId, contact.email))?.reason ?? null;
  const needsConsent = stream === 'marketing' && !contact.restricted && contact.consentState === 'granted';
  const latest = needsConsent ? ((await latestConsent(tx, workspaceId, contact.id))?.state ?? null) : null;
  return blockReasonOf(stream, { ...contact, suppression, latestConsent: latest });
}

/**
 * MAIL-4, PRIV-5: the one rule deciding whether a message may go to a contact, over facts read
 * beforehand (one contact by `sendOutreachMail`, a whole batch by a campaign): the suppression
 * list, the contact's restriction and its marketing consent (the contact's state and the latest
 * recorded consent, which must carry a source and time).
 */
export function blockReasonOf(
  stream: MailRule,
  facts: { email: string | null; restricted: boolean; consentState: string; suppression: SuppressionReason | null; latestConsent: string | null },
): BlockReason | null {
  if (!facts.email) return 'no_address';
  // Transactional mail (a receipt, a booking) still reaches someone who only left the marketing list;
  // a sales mail does not (CAN-SPAM: an opt-out is honoured for every commercial message, decision 022).
  if (facts.suppression && (stream !== 'transactional' || facts.suppression !== 'unsubscribed')) return facts.suppression;
  if (stream === 'transactional') return null;
  if (facts.restricted) return 'restricted';
  // A one-to-one sales mail is opt-out, not opt-in: no recorded marketing consent needed.
  if (stream === 'sales') return null;
  if (facts.consentState !== 'granted' || facts.latestConsent !== 'granted') return 'no_consent';
  return null;
}

export const blockMessage = (reason: BlockReason) => blockMessages[reason];

/** What a workspace's outreach mail is sent with, the same for each of its mails (a campaign reads it once per run). */
export interface SendingContext {
  workspace: { name: string; mailingAddress: string };
  account: AccountRow | null;
  replyTo: string | null;
  track: boolean;
  unsubscribeMailbox: string | null;
}

/**
 * MAIL-2, MAIL-3, MAIL-4, MAIL-5: one mail as it leaves: the sender, our own Message-ID, threading,
 * Reply-To, and for marketing `List-Unsubscribe` (https and mailto) with `List-Unsubscribe-Post`
 * (RFC 8058), tracked links and the footer with the postal address and the unsubscribe link.
 */
export function composeOutreachMail(
  services: Services,
  workspaceId: string,
  s: SendingContext,
  input: { messageId: string; stream: MailStream; commercial?: boolean | undefined; subject: string; html: string; text: string; advertisement?: boolean | undefined; thread?: OutreachMailInput['thread'] },
) {
  const { messageId } = input;
  // MAIL-1: the workspace's own account for this stream when it has one; the instance's otherwise.
  const from = s.account ? `"${s.account.fromName}" <${s.account.fromAddress}>` : senderAddress(services, s.workspace.name);
  const subject = input.subject.replace(/[\r\n]+/g, ' ').slice(0, 250);
  let body = { html: input.html, text: input.text };
  // MAIL-2: our own Message-ID (as the account transports already write it), so a follow-up can answer it.
  const headerMessageId = `<${messageId}@${/@([^>\s]+)>?$/.exec(from)?.[1] ?? 'kestrel.invalid'}>`;
  const headers: Record<string, string> = { 'X-Kestrel-Message': messageId, 'Message-ID': headerMessageId };
  if (input.thread) {
    headers['In-Reply-To'] = input.thread.inReplyTo;
    headers['References'] = input.thread.references.join(' ');
  }
  if (s.replyTo) headers['Reply-To'] = s.replyTo;
  const rule = ruleOf(input);
  if (rule !== 'transactional') {
    const token = unsubscribeToken(services.secrets.sessionSecret, workspaceId, messageId);
    const base = services.config.publicUrl;
    const address = s.unsubscribeMailbox ?? /<([^>]+)>/.exec(from)![1]!;
    headers['List-Unsubscribe'] = `<${base}/api/public/outreach/unsubscribe/${token}>, <mailto:${address}?subject=unsubscribe%20${token}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    // MAIL-3: links rewritten and the pixel added before the footer, so its unsubscribe link stays as it is.
    if (s.track && rule === 'marketing') body = { ...body, html: withTracking(services, workspaceId, messageId, body.html) };
    body = withFooter(body, { workspaceName: s.workspace.name, mailingAddress: s.workspace.mailingAddress, unsubscribeUrl: `${base}/unsubscribe/${token}`, advertisement: input.advertisement ?? false, oneToOne: rule === 'sales' });
  }
  return { from, subject, headers, body, headerMessageId };
}

/** MAIL-4: the List-Unsubscribe mailto's mailbox: the workspace's inbound address, where Kestrel reads it. */
export async function unsubscribeMailboxOf(services: Services, tx: Tx, workspaceId: string): Promise<string | null> {
  return inboundAddressOf(services, tx, workspaceId);
}
