import { currentWorkspace } from '../db/tenancy-sql';
import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';

/** A file sent with a message (a calendar invitation, say); `content` is UTF-8 text. */
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string;
  /** 'base64' for binary files (an invoice PDF); text (a calendar file) is sent as is. */
  encoding?: 'base64';
}

export const mailKinds = ['transactional', 'marketing'] as const;
export const mailStatuses = ['queued', 'sent', 'failed', 'kept'] as const;

/**
 * Outgoing platform mail. Written in the same transaction as the change that causes it,
 * sent by a job. `kept` means no transport is configured: the development mailbox shows it.
 * Once sent, the body is cleared so one-time codes and links do not linger in the database.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: uuid('id').primaryKey().$defaultFn(() => uuidv7()),
    /**
     * The workspace the mail was sent for, taken from the transaction's tenant scope; null for
     * the instance's own mail (sign-in codes, resets). Erasure and purges act on one workspace's rows.
     */
    workspaceId: uuid('workspace_id').default(currentWorkspace),
    kind: text('kind', { enum: mailKinds }).notNull().default('transactional'),
    template: text('template').notNull(),
    toAddress: text('to_address').notNull(),
    fromAddress: text('from_address').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body'),
    htmlBody: text('html_body'),
    attachments: jsonb('attachments').$type<MailAttachment[]>(),
    /** Threading headers of a reply (Message-ID, In-Reply-To, References, Reply-To), CONV-6. */
    headers: jsonb('headers').$type<Record<string, string>>(),
    status: text('status', { enum: mailStatuses }).notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    providerMessageId: text('provider_message_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [index('mail_outbox_created_idx').on(t.createdAt), index('mail_outbox_to_idx').on(t.toAddress), index('mail_outbox_workspace_idx').on(t.workspaceId)],
);
