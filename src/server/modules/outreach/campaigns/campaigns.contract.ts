import { z } from 'zod';
import { campaignStatuses, recipientStatuses } from './campaigns.schema';

/** Request and response shapes of campaigns (MAIL-2, MAIL-3), shared with the web app. */

export const campaignParams = z.strictObject({ workspaceId: z.uuid(), campaignId: z.uuid() });

export const campaignBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    templateId: z.uuid(),
    /** The audience: a saved view of contacts, or every contact with a tag. */
    viewId: z.uuid().optional(),
    tagId: z.uuid().optional(),
    /** When to send; absent or past means now. */
    sendAt: z.iso.datetime({ offset: true }).max(40).optional(),
    advertisement: z.boolean().optional(),
  })
  .refine((b) => (b.viewId ? 1 : 0) + (b.tagId ? 1 : 0) === 1, { message: 'Choose the audience: a saved view (viewId) or a tag (tagId), one of them.', path: ['viewId'] });
export type CampaignBody = z.infer<typeof campaignBody>;

export const campaignCountsSchema = z.object({
  total: z.number().int(),
  queued: z.number().int(),
  sending: z.number().int(),
  sent: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  delivered: z.number().int(),
  opened: z.number().int(),
  clicked: z.number().int(),
  bounced: z.number().int(),
  complained: z.number().int(),
});

export const campaignSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  templateId: z.uuid().nullable(),
  subject: z.string(),
  viewId: z.uuid().nullable(),
  tagId: z.uuid().nullable(),
  status: z.enum(campaignStatuses),
  scheduledAt: z.string(),
  advertisement: z.boolean(),
  stopReason: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  counts: campaignCountsSchema,
  /** Why recipients were skipped or failed, with how many each. */
  reasons: z.array(z.object({ reason: z.string(), count: z.number().int() })),
});
export type Campaign = z.infer<typeof campaignSchema>;

export const recipientsQuery = z.strictObject({
  status: z.enum(recipientStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const recipientSchema = z.object({
  contactId: z.uuid(),
  name: z.string(),
  status: z.enum(recipientStatuses),
  reason: z.string().nullable(),
  sentAt: z.string().nullable(),
});
