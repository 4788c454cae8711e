import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { withTenant } from '../../platform/db/tenant';
import { defineJob } from '../../platform/jobs/jobs';
import { queueMail } from '../../platform/mail/outbox';
import type { Services } from '../../platform/services';
import { workspaceProfile, workspaceMembers } from '../workspaces';
import { agentRuns } from './agents.schema';

/** The scheduled Strategist run that writes the weekly brief (weeklyBriefJob starts it). */
export const isScheduledBrief = (run: { agent: string; task: string; trigger: string }) => run.agent === 'strategist' && run.task === 'weekly_brief' && run.trigger === 'schedule';

/**
 * AI-2: mails a weekly brief that succeeded to the workspace's owners and admins (staff and
 * clients do not get the business's overview). Enqueued in the transaction that records the
 * run's success, so a failed run mails nothing. All mails are queued in one transaction: a
 * retry sends to everyone or no one.
 */
export const weeklyBriefMailJob = defineJob({
  name: 'agents_weekly_brief_mail',
  version: 1,
  payload: z.object({ workspaceId: z.uuid(), runId: z.uuid() }),
  maxAttempts: 5,
  async run({ workspaceId, runId }, services) {
    await mailWeeklyBrief(services, workspaceId, runId);
  },
});

/** Queues the brief to each owner and admin; returns the addresses it was queued to. */
export async function mailWeeklyBrief(services: Services, workspaceId: string, runId: string): Promise<string[]> {
  const { database, config, mail } = services;
  return withTenant(database.db, { workspaceId, userId: null }, async (tx) => {
    const [run] = await tx.select().from(agentRuns).where(and(eq(agentRuns.workspaceId, workspaceId), eq(agentRuns.id, runId)));
    if (!run || run.status !== 'succeeded' || !run.result || !isScheduledBrief(run)) return [];
    const ws = await workspaceProfile(tx, workspaceId);
    const recipients = await workspaceMembers(tx, workspaceId, { roles: ['owner', 'admin'] });
    const values = {
      workspaceName: ws?.name ?? 'your workspace',
      summary: run.result.summary,
      findings: run.result.findings.map((f) => ({ title: f.title, detail: f.detail })),
      url: `${config.publicUrl}/w/${workspaceId}/agents/runs/${runId}`,
    };
    for (const r of recipients) await queueMail(tx, mail.from, r.email, 'weeklyBrief', { ...values, name: r.name });
    return recipients.map((r) => r.email);
  });
}
