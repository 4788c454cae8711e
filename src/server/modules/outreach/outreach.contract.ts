import { z } from 'zod';

/** Request and response shapes of outreach (MAIL-1…MAIL-5), shared with the web app. */

export const mailStreamSchema = z.enum(['transactional', 'marketing'], 'Choose transactional or marketing.');
/** Sources a person may record; the unsubscribe sources are recorded by Kestrel itself. */
export const grantSourceSchema = z.enum(['form', 'import', 'double_opt_in', 'manual'], 'Choose form, import, double_opt_in or manual.');

export const workspaceParams = z.strictObject({ workspaceId: z.uuid() });
export const contactParams = z.strictObject({ workspaceId: z.uuid(), contactId: z.uuid() });
export const tokenParams = z.strictObject({ token: z.string().min(1).max(200) });

export const sendBody = z.strictObject({
  contactId: z.uuid(),
  stream: mailStreamSchema,
  subject: z.string().trim().min(1).max(250),
  /** HTML, sanitised like a note. */
  html: z.string().min(1).max(100_000),
  advertisement: z.boolean().optional(),
});
export const sendResult = z.object({ status: z.enum(['sent', 'already_sent']), messageId: z.uuid() });

export const consentBody = z.strictObject({
  state: z.enum(['granted', 'withdrawn'], 'Choose granted or withdrawn.'),
  source: grantSourceSchema,
  /** Where the consent was given: the form's address, the import file and column, the confirming message. */
  proof: z.string().trim().max(2000).optional(),
});

export const mailStatusSchema = z.object({
  consentState: z.enum(['unknown', 'granted', 'denied', 'withdrawn']),
  consent: z.object({ state: z.enum(['granted', 'withdrawn']), source: z.string(), proof: z.string().nullable(), recordedAt: z.string() }).nullable(),
  suppression: z.object({ reason: z.enum(['unsubscribed', 'bounced', 'complained', 'erased']), source: z.string(), createdAt: z.string() }).nullable(),
  restricted: z.boolean(),
  marketingAllowed: z.boolean(),
});
export type MailStatus = z.infer<typeof mailStatusSchema>;

/** RFC 8058: a mail client posts `List-Unsubscribe=One-Click`; our own page says it came from the footer link. */
export const unsubscribeBody = z
  .object({ 'List-Unsubscribe': z.string().max(50).optional(), via: z.enum(['page']).optional() })
  .optional();
export const unsubscribePageSchema = z.object({ workspaceName: z.string(), unsubscribed: z.boolean() });

/** MAIL-4: a subscription form (on the business's site, or any client) asks for a double opt-in. */
export const subscribeBody = z.object({
  email: z.email('An email address.').max(254),
  firstName: z.string().trim().max(100).optional(),
  /** The page the form is on, kept as proof of where consent was asked. */
  pageUrl: z.url().max(500).optional(),
});
export const subscribeResult = z.object({ status: z.literal('check_your_inbox') });
export const optInPageSchema = z.object({ workspaceName: z.string(), confirmed: z.boolean(), expired: z.boolean() });

// ---------------------------------------------------------------- sending accounts (MAIL-1)

const accountCommon = {
  stream: z.enum(['marketing', 'transactional', 'both'], 'Choose marketing, transactional or both.').optional(),
  fromName: z.string().trim().min(1).max(100).refine((s) => !/[\r\n"<>]/.test(s), 'No quotes, angle brackets or line breaks.'),
  fromAddress: z.email('An email address.').max(254),
  perMinute: z.number().int().min(1).max(10_000).optional(),
  dailyCap: z.number().int().min(1).max(1_000_000).optional(),
};
const hostname = z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.-]+$/, 'A host name like smtp.example.com.');
export const sendingAccountBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('smtp'),
    ...accountCommon,
    smtpHost: hostname,
    smtpPort: z.number().int().min(1).max(65_535),
    smtpSecure: z.boolean().optional(),
    smtpUser: z.string().max(254).optional(),
    secret: z.string().min(1).max(1000).optional(),
    dkimSelector: z.string().trim().min(1).max(63).regex(/^[A-Za-z0-9_-]+$/, 'Letters, digits, - and _.').optional(),
    dkimPrivateKey: z.string().max(10_000).refine((s) => /-----BEGIN (RSA )?PRIVATE KEY-----/.test(s), 'A PEM private key.').optional(),
  }),
  z.strictObject({
    kind: z.literal('resend'),
    ...accountCommon,
    secret: z.string().trim().min(1).max(200),
    /** MAIL-3: the signing secret of the Resend webhook pointed at this account's webhook address. */
    webhookSecret: z.string().trim().max(210).regex(/^whsec_[A-Za-z0-9+/=]{16,200}$/, 'The signing secret Resend shows, starting whsec_.').optional(),
  }),
  /** MAIL-1: the signed-in member's connected mailbox (connect it first under integrations); fromAddress is that mailbox's address. */
  z.strictObject({ kind: z.literal('gmail'), ...accountCommon }),
  z.strictObject({ kind: z.literal('outlook'), ...accountCommon }),
]);
export type SendingAccountBody = z.infer<typeof sendingAccountBody>;
export const accountParams = z.strictObject({ workspaceId: z.uuid(), accountId: z.uuid() });
export const sendingAccountSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['smtp', 'resend', 'gmail', 'outlook']),
  stream: z.enum(['marketing', 'transactional', 'both']),
  /** Gmail and Outlook: whether the member's connection still works; `reconnect` stops sends until they connect again. Null for SMTP and Resend. */
  connection: z.enum(['connected', 'reconnect']).nullable(),
  fromName: z.string(),
  fromAddress: z.string(),
  domain: z.string(),
  smtpHost: z.string().nullable(),
  smtpPort: z.number().nullable(),
  smtpSecure: z.boolean(),
  smtpUser: z.string().nullable(),
  hasSecret: z.boolean(),
  dkimSelector: z.string().nullable(),
  dkimSigned: z.boolean(),
  /** MAIL-3: where Resend posts delivery events for this account (null for SMTP). */
  webhookUrl: z.string().nullable(),
  perMinute: z.number(),
  dailyCap: z.number(),
  /** MAIL-1, SEC-2: never the secret: "set" for a password, the last four characters of an API key. */
  secretHint: z.string().nullable(),
  webhookSecretSet: z.boolean(),
  /** The streams this account is the chosen default for (otherwise the oldest account serving a stream sends it). */
  defaultFor: z.array(z.enum(['marketing', 'transactional'])),
  /** Why it cannot send now, in words (a Gmail/Outlook grant revoked): null when it can. */
  problem: z.string().nullable(),
  createdAt: z.string(),
});
export type SendingAccount = z.infer<typeof sendingAccountSchema>;
/** MAIL-1: change how an account is used; `defaultFor` makes it the default of that stream (and lets it serve it). */
export const sendingAccountPatch = z.strictObject({
  stream: accountCommon.stream,
  fromName: accountCommon.fromName.optional(),
  perMinute: accountCommon.perMinute,
  dailyCap: accountCommon.dailyCap,
  defaultFor: mailStreamSchema.optional(),
});
/** MAIL-1: what removing an account changes: the streams it sends now and where they go next (null: Kestrel's own address), the campaigns and sequences that carry on from there, and whether the remover's own mailbox is disconnected with it. */
export const sendingAccountRemovalSchema = z.object({
  fromAddress: z.string(),
  streams: z.array(z.object({ stream: mailStreamSchema, nextFrom: z.object({ fromAddress: z.string(), kind: z.enum(['smtp', 'resend', 'gmail', 'outlook']) }).nullable() })),
  campaigns: z.array(z.object({ id: z.uuid(), name: z.string(), status: z.enum(['scheduled', 'sending', 'paused', 'cancelled', 'completed']) })),
  sequences: z.array(z.object({ id: z.uuid(), name: z.string(), activeEnrolments: z.number() })),
  disconnectsMailbox: z.boolean(),
}).meta({ id: 'SendingAccountRemoval' });
export const testSendBody = z.strictObject({ to: z.email('An email address.').max(254).optional() });
export const testSendResult = z.object({ sentTo: z.string(), messageId: z.string().nullable() });
export const domainCheckSchema = z.object({
  domain: z.string(),
  records: z.array(z.object({ kind: z.enum(['spf', 'dkim', 'dmarc']), name: z.string(), found: z.string().nullable(), ok: z.boolean(), advice: z.string().nullable() })),
  ok: z.boolean(),
});

// ---------------------------------------------------------------- templates (MAIL-2)

/** MAIL-2: the merge fields a template may use (`{{contact.firstName | "fallback"}}`). */
export const mergeFieldNames = ['contact.firstName', 'contact.lastName', 'contact.fullName', 'contact.email', 'contact.title', 'company.name', 'workspace.name', 'sender.name'] as const;

export const templateBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  subject: z.string().trim().min(1).max(250),
  html: z.string().min(1).max(100_000),
  /** Marketing (consent, footer, unsubscribe) or transactional mail; marketing unless said. */
  stream: mailStreamSchema.optional(),
  /** CALL-1: a call script (shown in the call list, never sent) instead of an email template; fixed once made. */
  kind: z.enum(['email', 'call_script']).optional(),
});
export const templatePatch = templateBody.omit({ kind: true }).partial();
export const templateParams = z.strictObject({ workspaceId: z.uuid(), templateId: z.uuid() });
export const templateSchema = z.object({ id: z.uuid(), kind: z.enum(['email', 'call_script']), stream: mailStreamSchema, name: z.string(), subject: z.string(), html: z.string(), createdAt: z.string(), updatedAt: z.string() });
export const templatesQuery = z.strictObject({ kind: z.enum(['email', 'call_script']).optional() });
export const previewBody = z.strictObject({ contactId: z.uuid() });
export const previewSchema = z.object({ subject: z.string(), html: z.string(), text: z.string() });
/** MAIL-2: a draft (not yet saved) rendered for a real contact, as the send path would see it. */
export const draftPreviewBody = z.strictObject({ contactId: z.uuid(), subject: z.string().max(250), html: z.string().max(100_000) });
export const draftPreviewSchema = z.object({
  subject: z.string(),
  html: z.string(),
  text: z.string(),
  /** Set when this contact's send would be blocked: the field without a value and the sentence the send path gives. */
  blocked: z.object({ field: z.string(), message: z.string() }).nullable(),
  /** Every field without a value and without a fallback for this contact. */
  missing: z.array(z.string()),
});

/** MAIL-3: own open and click tracking for the workspace's marketing mail. */
export const outreachSettingsSchema = z.object({ trackEngagement: z.boolean() });
export const outreachSettingsPatch = z.strictObject({ trackEngagement: z.boolean() });
export const trackParams = z.strictObject({ token: z.string().min(1).max(200) });
export const clickQuery = z.object({ u: z.string().min(1).max(4000) }).loose();
export const sendTemplateBody = z.strictObject({ contactId: z.uuid(), stream: mailStreamSchema.optional(), advertisement: z.boolean().optional() });

export const webhookParams = z.strictObject({ workspaceId: z.uuid(), accountId: z.uuid() });
export const deliverySummarySchema = z.object({ sent: z.number(), delivered: z.number(), opened: z.number(), clicked: z.number(), bounced: z.number(), complained: z.number() });
