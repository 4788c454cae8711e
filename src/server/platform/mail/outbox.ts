import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../db/database';
import { defineJob, enqueue } from '../jobs/jobs';
import type { Services } from '../services';
import { mailOutbox, type MailAttachment } from './mail.schema';
import { templates, type RenderedMail, type TemplateName } from './templates';

export const sendMailJob = defineJob({
  name: 'mail.send',
  version: 1,
  payload: z.object({ outboxId: z.uuid() }),
  maxAttempts: 8,
  async run({ outboxId }, services, attempt) {
    const { database, mail, logger } = services;
    const [row] = await database.system.select().from(mailOutbox).where(eq(mailOutbox.id, outboxId));
    if (!row || row.status === 'sent' || row.status === 'kept') return;
    if (mail.transport.name === 'none') {
      await database.system.update(mailOutbox).set({ status: 'kept' }).where(eq(mailOutbox.id, outboxId));
      // Whoever waits for this mail's fate (an inbox reply shown "Sending") learns it went nowhere, in words.
      await tellOutcome(services, { outboxId, workspaceId: row.workspaceId, template: row.template, headers: row.headers, status: 'failed', error: NOT_SENT_WITHOUT_SERVER, willRetry: false });
      return;
    }
    try {
      const { messageId } = await mail.transport.send({ from: row.fromAddress, to: row.toAddress, subject: row.subject, text: row.textBody ?? '', html: row.htmlBody, attachments: row.attachments ?? undefined, headers: row.headers ?? undefined });
      // The body held one-time codes and links: once delivered, it is not kept.
      await database.system
        .update(mailOutbox)
        .set({ status: 'sent', sentAt: new Date(), providerMessageId: messageId, attempts: row.attempts + 1, textBody: null, htmlBody: null, attachments: null, lastError: null })
        .where(eq(mailOutbox.id, outboxId));
      await tellOutcome(services, { outboxId, workspaceId: row.workspaceId, template: row.template, headers: row.headers, status: 'sent', error: null, willRetry: false });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.warn({ outboxId, transport: mail.transport.name, err: message }, 'mail send failed; will retry');
      await database.system.update(mailOutbox).set({ status: 'failed', attempts: row.attempts + 1, lastError: message.slice(0, 500) }).where(eq(mailOutbox.id, outboxId));
      const willRetry = attempt ? attempt.number < attempt.max : false;
      await tellOutcome(services, { outboxId, workspaceId: row.workspaceId, template: row.template, headers: row.headers, status: 'failed', error: message.slice(0, 500), willRetry });
      throw error;
    }
  },
});

/** What became of one queued mail, for the module that queued it (a conversation's email reply shows sent or failed, CONV-6). */
export interface MailOutcome {
  outboxId: string;
  workspaceId: string | null;
  template: string;
  headers: Record<string, string> | null;
  status: 'sent' | 'failed';
  /** The transport's own words (an SMTP reply, a provider's message). */
  error: string | null;
  /** Whether the outbox will try again by itself. */
  willRetry: boolean;
}
type MailOutcomeListener = (services: Services, outcome: MailOutcome) => Promise<void>;
const outcomeListeners = new Map<string, MailOutcomeListener>();

/** A module hears what became of the mail it queued with `template`; registered once at boot. */
export function onMailOutcome(template: string, listener: MailOutcomeListener): void {
  outcomeListeners.set(template, listener);
}

/** Why a mail was kept rather than sent: this server has no mail server to send through. */
export const NOT_SENT_WITHOUT_SERVER = 'this Kestrel server has no mail server set up (SMTP_URL or RESEND_API_KEY), so it was kept in the development mailbox and not sent';

async function tellOutcome(services: Services, outcome: MailOutcome): Promise<void> {
  const listener = outcomeListeners.get(outcome.template);
  if (!listener) return;
  // The mail's own fate is already recorded: a listener's trouble is logged, never a resend.
  await listener(services, outcome).catch((err: unknown) => services.logger.error({ err, outboxId: outcome.outboxId }, 'mail outcome listener failed'));
}

/**
 * Sends a failed mail again now, in the caller's transaction. The job key replaces the outbox's own
 * pending retry of this mail, so one mail is never sent twice. False when it is not failed.
 */
export async function retryMail(tx: Queryable, outboxId: string): Promise<boolean> {
  const [row] = await tx.update(mailOutbox).set({ status: 'queued' }).where(and(eq(mailOutbox.id, outboxId), eq(mailOutbox.status, 'failed'))).returning({ id: mailOutbox.id });
  if (!row) return false;
  await enqueue(tx, sendMailJob, { outboxId }, { jobKey: mailJobKey(outboxId) });
  return true;
}

const mailJobKey = (outboxId: string) => `mail.send:${outboxId}`;

/**
 * Queues a templated email in the caller's transaction. It is sent by a job after commit, so a
 * rolled-back change never sends mail, and a crash after commit still sends it.
 */
export async function queueMail<T extends TemplateName>(
  tx: Queryable,
  from: string,
  to: string,
  template: T,
  values: Parameters<(typeof templates)[T]>[0],
): Promise<string> {
  const rendered = (templates[template] as (v: typeof values) => RenderedMail)(values);
  return queueRenderedMail(tx, { from, to, template, rendered });
}

/**
 * Queues a message a module rendered itself (with `renderMail` for the shared look), with
 * attachments such as a calendar invitation. Same outbox, same job, same transaction rule.
 */
export async function queueRenderedMail(tx: Queryable, m: { from: string; to: string; template: string; rendered: RenderedMail; attachments?: MailAttachment[]; headers?: Record<string, string> }): Promise<string> {
  // A subject is one header line whatever a name in it holds.
  const subject = m.rendered.subject.replace(/[\r\n]+/g, ' ').slice(0, 250);
  const [row] = await tx
    .insert(mailOutbox)
    .values({ template: m.template, toAddress: m.to, fromAddress: m.from, subject, textBody: m.rendered.text, htmlBody: m.rendered.html, attachments: m.attachments ?? null, headers: m.headers ?? null })
    .returning({ id: mailOutbox.id });
  await enqueue(tx, sendMailJob, { outboxId: row!.id }, { jobKey: mailJobKey(row!.id) });
  return row!.id;
}
