import { sql } from 'drizzle-orm';
import { Logger as WorkerLogger, run, type Runner, type TaskList } from 'graphile-worker';
import type { Logger } from 'pino';
import type pg from 'pg';
import { z } from 'zod';
import type { Queryable } from '../db/database';
import type { Services } from '../services';

/**
 * A background job: a name, a payload version and a zod payload. Tenant jobs carry their
 * workspaceId in the payload; platform jobs (mail to a user) carry null.
 */
export interface JobDefinition<P extends z.ZodType> {
  name: string;
  version: number;
  payload: P;
  maxAttempts?: number;
  /** A crontab schedule (`0 * * * *`): the job also runs on its own, with an empty payload. */
  cron?: string;
  /** `attempt` says which try this is (1-based) of `maxAttempts` (absent when run by hand: the only try). */
  run(payload: z.infer<P>, services: Services, attempt?: JobAttempt): Promise<void>;
}

export interface JobAttempt {
  number: number;
  max: number;
}

export function defineJob<P extends z.ZodType>(definition: JobDefinition<P>): JobDefinition<P> {
  return definition;
}

const envelope = z.object({ v: z.number().int(), workspaceId: z.uuid().nullable(), data: z.unknown() });

/**
 * Adds a job inside the caller's transaction: it exists only if the change that caused it commits.
 */
export async function enqueue<P extends z.ZodType>(
  tx: Queryable,
  job: JobDefinition<P>,
  data: z.infer<P>,
  options: { workspaceId?: string | null; runAt?: Date; jobKey?: string } = {},
): Promise<void> {
  const payload = { v: job.version, workspaceId: options.workspaceId ?? null, data: job.payload.parse(data) };
  await tx.execute(
    sql`SELECT kestrel_enqueue(${job.name}, ${JSON.stringify(payload)}::json, ${options.runAt?.toISOString() ?? null}::timestamptz, ${job.maxAttempts ?? 10}, ${options.jobKey ?? null})`,
  );
}

export class JobRunner {
  private runner: Runner | undefined;
  private readonly definitions = new Map<string, JobDefinition<z.ZodType>>();

  register(...jobs: JobDefinition<z.ZodType>[]): void {
    for (const job of jobs) {
      if (this.definitions.has(job.name)) throw new Error(`Job "${job.name}" registered twice`);
      this.definitions.set(job.name, job);
    }
  }

  private taskList(services: Services): TaskList {
    const list: TaskList = {};
    for (const [name, job] of this.definitions) {
      list[name] = async (raw, helpers) => {
        if (job.cron && raw && typeof raw === 'object' && '_cron' in raw) {
          await job.run(job.payload.parse({}), services, { number: helpers.job.attempts, max: helpers.job.max_attempts });
          return;
        }
        const { v, data } = envelope.parse(raw);
        if (v !== job.version) throw new Error(`Job ${name} payload v${v} cannot be run by v${job.version}`);
        await job.run(job.payload.parse(data), services, { number: helpers.job.attempts, max: helpers.job.max_attempts });
        helpers.logger.debug(`job ${name} done`);
      };
    }
    return list;
  }

  /** Starts processing jobs (LISTEN/NOTIFY wakes it at once; it also polls). */
  async start(services: Services, pool: pg.Pool, concurrency: number, logger: Logger): Promise<void> {
    if (concurrency === 0) return;
    const workerLogger = new WorkerLogger((scope) => (level, message, meta) => {
      const method = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
      logger[method]({ scope: { label: scope.label, jobId: scope.jobId, taskIdentifier: scope.taskIdentifier }, meta }, message);
    });
    const crontab = [...this.definitions.values()]
      .filter((j) => j.cron)
      .map((j) => `${j.cron} ${j.name} ?max=1`)
      .join('\n');
    this.runner = await run({ pgPool: pool, taskList: this.taskList(services), crontab, concurrency, noHandleSignals: true, pollInterval: 1000, logger: workerLogger });
  }

  async stop(): Promise<void> {
    await this.runner?.stop();
    this.runner = undefined;
  }
}
