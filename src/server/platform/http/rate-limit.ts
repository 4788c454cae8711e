import { isIPv6 } from 'node:net';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { Db } from '../db/database';
import { AppError } from './errors';

type HitRow = {
  key: string;
  hits: number;
  window_ends_at: Date | string;
};

export interface Limit {
  /** Bucket name and subject, e.g. `sign-in:ip:1.2.3.4`; an IPv6 subject after `:ip:` is counted by its /64. */
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

  /**
   * Counts a hit against each limit and refuses (429) when any is over. Issue 15: all of them in
   * one statement (one round trip, however many limits a request checks); every limit is counted,
   * also when an earlier one refuses. Its commit does not wait for the disk (synchronous_commit
   * off for this statement's own transaction, set inside it): a database crash may forget the
   * last fraction of a second of hits — as if their window had just begun — but each widget
   * message no longer waits for a second WAL flush (issue 15).
   */
  async hit(...limits: Limit[]): Promise<void> {
    if (!limits.length) return;
    const counted = this.statement(...limits);
    const { rows } = await this.db.execute<HitRow>(sql.raw(counted.text));
    counted.judge(rows);
  }

  /**
   * The hits of {@link hit} as one statement's text, for a caller that sends it in a round trip
   * with other statements (issue 15: before a widget message's transaction, see `TenantOptions.before`),
   * and `judge`, which refuses (429) from that statement's rows as `hit` does. The text holds the
   * bucket keys as escaped literals only. Run it in a transaction of its own: it sets that
   * transaction's commit not to wait for the disk.
   */
  statement(...limits: Limit[]): { text: string; judge: (rows: unknown[]) => void } {
    // Two limits on one bucket count once, under the stricter one.
    const byKey = new Map<string, { max: number; windowSeconds: number }>();
    for (const { key, max, windowSeconds } of limits) {
      const k = bucketKey(key);
      const seen = byKey.get(k);
      byKey.set(k, seen ? { max: Math.min(seen.max, max), windowSeconds: Math.max(seen.windowSeconds, windowSeconds) } : { max, windowSeconds });
    }
    const buckets = JSON.stringify([...byKey].map(([key, l]) => ({ key, secs: l.windowSeconds })));
    const text = `INSERT INTO rate_limit_buckets (key, hits, window_ends_at)
      SELECT l.key, 1, now() + make_interval(secs => l.secs)
      FROM jsonb_to_recordset(${pg.escapeLiteral(buckets)}::jsonb) AS l(key text, secs int),
        (SELECT set_config('synchronous_commit', 'off', true)) AS no_disk_wait
      ON CONFLICT (key) DO UPDATE SET
        hits = CASE WHEN rate_limit_buckets.window_ends_at <= now() THEN 1 ELSE rate_limit_buckets.hits + 1 END,
        window_ends_at = CASE WHEN rate_limit_buckets.window_ends_at <= now()
          THEN EXCLUDED.window_ends_at ELSE rate_limit_buckets.window_ends_at END
      RETURNING key, hits, window_ends_at`;
    const judge = (rows: unknown[]) => {
      const over = (rows as HitRow[])
        .filter((r) => r.hits > byKey.get(r.key)!.max)
        .map((r) => Math.max(1, Math.ceil((new Date(r.window_ends_at).getTime() - Date.now()) / 1000)));
      if (over.length) {
        const retryAfter = Math.max(...over);
        throw new AppError('rate_limited', 429, `Too many attempts. Try again in ${humanSeconds(retryAfter)}.`, { retryAfterSeconds: retryAfter });
      }
    };
    return { text, judge };
  }

  /** Forget a subject's failures (after a successful sign-in, say). */
  async clear(key: string): Promise<void> {
    await this.db.execute(sql`DELETE FROM rate_limit_buckets WHERE key = ${bucketKey(key)}`);
  }

  async sweep(): Promise<void> {
    await this.db.execute(sql`DELETE FROM rate_limit_buckets WHERE window_ends_at < now() - interval '1 hour'`);
  }
}

/**
 * AUTH-7: the subject a per-IP limit counts. An IPv4 address (also IPv4-mapped IPv6) is itself; an
 * IPv6 address is its /64, the block one host or site is given, so rotating addresses inside it
 * does not buy new attempts.
 */
export function ipBucket(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const lower = ip.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return mapped[1]!;
  const [head = '', tail = ''] = lower.split('%')[0]!.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = lower.includes('::') && tail ? tail.split(':') : [];
  // An embedded IPv4 tail is two groups; it never reaches the first four.
  const tailCount = tailGroups.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const groups = lower.includes('::') ? [...headGroups, ...Array<string>(8 - headGroups.length - tailCount).fill('0'), ...tailGroups] : headGroups;
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

function bucketKey(key: string): string {
  const at = key.indexOf(':ip:');
  return at === -1 ? key : key.slice(0, at + 4) + ipBucket(key.slice(at + 4));
}

function humanSeconds(s: number): string {
  return s < 90 ? `${s} seconds` : `${Math.ceil(s / 60)} minutes`;
}
