import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineJob } from './jobs';

/**
 * Hourly housekeeping across all workspaces (hence the system connection): expired sessions,
 * spent or expired one-time tokens, and closed rate-limit windows are deleted.
 */
export const maintenanceSweepJob = defineJob({
  name: 'maintenance_sweep',
  version: 1,
  payload: z.object({}),
  cron: '17 * * * *',
  async run(_payload, { database, config, rateLimit }) {
    await sweep(database.system, config.SESSION_IDLE_DAYS);
    await rateLimit.sweep();
  },
});

export async function sweep(db: { execute: (q: ReturnType<typeof sql>) => Promise<unknown> }, idleDays: number): Promise<void> {
  await db.execute(sql`DELETE FROM sessions WHERE expires_at < now() OR last_seen_at < now() - make_interval(days => ${idleDays})`);
  await db.execute(sql`DELETE FROM auth_tokens WHERE expires_at < now() - interval '1 day' OR consumed_at < now() - interval '1 day'`);
}
