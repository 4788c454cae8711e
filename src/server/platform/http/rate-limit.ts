import { sql } from 'drizzle-orm';
import type { Db } from '../db/database';
import { AppError } from './errors';

export interface Limit {
  /** Bucket name and subject, e.g. `sign-in:ip:1.2.3.4`. */
  key: string;
  max: number;
  windowSeconds: number;
}

/**
 * AUTH-7: fixed-window counters in PostgreSQL, so every app instance counts the same hits.
 * The message never says whether an account exists.
 */
export class RateLimiter {
  constructor(private readonly db: Db) {}

  async hit(...limits: Limit[]): Promise<void> {
    for (const limit of limits) {
      const { rows } = await this.db.execute<{ hits: number; window_ends_at: Date }>(sql`
        INSERT INTO rate_limit_buckets (key, hits, window_ends_at)
        VALUES (${limit.key}, 1, now() + make_interval(secs => ${limit.windowSeconds}))
        ON CONFLICT (key) DO UPDATE SET
          hits = CASE WHEN rate_limit_buckets.window_ends_at <= now() THEN 1 ELSE rate_limit_buckets.hits + 1 END,
          window_ends_at = CASE WHEN rate_limit_buckets.window_ends_at <= now()
            THEN now() + make_interval(secs => ${limit.windowSeconds}) ELSE rate_limit_buckets.window_ends_at END
        RETURNING hits, window_ends_at`);
      const row = rows[0]!;
      if (row.hits > limit.max) {
        const retryAfter = Math.max(1, Math.ceil((new Date(row.window_ends_at).getTime() - Date.now()) / 1000));
        throw new AppError('rate_limited', 429, `Too many attempts. Try again in ${humanSeconds(retryAfter)}.`, { retryAfterSeconds: retryAfter });
      }
    }
  }

  /** Forget a subject's failures (after a successful sign-in, say). */
  async clear(key: string): Promise<void> {
    await this.db.execute(sql`DELETE FROM rate_limit_buckets WHERE key = ${key}`);
  }

  async sweep(): Promise<void> {
    await this.db.execute(sql`DELETE FROM rate_limit_buckets WHERE window_ends_at < now() - interval '1 hour'`);
  }
}

function humanSeconds(s: number): string {
  return s < 90 ? `${s} seconds` : `${Math.ceil(s / 60)} minutes`;
}
