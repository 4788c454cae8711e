import type { Logger } from 'pino';
import type { PasswordPolicy } from './auth/passwords';
import type { Config } from './config';
import type { Secrets } from './crypto/dev-secrets';
import type { Database } from './db/database';
import type { RateLimiter } from './http/rate-limit';
import type { JobRunner } from './jobs/jobs';
import type { MailTransport } from './mail/transport';
import type { Realtime } from './realtime/realtime';

/** What the platform hands to every module and job. Built once in main.ts (or a test helper). */
export interface Services {
  config: Config;
  logger: Logger;
  database: Database;
  secrets: Secrets;
  mail: { transport: MailTransport; from: string };
  jobs: JobRunner;
  rateLimit: RateLimiter;
  passwordPolicy: PasswordPolicy;
  /** LISTEN/NOTIFY fan-out to this instance's live clients (CONV-4). */
  realtime: Realtime;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}
