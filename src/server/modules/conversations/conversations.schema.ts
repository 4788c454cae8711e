import { sql } from 'drizzle-orm';
import { bigint, boolean, check, customType, foreignKey, index, integer, jsonb, pgTable, primaryKey, real, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { users } from '../accounts/accounts.schema';
import { workspaces } from '../workspaces/workspaces.schema';
import { deliveryStatuses, type BusinessHours, type MessageMeta, type MessageSource } from './conversations.contract';

const ts = (name: string) => timestamp(name, { withTimezone: true });
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** CONV-1: how a workspace's website widget looks and behaves, and which sites may embed it. */
export const widgetSettings = pgTable(
  'widget_settings',
  {
    workspaceId: workspaceIdColumn(),
    enabled: boolean('enabled').notNull().default(true),
    greeting: text('greeting').notNull().default('Hi! How can we help?'),
    title: text('title').notNull().default('Chat with us'),
    accentColor: text('accent_color').notNull().default('#2563eb'),
    position: text('position', { enum: ['right', 'left'] }).notNull().default('right'),
    /** Exact origins (`https://shop.example`) whose pages may run the widget. */
    allowedOrigins: text('allowed_origins').array().notNull().default(sql`'{}'::text[]`),
    /** Null: always open. */
    businessHours: jsonb('business_hours').$type<BusinessHours | null>(),
    privacyNotice: text('privacy_notice'),
    privacyUrl: text('privacy_url'),
    /** CONV-2: what the assistant asks to qualify a visitor. */
    questions: text('questions').array().notNull().default(sql`'{}'::text[]`),
    assistantEnabled: boolean('assistant_enabled').notNull().default(true),
    /** CONV-4: round-robin auto-assignment, and the most open conversations one member is given. */
    autoAssign: boolean('auto_assign').notNull().default(false),
    assignCap: smallint('assign_cap').notNull().default(5),
    lastAssignedUserId: uuid('last_assigned_user_id'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    check('widget_settings_position_check', sql`${t.position} IN ('right', 'left')`),
    check('widget_settings_cap_check', sql`${t.assignCap} BETWEEN 1 AND 100`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** CONV-7: a person on a workspace's website (or a channel's sender), with what they chose to tell. */
export const visitors = pgTable(
  'visitors',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    name: text('name'),
    email: text('email'),
    phone: text('phone'),
    /** CONV-6: the sender's id on Messenger (page-scoped, PSID) or Instagram (IGSID), as a WhatsApp sender's number is their phone. */
    channelUserId: text('channel_user_id'),
    consent: boolean('consent'),
    contactId: uuid('contact_id'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    pageUrl: text('page_url'),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** CONV-1: when the visitor last had the widget open (a live stream opened or closed, a page load resumed the chat): their read cursor. */
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
    /**
     * CONV-6: the widget's live streams open now, on any instance, and until when they may at most
     * last (a crashed instance's count expires with them). Connected = streams > 0 and not expired;
     * a staff reply to a visitor who is not is emailed to them.
     */
    liveStreams: smallint('live_streams').notNull().default(0),
    liveUntil: ts('live_until'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    index('visitors_contact_idx').on(t.workspaceId, t.contactId),
    index('visitors_channel_user_idx').on(t.workspaceId, t.channelUserId),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** CONV-4: one thread with a visitor on one channel. */
export const conversations = pgTable(
  'conversations',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    visitorId: uuid('visitor_id').notNull(),
    channel: text('channel', { enum: ['web', 'email', 'whatsapp', 'messenger', 'instagram'] }).notNull().default('web'),
    status: text('status', { enum: ['open', 'pending', 'snoozed', 'resolved'] }).notNull().default('pending'),
    /** Who answers: the assistant, or a person (the assistant stays silent). */
    holder: text('holder', { enum: ['assistant', 'human'] }).notNull().default('assistant'),
    assigneeUserId: uuid('assignee_user_id').references(() => users.id, { onDelete: 'set null' }),
    priority: text('priority', { enum: ['low', 'normal', 'high', 'urgent'] }).notNull().default('normal'),
    /** Set when the visitor (or the assistant) asked for a person; cleared when returned to the assistant. */
    handoffRequestedAt: ts('handoff_requested_at'),
    /** Why a person is needed when the assistant could not answer (provider down, no knowledge). */
    flagReason: text('flag_reason'),
    unreadStaff: integer('unread_staff').notNull().default(0),
    unreadVisitor: integer('unread_visitor').notNull().default(0),
    lastMessageAt: ts('last_message_at').notNull().defaultNow(),
    lastMessagePreview: text('last_message_preview'),
    rating: smallint('rating'),
    contactId: uuid('contact_id'),
    /** CRM-4: the "chat" timeline item holding this transcript. */
    chatActivityId: uuid('chat_activity_id'),
    /** CONV-2, AI-5: Closer's run on this conversation's qualified lead (one per conversation). */
    closerRunId: uuid('closer_run_id'),
    snoozedUntil: ts('snoozed_until'),
    resolvedAt: ts('resolved_at'),
    /** CONV-6 email: the thread's subject without Re:/Fwd:, for replies and for threading by sender + subject. */
    subject: text('subject'),
    /** CONV-6 WhatsApp: the customer's last message; replies are free-form for 24 hours after it. */
    lastInboundAt: ts('last_inbound_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.visitorId], foreignColumns: [visitors.workspaceId, visitors.id] }).onDelete('cascade'),
    check('conversations_status_check', sql`${t.status} IN ('open', 'pending', 'snoozed', 'resolved')`),
    check('conversations_holder_check', sql`${t.holder} IN ('assistant', 'human')`),
    check('conversations_channel_check', sql`${t.channel} IN ('web', 'email', 'whatsapp', 'messenger', 'instagram')`),
    check('conversations_priority_check', sql`${t.priority} IN ('low', 'normal', 'high', 'urgent')`),
    check('conversations_rating_check', sql`${t.rating} BETWEEN 1 AND 5`),
    index('conversations_inbox_idx').on(t.workspaceId, t.status, t.lastMessageAt.desc()),
    index('conversations_assignee_idx').on(t.workspaceId, t.assigneeUserId, t.status),
    index('conversations_visitor_idx').on(t.workspaceId, t.visitorId),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * CONV-1..4: what was said, in order. `seq` is the resume cursor (SSE Last-Event-ID); `client_id`
 * makes a resend after a reconnect land once.
 */
export const conversationMessages = pgTable(
  'conversation_messages',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    seq: bigint('seq', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    conversationId: uuid('conversation_id').notNull(),
    authorKind: text('author_kind', { enum: ['visitor', 'assistant', 'staff', 'system', 'note'] }).notNull(),
    authorUserId: uuid('author_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Plain text, never HTML. */
    body: text('body').notNull(),
    clientId: text('client_id'),
    sources: jsonb('sources').$type<MessageSource[]>().notNull().default(sql`'[]'::jsonb`),
    aiCallId: uuid('ai_call_id'),
    /** CONV-6: the channel's own id (an email's Message-ID, a WhatsApp message id): threading, statuses, replays. */
    externalId: text('external_id'),
    /** CONV-6: where an outbound message on email/WhatsApp stands; null on web chat. */
    deliveryStatus: text('delivery_status', { enum: deliveryStatuses }),
    /** CONV-6: channel details (subject, media, template, auto-reply mark, delivery error). */
    meta: jsonb('meta').$type<MessageMeta>().notNull().default(sql`'{}'::jsonb`),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.conversationId], foreignColumns: [conversations.workspaceId, conversations.id] }).onDelete('cascade'),
    check('conversation_messages_author_check', sql`${t.authorKind} IN ('visitor', 'assistant', 'staff', 'system', 'note')`),
    index('conversation_messages_thread_idx').on(t.workspaceId, t.conversationId, t.seq),
    uniqueIndex('conversation_messages_client_idx').on(t.workspaceId, t.conversationId, t.clientId),
    uniqueIndex('conversation_messages_external_idx').on(t.workspaceId, t.externalId),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** CONV-2: what the assistant may answer from: FAQ entries and pages of the owner's site. */
export const knowledgeEntries = pgTable(
  'knowledge_entries',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    kind: text('kind', { enum: ['faq', 'page', 'product'] }).notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    url: text('url'),
    /** CONV-2: for kind `product`, the invoicing product it is written from (kept in step by invoicing's product use cases). */
    productId: uuid('product_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    /**
     * Issue 15: the words of title and text, parsed once when the entry is written rather than
     * for every entry on every question (matching and ranking read it). Never selected by the
     * app; left out of exports (generated again on restore).
     */
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector('simple', title || ' ' || body)`),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    check('knowledge_entries_kind_check', sql`${t.kind} IN ('faq', 'page', 'product')`),
    check('knowledge_entries_product_check', sql`(${t.kind} = 'product') = (${t.productId} IS NOT NULL)`),
    uniqueIndex('knowledge_entries_product_idx').on(t.workspaceId, t.productId),
    index('knowledge_entries_words_idx').using('gin', t.search),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * CONV-2: the knowledge cut into chunks (an FAQ entry is one; a long page several), each with its
 * embedding, for retrieval by meaning (docs/decisions/009, addendum). Like `record_embeddings`
 * the vector is real[] (cast to `vector` at query time when pgvector is there); the md5 of what
 * was embedded decides when a chunk is embedded again. A sibling table, not record_embeddings:
 * one entry has many chunks, and the chunk text is kept to put in front of the model.
 */
export const knowledgeChunks = pgTable(
  'knowledge_chunks',
  {
    workspaceId: workspaceIdColumn(),
    entryId: uuid('entry_id').notNull(),
    chunk: smallint('chunk').notNull(),
    model: text('model').notNull(),
    contentHash: text('content_hash').notNull(),
    body: text('body').notNull(),
    embedding: real('embedding').array().notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.entryId, t.chunk] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.entryId], foreignColumns: [knowledgeEntries.workspaceId, knowledgeEntries.id] }).onDelete('cascade'),
    check('knowledge_chunks_chunk_check', sql`${t.chunk} >= 0 AND ${t.chunk} < 200`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** CONV-4: saved answers the team inserts with a shortcut. */
export const cannedReplies = pgTable(
  'canned_replies',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    shortcut: text('shortcut').notNull(),
    body: text('body').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    uniqueIndex('canned_replies_shortcut_idx').on(t.workspaceId, t.shortcut),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * CONV-6: how a workspace's email and WhatsApp reach the inbox. The inbound email address is
 * `<inbound_token>@<INBOUND_MAIL_DOMAIN>`; secrets are sealed with the secret box (SEC-2).
 */
export const channelSettings = pgTable(
  'channel_settings',
  {
    workspaceId: workspaceIdColumn(),
    inboundToken: text('inbound_token').notNull(),
    /** Signs raw-MIME posts from a mail provider's inbound webhook (HMAC-SHA256). */
    inboundSecretSealed: text('inbound_secret_sealed').notNull(),
    waPhoneNumberId: text('wa_phone_number_id'),
    waBusinessAccountId: text('wa_business_account_id'),
    waAccessTokenSealed: text('wa_access_token_sealed'),
    waAppSecretSealed: text('wa_app_secret_sealed'),
    /** CONV-6: Resend Inbound — the API key that reads received emails and the webhook's signing secret, sealed. */
    resendApiKeySealed: text('resend_api_key_sealed'),
    resendWebhookSecretSealed: text('resend_webhook_secret_sealed'),
    waVerifyToken: text('wa_verify_token'),
    waDisplayPhone: text('wa_display_phone'),
    waCheckedAt: ts('wa_checked_at'),
    /** CONV-6 Messenger: the Facebook Page, its Page access token and the app's secret (sealed), the webhook's verify token. */
    messengerPageId: text('messenger_page_id'),
    messengerTokenSealed: text('messenger_token_sealed'),
    messengerAppSecretSealed: text('messenger_app_secret_sealed'),
    messengerVerifyToken: text('messenger_verify_token'),
    /** The app has Meta's Human Agent permission: replies may go out tagged HUMAN_AGENT up to 7 days after the customer's last message. */
    messengerHumanAgent: boolean('messenger_human_agent').notNull().default(false),
    /** CONV-6 Instagram Direct: the professional account (webhooks name it), the Facebook Page linked to it (replies go through it), sealed secrets, verify token. */
    instagramAccountId: text('instagram_account_id'),
    instagramPageId: text('instagram_page_id'),
    instagramTokenSealed: text('instagram_token_sealed'),
    instagramAppSecretSealed: text('instagram_app_secret_sealed'),
    instagramVerifyToken: text('instagram_verify_token'),
    instagramHumanAgent: boolean('instagram_human_agent').notNull().default(false),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    // Looked up across workspaces by the address a sender wrote to; a plain index so the table stays
    // distributable by workspace (OPS-2). Tokens are 72 random bits; a lookup that finds two refuses.
    index('channel_settings_inbound_token_idx').on(t.inboundToken),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** CONV-6: the WhatsApp message templates of the workspace's business account, as last synced. */
export const whatsappTemplates = pgTable(
  'whatsapp_templates',
  {
    workspaceId: workspaceIdColumn(),
    name: text('name').notNull(),
    language: text('language').notNull(),
    status: text('status').notNull(),
    category: text('category'),
    /** The BODY component's text with {{1}}… placeholders. */
    body: text('body').notNull(),
    paramCount: smallint('param_count').notNull().default(0),
    /** The HEADER component's format (DOCUMENT: the template carries a file, e.g. an invoice PDF). */
    headerFormat: text('header_format'),
    syncedAt: ts('synced_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.name, t.language] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
