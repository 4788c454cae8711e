// Every job handler and every module's listener on another's events, registered at boot by a
// process that may run jobs (platform/boot.ts loads this file lazily: a CLI command does without).
import { maintenanceSweepJob } from './maintenance.job';
import { scheduledBackupJob } from './backup.job';
import { onMailOutcome, sendMailJob } from '../mail/outbox';
import { importJob } from '../../modules/imports/import.job';
import { rescoreAgingRulesJob, rescoreWorkspaceJob } from '../../modules/rules/rescore.job';
import { bulkOperationJob } from '../../modules/bulk/bulk.job';
import { taskReminderJob, taskReminderSweepJob } from '../../modules/activities/task-reminder.job';
import { bookingReminderJob } from '../../modules/booking/booking-mail';
import { calendarSyncJob } from '../../modules/booking/calendar-sync';
import { calendarChannelRenewJob, calendarWatchJob } from '../../modules/integrations/calendar-channels';
import { onBookingEvent } from '../../modules/booking';
import { registerOutreachListeners } from '../../modules/outreach';
import { queueNoShowRecovery } from '../../modules/agents/no-show-recovery';
import { agentRunJob, weeklyBriefJob } from '../../modules/agents/agent-run.job';
import { lowStockJob } from '../../modules/invoicing/low-stock.job';
import { staleRunSweepJob } from '../../modules/agents/stale-runs.job';
import { weeklyBriefMailJob } from '../../modules/agents/weekly-brief-mail.job';
import { dncImportJob } from '../../modules/outreach/calls/dnc-import.job';
import { campaignJob, campaignSweepJob } from '../../modules/outreach/campaigns/campaign.job';
import { sequenceDueJob } from '../../modules/outreach/sequences/sequence.job';
import { billingPurgeJob } from '../../modules/billing/purge.job';
import { billingReconcileJob } from '../../modules/billing/reconcile.job';
import { retentionJob } from '../../modules/privacy/run-retention';
import { accountPurgeJob } from '../../modules/privacy/delete-account';
import { workspacePurgeJob } from '../../modules/privacy/close-workspace';
import { privacyAccountExportJob, privacyExportJob, privacyExportSweepJob } from '../../modules/privacy/export.job';
import { conversationJobs } from '../../modules/conversations/conversations.jobs';
import { EMAIL_REPLY_TEMPLATE, emailReplyOutcome } from '../../modules/conversations/channels/email';
import { AWAY_MAIL_TEMPLATE, awayMailOutcome } from '../../modules/conversations/away-mail';
import { semanticIndexJob, semanticIndexRefreshJob } from '../../modules/brain/semantic-index';
import type { JobRunner } from './jobs';

export { sweepStaleRuns } from '../../modules/agents/stale-runs.job';
export { resumeStalledCampaigns } from '../../modules/outreach/campaigns/send-campaign';

export function registerAllJobs(jobs: JobRunner): void {
  jobs.register(sendMailJob, maintenanceSweepJob, scheduledBackupJob);
  jobs.register(importJob);
  jobs.register(rescoreWorkspaceJob, rescoreAgingRulesJob, bulkOperationJob);
  jobs.register(taskReminderJob, taskReminderSweepJob);
  jobs.register(agentRunJob, weeklyBriefJob, weeklyBriefMailJob, staleRunSweepJob);
  jobs.register(semanticIndexJob, semanticIndexRefreshJob);
  jobs.register(...conversationJobs);
    onMailOutcome(EMAIL_REPLY_TEMPLATE, emailReplyOutcome);
    onMailOutcome(AWAY_MAIL_TEMPLATE, awayMailOutcome);
  jobs.register(bookingReminderJob, calendarSyncJob, calendarWatchJob, calendarChannelRenewJob);
    onBookingEvent(queueNoShowRecovery);
    registerOutreachListeners();
  jobs.register(lowStockJob);
  jobs.register(dncImportJob, campaignJob, campaignSweepJob, sequenceDueJob);
  jobs.register(billingReconcileJob, billingPurgeJob);
  jobs.register(privacyExportJob, privacyAccountExportJob, privacyExportSweepJob, retentionJob, accountPurgeJob, workspacePurgeJob);
}
