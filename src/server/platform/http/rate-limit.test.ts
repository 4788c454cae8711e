import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/helpers/database';
import { createDatabase, type Database } from '../db/database';
import { RateLimiter } from './rate-limit';

let database: Database;

beforeAll(async () => {
  // One connection: what the limiter leaves behind on it is what the next request gets.
  database = createDatabase({ ownerUrl: await createTestDatabase(), poolSize: 1 });
});
afterAll(() => database.close());

describe('AUTH-7 rate limits (issue 15: their commit does not wait for the disk)', () => {
  it('AUTH-7 CONV-1 every limit is counted and the 31st hit of a 30-a-minute limit is refused; the pooled connection keeps waiting for the disk after it', async () => {
    const limiter = new RateLimiter(database.db);
    const key = `widget-message:visitor:${crypto.randomUUID()}`;
    for (let i = 0; i < 30; i++) await limiter.hit({ key, max: 30, windowSeconds: 60 }, { key: `widget-message:ip:10.9.9.9`, max: 120, windowSeconds: 60 });
    await expect(limiter.hit({ key, max: 30, windowSeconds: 60 })).rejects.toMatchObject({ code: 'rate_limited', statusCode: 429 });
    const { rows } = await database.pool.query<{ key: string; hits: number }>(`SELECT key, hits FROM rate_limit_buckets WHERE key IN ($1, 'widget-message:ip:10.9.9.9') ORDER BY key`, [key]);
    expect(rows.map((r) => r.hits).sort()).toEqual([30, 31]);
    // synchronous_commit was off for the limiter's own statement only.
    const { rows: setting } = await database.pool.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
    expect(setting[0]!.synchronous_commit).toBe('on');
  });

  it('AUTH-7 CONV-1 the hits as a statement sent before a transaction in one round trip (issue 15) count and refuse like hit(), and the transaction after them waits for the disk', async () => {
    const limiter = new RateLimiter(database.db);
    const key = `widget-message:visitor:${crypto.randomUUID()}`;
    const once = async () => {
      const { text, judge } = limiter.statement({ key, max: 2, windowSeconds: 60 }, { key: 'widget-message:ip:10.9.9.8', max: 120, windowSeconds: 60 });
      const client = await database.pool.connect();
      try {
        const results = (await client.query(`BEGIN; ${text}; COMMIT; BEGIN; SHOW synchronous_commit`)) as unknown as { rows: Record<string, unknown>[] }[];
        // The transaction after the hits is back to the default: its commit waits for the disk.
        expect(results[4]!.rows[0]!.synchronous_commit).toBe('on');
        try {
          judge(results[1]!.rows);
        } finally {
          await client.query('ROLLBACK');
        }
      } finally {
        client.release();
      }
    };
    await once();
    await once();
    await expect(once()).rejects.toMatchObject({ code: 'rate_limited', statusCode: 429 });
    // The refused hit is counted too: it was committed before the transaction that was rolled back.
    const { rows } = await database.pool.query<{ hits: number }>('SELECT hits FROM rate_limit_buckets WHERE key = $1', [key]);
    expect(rows[0]!.hits).toBe(3);
  });
});
