import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { tenantPolicy, workspaceIdColumn } from '../../../platform/db/tenancy-sql';
import { workspaces } from '../../workspaces/workspaces.schema';

const ts = (name: string) => timestamp(name, { withTimezone: true });
const oneOf = (column: string, values: readonly string[]) => sql.raw(`${column} IN (${values.map((v) => `'${v}'`).join(', ')})`);

export const campaignStatuses = ['scheduled', 'sending', 'paused', 'cancelled', 'completed'] as const;
export const recipientStatuses = ['queued', 'sending', 'sent', 'skipped', 'failed'] as const;

/**
 * MAIL-2: a marketing mail to an audience (a saved view of contacts, or the contacts with a tag),
 * sent now or at a time, throttled to the sending account's limits, pausable and resumable. The
 * audience is fixed when the campaign is made: one recipient row per contact.
 */
export const outreachCampaigns = pgTable(
  'outreach_campaigns',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    name: text('name').notNull(),
    /** The template it was made from; its subject and body are copied, so editing or deleting the template later changes nothing here. */
    templateId: uuid('template_id'),
    subject: text('subject').notNull(),
    html: text('html').notNull(),
    viewId: uuid('view_id'),
    tagId: uuid('tag_id'),
    status: text('status', { enum: campaignStatuses }).notNull(),
    scheduledAt: ts('scheduled_at').notNull(),
    advertisement: boolean('advertisement').notNull().default(false),
    /** Why it ended early, in words (the plan's email limit, say). */
    stopReason: text('stop_reason'),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
    /** Written by the worker sending it while it sends: a stale heartbeat means that worker died. */
    heartbeatAt: ts('heartbeat_at'),
    /** The one run sending it now (null between runs); another run takes over only once its heartbeat is stale. */
    runnerId: uuid('runner_id'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    check('outreach_campaigns_status_check', oneOf('status', campaignStatuses)),
    index('outreach_campaigns_created_idx').on(t.workspaceId, t.createdAt),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * MAIL-2: one row per contact per campaign. The campaign's one run claims a row (`sending`,
 * `claimed_at`), sends with an idempotency key naming the campaign and contact, then marks it; the
 * run that takes over from a dead one puts that one's claims back in the queue, and the key finds a
 * mail that had got through.
 */
export const outreachCampaignRecipients = pgTable(
  'outreach_campaign_recipients',
  {
    workspaceId: workspaceIdColumn(),
    campaignId: uuid('campaign_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    status: text('status', { enum: recipientStatuses }).notNull(),
    /** Why skipped or failed: no_consent, unsubscribed, bounced, plan_limit, merge_value_missing, cancelled… */
    reason: text('reason'),
    messageId: uuid('message_id'),
    attempts: integer('attempts').notNull().default(0),
    claimedAt: ts('claimed_at'),
    sentAt: ts('sent_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.campaignId, t.contactId] }),
    foreignKey({ columns: [t.workspaceId, t.campaignId], foreignColumns: [outreachCampaigns.workspaceId, outreachCampaigns.id] }).onDelete('cascade'),
    check('outreach_campaign_recipients_status_check', oneOf('status', recipientStatuses)),
    // The claim reads a campaign's queued recipients in contact order, LIMIT a batch: the index gives that order, no sort of the queue (issue 17).
    index('outreach_campaign_recipients_status_idx').on(t.workspaceId, t.campaignId, t.status, t.contactId),
    // Throttling counts what was claimed (sent or in flight) in the last minute and day.
    index('outreach_campaign_recipients_claimed_idx').on(t.workspaceId, t.claimedAt),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
