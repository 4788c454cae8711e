import { z } from 'zod';
import { defineJob } from '../../../platform/jobs/jobs';
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
