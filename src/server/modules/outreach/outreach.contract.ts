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
