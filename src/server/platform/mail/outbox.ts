import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../db/database';
import { defineJob, enqueue } from '../jobs/jobs';
import { mailOutbox, type MailAttachment } from './mail.schema';
import { templates, type RenderedMail, type TemplateName } from './templates';

export const sendMailJob = defineJob({
  name: 'mail.send',
  version: 1,
  payload: z.object({ outboxId: z.uuid() }),
  maxAttempts: 8,
  async run({ outboxId }, { database, mail, logger }) {
    const [row] = await database.system.select().from(mailOutbox).where(eq(mailOutbox.id, outboxId));
    if (!row || row.status === 'sent' || row.status === 'kept') return;
    if (mail.transport.name === 'none') {
      await database.system.update(mailOutbox).set({ status: 'kept' }).where(eq(mailOutbox.id, outboxId));
      return;
    }
    try {
      const { messageId } = await mail.transport.send({ from: row.fromAddress, to: row.toAddress, subject: row.subject, text: row.textBody ?? '', html: row.htmlBody, attachments: row.attachments ?? undefined, headers: row.headers ?? undefined });
      // The body held one-time codes and links: once delivered, it is not kept.
      await database.system
        .update(mailOutbox)
        .set({ status: 'sent', sentAt: new Date(), providerMessageId: messageId, attempts: row.attempts + 1, textBody: null, htmlBody: null, attachments: null, lastError: null })
        .where(eq(mailOutbox.id, outboxId));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.warn({ outboxId, transport: mail.transport.name, err: message }, 'mail send failed; will retry');
      await database.system.update(mailOutbox).set({ status: 'failed', attempts: row.attempts + 1, lastError: message.slice(0, 500) }).where(eq(mailOutbox.id, outboxId));
      throw error;
    }
  },
});

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
  await enqueue(tx, sendMailJob, { outboxId: row!.id });
  return row!.id;
}
