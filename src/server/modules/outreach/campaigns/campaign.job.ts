import { z } from 'zod';
import type { Queryable } from '../../../platform/db/database';
import { defineJob, enqueue } from '../../../platform/jobs/jobs';
import { resumeStalledCampaigns, runCampaign } from './send-campaign';

/** MAIL-2: sends a campaign in batches, for a slice of time, then hands over to a fresh job. */
export const campaignJob = defineJob({
  name: 'outreach_campaign_send',
  version: 1,
  payload: z.object({ workspaceId: z.uuid(), campaignId: z.uuid() }),
  maxAttempts: 25,
  async run({ workspaceId, campaignId }, services) {
    await runCampaign(services, workspaceId, campaignId);
  },
});

/** MAIL-2: every minute, campaigns whose worker stopped (killed, crashed) are handed to a live one. */
export const campaignSweepJob = defineJob({
  name: 'outreach_campaign_sweep',
  version: 1,
  payload: z.object({}),
  cron: '* * * * *',
  maxAttempts: 1,
  async run(_payload, services) {
    await resumeStalledCampaigns(services);
  },
});

/** Hands the campaign to a worker at `at` (now when absent); a job already waiting is moved, not doubled (one job key per campaign). */
export async function scheduleCampaignJob(tx: Queryable, workspaceId: string, campaignId: string, at?: Date): Promise<void> {
  await enqueue(tx, campaignJob, { workspaceId, campaignId }, { workspaceId, jobKey: `outreach-campaign:${campaignId}`, ...(at ? { runAt: at } : {}) });
}
