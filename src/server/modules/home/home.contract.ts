import { z } from 'zod';
import { activitySchema } from '../activities/activities.contract';
import { proposalSchema } from '../agents/agents.contract';
import { crmSummarySchema } from '../crm/crm-settings.contract';
import { contactSchema, dealSchema } from '../crm/crm.contract';

export const homeParams = z.strictObject({ workspaceId: z.uuid('Not a workspace id.') });

const moneyTotals = z.array(z.object({ currency: z.string(), amount: z.string() }));

/**
 * The home page's cockpit in one answer, for the signed-in member and only what they may see.
 * Sections a role has no access to (a client's tasks, approvals and activity) are null.
 */
export const homeSchema = z
  .object({
    /** The workspace's money and calendar, to show amounts and "today" as the business does. */
    workspace: z.object({ name: z.string(), currency: z.string(), country: z.string().nullable(), timeZone: z.string() }),
    summary: crmSummarySchema,
    /** My open tasks due today or already overdue, soonest first. */
    tasks: z.object({ items: z.array(activitySchema), count: z.number().int(), capped: z.boolean() }).nullable(),
    /** Agents' proposals waiting for my decision (AI-5). */
    approvals: z.object({ items: z.array(proposalSchema), pendingCount: z.number().int() }).nullable(),
    /** Leads that came in during the last 7 days. */
    newLeads: z.object({ days: z.number().int(), items: z.array(contactSchema), count: z.number().int(), capped: z.boolean() }),
    /** Open deals expected to close this calendar month. */
    closingThisMonth: z.object({ month: z.string(), items: z.array(dealSchema), count: z.number().int(), totals: moneyTotals }),
    /** Open deals per stage of each pipeline: the chart. */
    pipelines: z.array(
      z.object({
        id: z.uuid(),
        name: z.string(),
        stages: z.array(z.object({ id: z.uuid(), name: z.string(), probability: z.number().int(), count: z.number().int(), totals: moneyTotals })),
      }),
    ),
    /** What the team logged most recently. */
    recentActivity: z.array(activitySchema).nullable(),
  })
  .meta({ id: 'Home' });

export type Home = z.infer<typeof homeSchema>;
