import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/helpers/database';
import { createDatabase, type Database } from './database';
import { notifyAfterCommit, withTenant } from './tenant';

let database: Database;
let listener: pg.Client;
const heard: string[] = [];
const ctx = { workspaceId: crypto.randomUUID(), userId: null };

beforeAll(async () => {
  const url = await createTestDatabase();
  database = createDatabase({ ownerUrl: url, poolSize: 2 });
  listener = new pg.Client({ connectionString: url });
  await listener.connect();
  listener.on('notification', (n) => heard.push(n.payload ?? ''));
  await listener.query('LISTEN kestrel_commit_test');
});
afterAll(async () => {
  await listener?.end();
  await database?.close();
});

/** Waits until the listener has heard `payload` (a NOTIFY arrives after the call that sent it returns). */
async function hear(payload: string) {
  await expect.poll(() => heard.includes(payload), { timeout: 5_000 }).toBe(true);
}

describe('TEN-1 a tenant transaction commits, then notifies, in one round trip (issue 15)', () => {
  it('CONV-4 listeners hear a committed change; a COMMIT that fails fails the call and nothing is sent', async () => {
    await withTenant(database.db, ctx, async (tx) => {
      notifyAfterCommit(tx, 'kestrel_commit_test', 'first');
    });
    await hear('first');
    // A deferred unique check fails at COMMIT: the call fails with it, and its notification is never sent.
    const failing = withTenant(database.db, ctx, async (tx) => {
      await tx.execute(sql.raw('CREATE TEMP TABLE deferred_once (x int UNIQUE DEFERRABLE INITIALLY DEFERRED) ON COMMIT DROP; INSERT INTO deferred_once VALUES (1), (1)'));
      notifyAfterCommit(tx, 'kestrel_commit_test', 'never');
    });
    await expect(failing).rejects.toMatchObject({ code: '23505' });
    await withTenant(database.db, ctx, async (tx) => {
      notifyAfterCommit(tx, 'kestrel_commit_test', 'third');
    });
    // Notifications arrive in commit order on one listener: had 'never' been sent, it would be here before 'third'.
    await hear('third');
    expect(heard).toEqual(['first', 'third']);
  });

  it('CONV-4 a notification that cannot be sent after a COMMIT that succeeded does not undo or fail the change', async () => {
    const warned: string[] = [];
    const onWarning = (w: Error) => warned.push(w.message);
    process.on('warning', onWarning);
    try {
      // PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more.
      const key = `tenant-commit-test:${crypto.randomUUID()}`;
      await withTenant(database.db, ctx, async (tx) => {
        await tx.execute(sql`INSERT INTO rate_limit_buckets (key, hits, window_ends_at) VALUES (${key}, 1, now())`);
        notifyAfterCommit(tx, 'kestrel_commit_test', 'x'.repeat(9_000));
      });
      const { rows } = await database.pool.query<{ hits: number }>('SELECT hits FROM rate_limit_buckets WHERE key = $1', [key]);
      expect(rows).toEqual([{ hits: 1 }]);
      await expect.poll(() => warned.some((m) => m.startsWith('NOTIFY after commit failed')), { timeout: 5_000 }).toBe(true);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
