import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { workspaces } from '../workspaces/workspaces.schema';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const suppressionKinds = ['email', 'phone'] as const;
export const suppressionReasons = ['unsubscribed', 'bounced', 'complained', 'erased'] as const;
export const consentSources = ['form', 'import', 'double_opt_in', 'manual', 'website_chat', 'unsubscribe_one_click', 'unsubscribe_link', 'unsubscribe_mail'] as const;
export const consentStates = ['granted', 'withdrawn'] as const;
export const mailStreams = ['transactional', 'marketing'] as const;
export const outreachMessageStatuses = ['sending', 'sent', 'failed'] as const;

/**
 * MAIL-4, PRIV-3: the one suppression list of a workspace — addresses and numbers nobody may
 * contact any more: unsubscribed, bounced, complained (email) and erased people (email and phone).
 * Keyed by the SHA-256 of the trimmed, lower-cased address (E.164 for a phone), never the address,
 * so that erasing a person can keep the row that keeps them uncontacted. Outreach reads it at send
 * time for every message; privacy's erasure writes it (through `suppressErased`).
 */
export const outreachSuppressions = pgTable(
  'outreach_suppressions',
  {
    workspaceId: workspaceIdColumn(),
    kind: text('kind', { enum: suppressionKinds }).notNull().default('email'),
    addressHash: text('address_hash').notNull(),
    reason: text('reason', { enum: suppressionReasons }).notNull(),
    /** How it came: one-click, footer link, a provider's bounce event, erasure. */
    source: text('source').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.kind, t.addressHash] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    check('outreach_suppressions_kind_check', sql`${t.kind} IN ('email', 'phone')`),
    check('outreach_suppressions_hash_check', sql`${t.addressHash} ~ '^[0-9a-f]{64}$'`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** MAIL-4: each grant or withdrawal of marketing consent, with where it came from and its proof. */
export const outreachConsents = pgTable(
  'outreach_consents',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    contactId: uuid('contact_id').notNull(),
    state: text('state', { enum: consentStates }).notNull(),
    source: text('source', { enum: consentSources }).notNull(),
    /** The form's URL and IP, the import file and column, the confirmation message id… */
    proof: text('proof'),
    recordedByUserId: uuid('recorded_by_user_id'),
    recordedAt: ts('recorded_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    index('outreach_consents_contact_idx').on(t.workspaceId, t.contactId, t.recordedAt),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * MAIL-4: every outreach mail, written before it leaves so that its unsubscribe token names it.
 * `idempotencyKey` (a campaign step and recipient, say) makes a retried send find the first one.
 */
export const outreachMessages = pgTable(
  'outreach_messages',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    contactId: uuid('contact_id'),
    addressHash: text('address_hash').notNull(),
    stream: text('stream', { enum: mailStreams }).notNull(),
    subject: text('subject').notNull(),
    status: text('status', { enum: outreachMessageStatuses }).notNull().default('sending'),
    idempotencyKey: text('idempotency_key'),
    providerMessageId: text('provider_message_id'),
    lastError: text('last_error'),
    sentByUserId: uuid('sent_by_user_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
    sentAt: ts('sent_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    index('outreach_messages_contact_idx').on(t.workspaceId, t.contactId),
    uniqueIndex('outreach_messages_idempotency_idx').on(t.workspaceId, t.idempotencyKey),
    // MAIL-3: a provider's event names its own message id.
    index('outreach_messages_provider_idx').on(t.workspaceId, t.providerMessageId),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

export const sendingAccountKinds = ['smtp', 'resend', 'gmail', 'outlook'] as const;
export const accountStreams = ['marketing', 'transactional', 'both'] as const;

/**
 * MAIL-1: a workspace's own way to send: its SMTP server (DKIM-signed when a key is set), its
 * Resend key, or a member's Gmail or Outlook mailbox connected with a send-only grant. Passwords, API keys and DKIM private keys are sealed (SEC-2). An account serves
 * marketing, transactional or both streams, so the two can leave under separate identities.
 */
export const outreachSendingAccounts = pgTable(
  'outreach_sending_accounts',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    kind: text('kind', { enum: sendingAccountKinds }).notNull(),
    stream: text('stream', { enum: accountStreams }).notNull().default('both'),
    fromName: text('from_name').notNull(),
    fromAddress: text('from_address').notNull(),
    smtpHost: text('smtp_host'),
    smtpPort: integer('smtp_port'),
    smtpSecure: boolean('smtp_secure').notNull().default(false),
    smtpUser: text('smtp_user'),
    /** The SMTP password or the Resend API key. */
    secretSealed: text('secret_sealed'),
    dkimSelector: text('dkim_selector'),
    dkimKeySealed: text('dkim_key_sealed'),
    /** MAIL-3: Resend's webhook signing secret (`whsec_…`), sealed. */
    webhookSecretSealed: text('webhook_secret_sealed'),
    /** MAIL-1: Gmail and Outlook accounts send through this member's OAuth connection (INT-1). */
    connectionUserId: uuid('connection_user_id'),
    /** MAIL-1: per-minute rate and daily cap the provider allows. */
    perMinute: integer('per_minute').notNull().default(60),
    dailyCap: integer('daily_cap').notNull().default(2000),
    /** MAIL-1, MAIL-4: the account a stream leaves through first (at most one per stream); otherwise the oldest that serves it. */
    defaultMarketing: boolean('default_marketing').notNull().default(false),
    defaultTransactional: boolean('default_transactional').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    uniqueIndex('outreach_sending_accounts_default_marketing_idx').on(t.workspaceId).where(sql`default_marketing`),
    uniqueIndex('outreach_sending_accounts_default_transactional_idx').on(t.workspaceId).where(sql`default_transactional`),
    check('outreach_sending_accounts_smtp_check', sql`${t.kind} <> 'smtp' OR (${t.smtpHost} IS NOT NULL AND ${t.smtpPort} IS NOT NULL)`),
    check('outreach_sending_accounts_oauth_check', sql`${t.kind} NOT IN ('gmail', 'outlook') OR ${t.connectionUserId} IS NOT NULL`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

export const templateKinds = ['email', 'call_script'] as const;

/**
 * MAIL-2: a message with merge fields (`{{contact.firstName | "there"}}`), checked when saved,
 * meant for the marketing or the transactional stream. AI-2: a call script Forge wrote is kept
 * here too, as kind `call_script` (its subject is its title; it is never mailed).
 */
export const outreachTemplates = pgTable(
  'outreach_templates',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    kind: text('kind', { enum: templateKinds }).notNull().default('email'),
    stream: text('stream', { enum: mailStreams }).notNull().default('marketing'),
    name: text('name').notNull(),
    subject: text('subject').notNull(),
    html: text('html').notNull(),
    createdByUserId: uuid('created_by_user_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    check('outreach_templates_kind_check', sql`${t.kind} IN ('email', 'call_script')`),
    check('outreach_templates_stream_check', sql`${t.stream} IN ('marketing', 'transactional')`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * MAIL-3: a workspace's outreach settings. `trackEngagement`: marketing mail carries Kestrel's own
 * open pixel and signed click links (off by default; opens are an estimate).
 */
export const outreachSettings = pgTable(
  'outreach_settings',
  {
    workspaceId: workspaceIdColumn(),
    trackEngagement: boolean('track_engagement').notNull().default(false),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId] }), foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'), tenantPolicy(t.workspaceId)],
).enableRLS();

export const deliveryEventKinds = ['delivered', 'opened', 'clicked', 'bounced', 'complained'] as const;

/**
 * MAIL-3: delivery events from the provider's signed webhooks, one row per webhook id: a replayed
 * id is refused because its row exists. `messageId` is null for mail Kestrel does not know.
 */
export const outreachDeliveryEvents = pgTable(
  'outreach_delivery_events',
  {
    workspaceId: workspaceIdColumn(),
    webhookId: text('webhook_id').notNull(),
    messageId: uuid('message_id'),
    kind: text('kind', { enum: deliveryEventKinds }),
    occurredAt: ts('occurred_at').notNull(),
    receivedAt: ts('received_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.webhookId] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    index('outreach_delivery_events_message_idx').on(t.workspaceId, t.messageId),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * MAIL-4, MAIL-5: a double opt-in: someone asked to subscribe (form or API), a confirmation mail
 * went out with a signed, expiring link naming this row; confirming records consent with the
 * request's and the confirmation's time and IP as proof. The address only as a hash.
 */
export const outreachOptIns = pgTable(
  'outreach_opt_ins',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    contactId: uuid('contact_id').notNull(),
    addressHash: text('address_hash').notNull(),
    /** Where the form was (its page URL), or `api`. */
    source: text('source').notNull(),
    requestedIp: text('requested_ip'),
    requestedAt: ts('requested_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    confirmedAt: ts('confirmed_at'),
    confirmedIp: text('confirmed_ip'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    index('outreach_opt_ins_address_idx').on(t.workspaceId, t.addressHash, t.requestedAt),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
