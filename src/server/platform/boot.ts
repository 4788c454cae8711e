import type { Logger } from 'pino';
import { OWASP_ARGON2 } from './auth/passwords';
import type { Config } from './config';
import { resolveSecrets } from './crypto/dev-secrets';
import { createDatabase } from './db/database';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded';
import { migrate } from './db/migrate';
import { RateLimiter } from './http/rate-limit';
import { JobRunner } from './jobs/jobs';
import { createMailTransport } from './mail/transport';
import { configureBilling } from '../modules/billing/limits';
import type { Services } from './services';
import { Realtime } from './realtime/realtime';

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
export async function startPlatform(config: Config, logger: Logger, options: { runJobs?: boolean; handlers?: boolean } = {}): Promise<Platform> {
  if (options.handlers === false && options.runJobs !== false) throw new Error('startPlatform: jobs cannot run without their handlers');
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
  // The job handlers and the modules' listeners are loaded only by a process that may run them: a
  // CLI command (an export of a million rows) does without the code of every job (issue 20).
  if (options.handlers !== false) (await import('./jobs/all-jobs')).registerAllJobs(jobs);
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
    const { sweepStaleRuns, resumeStalledCampaigns } = await import('./jobs/all-jobs');
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
