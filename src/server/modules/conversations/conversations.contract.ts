import { z } from 'zod';

/** Request and response shapes of the widget and inbox APIs (CONV-1..7), shared with the web app. */

export const channels = ['web', 'email', 'whatsapp', 'messenger', 'instagram'] as const;
export const statuses = ['open', 'pending', 'snoozed', 'resolved'] as const;
export const priorities = ['low', 'normal', 'high', 'urgent'] as const;
export const authorKinds = ['visitor', 'assistant', 'staff', 'system', 'note'] as const;
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const MESSAGE_MAX = 4000;

/** CONV-6: where an outbound email/WhatsApp message stands. */
export const deliveryStatuses = ['queued', 'sent', 'delivered', 'read', 'failed'] as const;
export const messageMetaSchema = z.object({
  /** CONV-3: a system line as the team reads it (the body is the visitor's wording). */
  teamBody: z.string().optional(),
  subject: z.string().optional(),
  /** RFC 3834 auto-reply or out-of-office: kept, but it neither reopens nor notifies. */
  autoReply: z.boolean().optional(),
  media: z.object({ id: z.string(), mimeType: z.string(), caption: z.string().nullable(), kind: z.string() }).optional(),
  template: z.object({ name: z.string(), language: z.string(), params: z.array(z.string()) }).optional(),
  /** CONV-6: a file sent with the message (uploaded to WhatsApp first; the body is its caption), e.g. an invoice PDF. */
  document: z.object({ mediaId: z.string(), filename: z.string(), mimeType: z.string() }).optional(),
  error: z.string().optional(),
  bounce: z.object({ recipient: z.string().nullable(), status: z.string().nullable() }).optional(),
  /** AI-5: written by an agent and approved by a person (or sent on the agent's autopilot). */
  agent: z.object({ name: z.string(), proposalId: z.string(), autopilot: z.boolean() }).optional(),
  /** CONV-6: a WhatsApp send was attempted at this time and its answer is not saved yet (decision 014, addendum). */
  sendAttempt: z.object({ at: z.string() }).optional(),
  /** CONV-6 Messenger/Instagram: sent after the 24-hour window, tagged as a person's reply (Meta's HUMAN_AGENT tag, up to 7 days). */
  messagingTag: z.literal('HUMAN_AGENT').optional(),
  /** CONV-2, AI-5: a note of what Closer proposed for this conversation's lead (the proposals wait in approvals). */
  closer: z.object({ runId: z.string(), proposals: z.array(z.object({ id: z.string(), kind: z.string(), status: z.string() })) }).optional(),
  /** CONV-6: a web chat reply emailed to a visitor who had left (the address masked), and what the mail server made of it. */
  emailed: z.object({ at: z.string(), to: z.string(), status: z.enum(['queued', 'sent', 'failed']), error: z.string().optional() }).optional(),
  /** CONV-6: a web chat reply to a visitor who had left that was not emailed, and why. */
  notEmailed: z.enum(['no_email', 'suppressed', 'erased', 'restricted']).optional(),
  /** CONV-6: a visitor's message that came by email (their answer to an emailed reply). */
  viaEmail: z.boolean().optional(),
});
export type MessageMeta = z.infer<typeof messageMetaSchema>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a time like 09:00.');
const knownZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};
export const businessHoursSchema = z.strictObject({
  /** An IANA time zone (an unknown one would leave the widget open at all hours). */
  timeZone: z.string().min(1).max(64).refine(knownZone, 'Choose a time zone such as Europe/London.'),
  /** Per weekday, open ranges; a missing day is closed. */
  days: z.partialRecord(z.enum(weekdays), z.array(z.tuple([hhmm, hhmm]).refine(([from, to]) => from < to, 'The closing time must be after the opening time.')).max(4)),
});
export type BusinessHours = z.infer<typeof businessHoursSchema>;

export const messageSourceSchema = z.object({ title: z.string(), url: z.string().nullable() });
export type MessageSource = z.infer<typeof messageSourceSchema>;

const text = (max: number) => z.string().trim().max(max, `At most ${max} characters.`);
const uuid = z.uuid('Not an id.');
const origin = z
  .string()
  .trim()
  .max(200)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === s;
    } catch {
      return false;
    }
  }, 'Use an origin like https://shop.example (scheme, host and port only).');
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Use a colour like #2563eb.');
const httpUrl = z.url({ protocol: /^https?$/, message: 'Use an http(s) address.' }).max(2000);

// ---------------------------------------------------------------- widget (public)

export const widgetParams = z.strictObject({ workspaceId: uuid });
const token = z.string().min(10).max(300);
const clientId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'Letters, digits, - and _ only.');

export const widgetConfig = z.object({
  title: z.string(),
  greeting: z.string(),
  accentColor: z.string(),
  position: z.enum(['right', 'left']),
  privacyNotice: z.string().nullable(),
  privacyUrl: z.string().nullable(),
  /** Whether someone answers now; outside business hours the widget offers to leave a message and an email. */
  openNow: z.boolean(),
  /** Whether the AI assistant answers (else live chat only, AI-8). */
  assistant: z.boolean(),
  /** The booking page of the workspace's first public event type, a path on Kestrel's origin (CONV-5: offered when no assistant books). */
  bookingPath: z.string().nullable(),
});

export const startConversationBody = z.strictObject({
  /** A visitor token from an earlier page load: resumes that conversation. */
  token: token.optional(),
  page: httpUrl.optional(),
});

export const widgetMessage = z.object({
  id: z.string(),
  seq: z.number(),
  author: z.enum(['visitor', 'assistant', 'staff', 'system']),
  authorName: z.string().nullable(),
  body: z.string(),
  clientId: z.string().nullable(),
  sources: z.array(messageSourceSchema),
  createdAt: z.string(),
});
export type WidgetMessage = z.infer<typeof widgetMessage>;

export const widgetSession = z.object({
  token: z.string(),
  conversationId: z.string(),
  status: z.enum(statuses),
  holder: z.enum(['assistant', 'human']),
  rating: z.number().nullable(),
  messages: z.array(widgetMessage),
});

export const widgetTokenQuery = z.strictObject({ token, after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).meta({ format: 'int64' }).optional() });
export const widgetMessages = z.object({ status: z.enum(statuses), holder: z.enum(['assistant', 'human']), messages: z.array(widgetMessage) });
export const sendWidgetMessageBody = z.strictObject({ token, clientId, body: text(MESSAGE_MAX).min(1, 'Write a message.') });
export const tokenBody = z.strictObject({ token });
export const leaveContactBody = z.strictObject({
  token,
  name: text(200).min(1, 'Enter your name.'),
  email: z.email('Enter an email address.').max(254),
  phone: text(40).optional(),
  consent: z.boolean(),
});
export const rateBody = z.strictObject({ token, rating: z.number().int().min(1).max(5) });

// ---------------------------------------------------------------- settings and knowledge (managers)

export const workspaceParams = z.strictObject({ workspaceId: uuid });
export const widgetSettingsSchema = z.object({
  enabled: z.boolean(),
  title: z.string(),
  greeting: z.string(),
  accentColor: z.string(),
  position: z.enum(['right', 'left']),
  allowedOrigins: z.array(z.string()),
  businessHours: businessHoursSchema.nullable(),
  privacyNotice: z.string().nullable(),
  privacyUrl: z.string().nullable(),
  questions: z.array(z.string()),
  assistantEnabled: z.boolean(),
  autoAssign: z.boolean(),
  assignCap: z.number(),
  /** The one tag to paste into the site. */
  scriptTag: z.string(),
});
export const updateWidgetSettingsBody = z.strictObject({
  enabled: z.boolean().optional(),
  title: text(80).min(1).optional(),
  greeting: text(500).min(1).optional(),
  accentColor: color.optional(),
  position: z.enum(['right', 'left']).optional(),
  allowedOrigins: z.array(origin).max(20).optional(),
  businessHours: businessHoursSchema.nullable().optional(),
  privacyNotice: text(1000).nullable().optional(),
  privacyUrl: httpUrl.nullable().optional(),
  questions: z.array(text(300).min(1)).max(10).optional(),
  assistantEnabled: z.boolean().optional(),
  autoAssign: z.boolean().optional(),
  assignCap: z.number().int().min(1).max(100).optional(),
});

export const knowledgeEntrySchema = z.object({
  id: z.string(),
  kind: z.enum(['faq', 'page', 'product']),
  title: z.string(),
  body: z.string(),
  url: z.string().nullable(),
  updatedAt: z.string(),
  /** CONV-2: its text as it is now is embedded, so the assistant finds it by meaning too. */
  indexedByMeaning: z.boolean(),
});
export const knowledgeList = z.object({
  items: z.array(knowledgeEntrySchema),
  meaning: z.object({ available: z.boolean(), model: z.string().nullable(), reason: z.string().nullable() }),
});
export const knowledgeParams = z.strictObject({ workspaceId: uuid, entryId: uuid });
export const knowledgeBody = z.strictObject({ kind: z.enum(['faq', 'page']), title: text(300).min(1, 'Enter a title or question.'), body: text(50_000).min(1, 'Enter the answer or page text.'), url: httpUrl.nullable().optional() });
export const knowledgePatch = knowledgeBody.partial();
export const fetchPageBody = z.strictObject({ url: httpUrl });

// ---------------------------------------------------------------- inbox (team)

export const conversationParams = z.strictObject({ workspaceId: uuid, conversationId: uuid });
export const messageParams = z.strictObject({ workspaceId: uuid, conversationId: uuid, messageId: uuid });
export const inboxQuery = z.strictObject({
  view: z.enum(['all', 'mine', 'unassigned']).default('all'),
  channel: z.enum(channels).optional(),
  status: z.enum(statuses).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export const conversationSummary = z.object({
  id: z.string(),
  channel: z.enum(channels),
  status: z.enum(statuses),
  holder: z.enum(['assistant', 'human']),
  priority: z.enum(priorities),
  assigneeUserId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  visitorName: z.string().nullable(),
  visitorEmail: z.string().nullable(),
  contactId: z.string().nullable(),
  handoffRequested: z.boolean(),
  flagReason: z.string().nullable(),
  unread: z.number(),
  rating: z.number().nullable(),
  lastMessageAt: z.string(),
  lastMessagePreview: z.string().nullable(),
  /** CONV-6 email: the thread's subject. */
  subject: z.string().nullable(),
});
export type ConversationSummary = z.infer<typeof conversationSummary>;
export const inboxList = z.object({ items: z.array(conversationSummary) });
export const staffMessage = z.object({
  id: z.string(),
  seq: z.number(),
  author: z.enum(authorKinds),
  authorUserId: z.string().nullable(),
  authorName: z.string().nullable(),
  body: z.string(),
  sources: z.array(messageSourceSchema),
  aiCallId: z.string().nullable(),
  deliveryStatus: z.enum(deliveryStatuses).nullable(),
  meta: messageMetaSchema,
  createdAt: z.string(),
});
export const whatsappTemplateSchema = z.object({ name: z.string(), language: z.string(), category: z.string().nullable(), body: z.string(), paramCount: z.number() });
/** CONV-4, CONV-6: in a web chat, whether the visitor is connected now, and if not, where (and whether) a reply is emailed. */
export const awayStateSchema = z.object({
  connected: z.boolean(),
  lastSeenAt: z.string(),
  /** The address the visitor left, masked (`a***@example.com`). */
  emailTo: z.string().nullable(),
  notMailedBecause: z.enum(['no_email', 'suppressed', 'erased', 'restricted']).nullable(),
});
export type AwayState = z.infer<typeof awayStateSchema>;
export const conversationDetail = z.object({
  conversation: conversationSummary,
  visitor: z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable(), consent: z.boolean().nullable(), ip: z.string().nullable(), userAgent: z.string().nullable(), pageUrl: z.string().nullable() }),
  messages: z.array(staffMessage),
  /** CONV-6 WhatsApp: when free-form replies stop being allowed (null: closed or never opened), and the approved templates for after. */
  whatsapp: z.object({ windowClosesAt: z.string().nullable(), templates: z.array(whatsappTemplateSchema) }).nullable(),
  /** CONV-6 web chat: the visitor's presence and whether a reply reaches them by email (null on other channels). */
  away: awayStateSchema.nullable(),
  /** CONV-6 Messenger and Instagram: when standard replies stop (24 hours after the customer's last message), and until when a person may still reply tagged HUMAN_AGENT (null: not allowed for this app). */
  messaging: z.object({ windowClosesAt: z.string().nullable(), humanAgentClosesAt: z.string().nullable() }).nullable(),
});
export const unreadCounts = z.object({ total: z.number(), mine: z.number(), unassigned: z.number() });
const templateName = z.string().min(1).max(512).regex(/^[a-z0-9_]+$/, 'A template name: lower-case letters, digits and _.');
const templateLanguage = z.string().min(2).max(15).regex(/^[A-Za-z_]+$/, 'A language code like en_US.');
export const staffMessageBody = z.strictObject({
  kind: z.enum(['reply', 'note']).default('reply'),
  /** With a template, the body may be empty: the template's text is what is sent. */
  body: text(MESSAGE_MAX),
  clientId: clientId.optional(),
  /** CONV-6 WhatsApp outside the 24-hour window: an approved template and its {{n}} parameters. */
  template: z.strictObject({ name: templateName, language: templateLanguage, params: z.array(text(1000).min(1, 'Fill in every parameter.')).max(20).default([]) }).optional(),
}).refine((b) => b.body.length > 0 || b.template, { message: 'Write a message.', path: ['body'] });

// ---------------------------------------------------------------- channels (CONV-6)

/** CONV-6: a Messenger or Instagram connection as shown: the token and app secret are never sent back. */
const metaChannelSettings = z.object({
  connected: z.boolean(),
  pageId: z.string().nullable(),
  hasPageAccessToken: z.boolean(),
  hasAppSecret: z.boolean(),
  verifyToken: z.string().nullable(),
  humanAgent: z.boolean(),
  webhookUrl: z.string(),
});
export const channelSettingsSchema = z.object({
  email: z.object({
    inboundAddress: z.string(),
    webhookUrl: z.string(),
    webhookSecret: z.string(),
    smtpReceiver: z.boolean(),
    /** Resend Inbound: its `email.received` webhook URL, and whether its API key and signing secret are set. */
    resend: z.object({ webhookUrl: z.string(), hasApiKey: z.boolean(), hasWebhookSecret: z.boolean(), connected: z.boolean() }),
  }),
  whatsapp: z.object({
    connected: z.boolean(),
    phoneNumberId: z.string().nullable(),
    businessAccountId: z.string().nullable(),
    hasAccessToken: z.boolean(),
    hasAppSecret: z.boolean(),
    verifyToken: z.string().nullable(),
    webhookUrl: z.string(),
    displayPhone: z.string().nullable(),
    checkedAt: z.string().nullable(),
  }),
  messenger: metaChannelSettings,
  instagram: metaChannelSettings.extend({ accountId: z.string().nullable() }),
});
const graphId = z.string().trim().regex(/^\d{1,32}$/, 'Digits only, as Meta shows it.');
const metaConnectionFields = {
  pageId: graphId.nullable().optional(),
  pageAccessToken: z.string().trim().min(10).max(1000).nullable().optional(),
  appSecret: z.string().trim().min(8).max(200).nullable().optional(),
  verifyToken: z.string().trim().min(8).max(200).nullable().optional(),
  humanAgent: z.boolean().optional(),
};
export const updateChannelSettingsBody = z.strictObject({
  whatsapp: z
    .strictObject({
      phoneNumberId: graphId.nullable().optional(),
      businessAccountId: graphId.nullable().optional(),
      accessToken: z.string().trim().min(10).max(1000).nullable().optional(),
      appSecret: z.string().trim().min(8).max(200).nullable().optional(),
      verifyToken: z.string().trim().min(8).max(200).nullable().optional(),
    })
    .optional(),
  messenger: z.strictObject(metaConnectionFields).optional(),
  instagram: z.strictObject({ ...metaConnectionFields, accountId: graphId.nullable().optional() }).optional(),
  rotateInboundAddress: z.boolean().optional(),
  resend: z
    .strictObject({
      apiKey: z.string().trim().max(210).regex(/^re_[A-Za-z0-9_]{4,200}$/, 'A Resend API key starts with re_.').nullable().optional(),
      webhookSecret: z.string().trim().max(210).regex(/^whsec_[A-Za-z0-9+/=]{16,200}$/, "The webhook's signing secret starts with whsec_.").nullable().optional(),
    })
    .optional(),
});
export const whatsappCheck = z.object({ ok: z.literal(true), displayPhone: z.string().nullable(), templates: z.array(whatsappTemplateSchema) });
export const mediaParams = z.strictObject({ workspaceId: uuid, conversationId: uuid, messageId: uuid });
export const channelWorkspaceParams = z.strictObject({ workspaceId: uuid });
export const channelDisconnectParams = z.strictObject({ workspaceId: uuid, channel: z.enum(['whatsapp', 'messenger', 'instagram']) });
export const whatsappVerifyQuery = z.object({ 'hub.mode': z.string().max(40).optional(), 'hub.verify_token': z.string().max(200).optional(), 'hub.challenge': z.string().max(200).optional() });
export const updateConversationBody = z.strictObject({
  /** `me`, a teammate's user id, or null for unassigned. */
  assignee: z.union([z.literal('me'), uuid]).nullable().optional(),
  status: z.enum(statuses).optional(),
  priority: z.enum(priorities).optional(),
  /** CONV-4: with status `snoozed`, when the conversation comes back (open and unread). */
  snoozedUntil: z.iso.datetime({ offset: true, message: 'Use a date and time like 2026-05-01T09:00:00Z.' }).max(40).optional(),
});
export const eraseByContactBody = z.strictObject({ contactId: uuid });

export const cannedReplySchema = z.object({ id: z.string(), shortcut: z.string(), body: z.string() });
export const cannedParams = z.strictObject({ workspaceId: uuid, replyId: uuid });
export const cannedBody = z.strictObject({ shortcut: text(40).min(1).regex(/^[\p{L}\p{N}_-]+$/u, 'Letters, digits, - and _ only.'), body: text(MESSAGE_MAX).min(1) });
export const cannedPatch = cannedBody.partial();
