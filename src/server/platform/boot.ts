import type { Logger } from 'pino';
import { OWASP_ARGON2 } from './auth/passwords';
import type { Config } from './config';
import { resolveSecrets } from './crypto/dev-secrets';
import { createDatabase } from './db/database';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded';
import { migrate } from './db/migrate';
import { RateLimiter } from './http/rate-limit';
import { JobRunner } from './jobs/jobs';
import { maintenanceSweepJob } from './jobs/maintenance.job';
import { scheduledBackupJob } from './jobs/backup.job';
import { onMailOutcome, sendMailJob } from './mail/outbox';
import { importJob } from '../modules/imports/import.job';
import { rescoreAgingRulesJob, rescoreWorkspaceJob } from '../modules/rules/rescore.job';
import { bulkOperationJob } from '../modules/bulk/bulk.job';
import { taskReminderJob, taskReminderSweepJob } from '../modules/activities/task-reminder.job';
import { bookingReminderJob } from '../modules/booking/booking-mail';
import { calendarSyncJob } from '../modules/booking/calendar-sync';
import { calendarChannelRenewJob, calendarWatchJob } from '../modules/integrations/calendar-channels';
import { onBookingEvent } from '../modules/booking';
import { registerOutreachListeners } from '../modules/outreach';
import { queueNoShowRecovery } from '../modules/agents/no-show-recovery';
import { agentRunJob, weeklyBriefJob } from '../modules/agents/agent-run.job';
import { lowStockJob } from '../modules/invoicing/low-stock.job';
import { staleRunSweepJob, sweepStaleRuns } from '../modules/agents/stale-runs.job';
import { weeklyBriefMailJob } from '../modules/agents/weekly-brief-mail.job';
import { dncImportJob } from '../modules/outreach/calls/dnc-import.job';
import { campaignJob, campaignSweepJob } from '../modules/outreach/campaigns/campaign.job';
import { resumeStalledCampaigns } from '../modules/outreach/campaigns/send-campaign';
import { sequenceDueJob } from '../modules/outreach/sequences/sequence.job';
import { createMailTransport } from './mail/transport';
import { configureBilling } from '../modules/billing/limits';
import { billingPurgeJob } from '../modules/billing/purge.job';
import { billingReconcileJob } from '../modules/billing/reconcile.job';
import type { Services } from './services';
import { Realtime } from './realtime/realtime';
import { retentionJob } from '../modules/privacy/run-retention';
import { accountPurgeJob } from '../modules/privacy/delete-account';
import { workspacePurgeJob } from '../modules/privacy/close-workspace';
import { privacyAccountExportJob, privacyExportJob, privacyExportSweepJob } from '../modules/privacy/export.job';
import { conversationJobs } from '../modules/conversations/conversations.jobs';
import { EMAIL_REPLY_TEMPLATE, emailReplyOutcome } from '../modules/conversations/channels/email';
import { semanticIndexJob, semanticIndexRefreshJob } from '../modules/brain/semantic-index';

export interface Platform {
  services: Services;
  embedded: EmbeddedDatabase | null;
  /** Stops jobs, closes pools, stops embedded PostgreSQL. Safe to call twice. */
  shutdown(): Promise<void>;
}

/**
 * Everything but HTTP: the database (embedded when DATABASE_URL is unset), migrations,
 * secrets, mail and jobs. Used by main.ts, the CLI and the tests alike.
 */
export async function startPlatform(config: Config, logger: Logger, options: { runJobs?: boolean } = {}): Promise<Platform> {
  let embedded: EmbeddedDatabase | null = null;
  let ownerUrl = config.DATABASE_URL;
  if (!ownerUrl) {
    const pgLog = logger.child({ component: 'postgres' });
    embedded = await startEmbeddedPostgres({ dataDir: config.DATA_DIR, port: config.EMBEDDED_PG_PORT, log: (m) => pgLog.debug(m) });
    await ensureDatabase(embedded.adminUrl, 'kestrel');
    ownerUrl = embedded.urlFor('kestrel');
  }
  try {
    await migrate(ownerUrl);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  const database = createDatabase({ ownerUrl, appUrl: config.DATABASE_APP_URL, poolSize: config.DATABASE_POOL_SIZE });
  configureBilling(config);
  const jobs = new JobRunner();
  jobs.register(sendMailJob, maintenanceSweepJob, scheduledBackupJob);
  jobs.register(importJob);
  jobs.register(rescoreWorkspaceJob, rescoreAgingRulesJob, bulkOperationJob);
  jobs.register(taskReminderJob, taskReminderSweepJob);
  jobs.register(agentRunJob, weeklyBriefJob, weeklyBriefMailJob, staleRunSweepJob);
  jobs.register(semanticIndexJob, semanticIndexRefreshJob);
  jobs.register(...conversationJobs);
  onMailOutcome(EMAIL_REPLY_TEMPLATE, emailReplyOutcome);
  jobs.register(bookingReminderJob, calendarSyncJob, calendarWatchJob, calendarChannelRenewJob);
  onBookingEvent(queueNoShowRecovery);
  registerOutreachListeners();
  jobs.register(lowStockJob);
  jobs.register(dncImportJob, campaignJob, campaignSweepJob, sequenceDueJob);
  jobs.register(billingReconcileJob, billingPurgeJob);
  jobs.register(privacyExportJob, privacyAccountExportJob, privacyExportSweepJob, retentionJob, accountPurgeJob, workspacePurgeJob);
  const services: Services = {
    config,
    logger,
    database,
    secrets: resolveSecrets(config),
    mail: { transport: createMailTransport(config), from: config.MAIL_FROM },
    jobs,
    rateLimit: new RateLimiter(database.db),
    passwordPolicy: { memoryCost: Math.max(config.ARGON2_MEMORY_KIB, OWASP_ARGON2.memoryCost), timeCost: Math.max(config.ARGON2_ITERATIONS, OWASP_ARGON2.timeCost) },
    realtime: new Realtime(ownerUrl, logger.child({ component: 'realtime' })),
  };
  await services.realtime.start();
  if (options.runJobs !== false) {
    await jobs.start(services, database.systemPool, config.WORKER_CONCURRENCY, logger.child({ component: 'jobs' }));
    // AI-2: runs this (or another) instance was working on when it stopped are ended now, not at the next sweep.
    await sweepStaleRuns(services).catch((e) => logger.warn({ err: e }, 'sweeping interrupted agent runs failed'));
    // MAIL-2: campaigns whose worker died (a kill -9, a lost machine) carry on here.
    await resumeStalledCampaigns(services).catch((e) => logger.warn({ err: e }, 'resuming stalled campaigns failed'));
  }

  let stopped = false;
  return {
    services,
    embedded,
    async shutdown() {
      if (stopped) return;
      stopped = true;
      await jobs.stop().catch((e) => logger.warn({ err: e }, 'stopping jobs failed'));
      await services.realtime.stop();
      await services.mail.transport.close().catch(() => {});
      await database.close().catch(() => {});
      await embedded?.stop().catch((e) => logger.warn({ err: e }, 'stopping PostgreSQL failed'));
    },
  };
}
