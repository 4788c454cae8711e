import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate as drizzleMigrate } from 'drizzle-orm/node-postgres/migrator';
import { Logger, runMigrations as runWorkerMigrations } from 'graphile-worker';
import pg from 'pg';
import { repoRoot } from '../paths';

export const APP_ROLE = 'kestrel_app';
export const migrationsFolder = path.join(repoRoot, 'db/migrations');

/** An arbitrary, fixed key: every Kestrel instance migrating the same database takes the same lock. */
const MIGRATION_LOCK_KEY = 7_204_113_001;

/**
 * Applies our migrations and graphile-worker's, then makes sure the application role exists
 * with the grants it needs. Runs under a session advisory lock so that instances starting
 * together take turns; the second finds nothing left to do.
 */
export async function migrate(ownerUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query('SET client_min_messages = warning');
    await drizzleMigrate(drizzle(client), { migrationsFolder, migrationsSchema: 'drizzle' });
    await runWorkerMigrations({ connectionString: ownerUrl, logger: quietLogger });
    await ensureAppRole(client);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    await client.end();
  }
}

/**
 * The role the application's queries run as. It owns nothing and cannot bypass row-level
 * security, so tenant policies apply to every query it makes.
 */
async function ensureAppRole(client: pg.Client): Promise<void> {
  await client.query(`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
        CREATE ROLE ${APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
      END IF;
    EXCEPTION WHEN duplicate_object THEN NULL;
    END $$;`);
  const { rows } = await client.query<{ user: string }>('SELECT current_user AS user');
  const owner = client.escapeIdentifier(rows[0]!.user);
  await client.query(`GRANT ${APP_ROLE} TO ${owner}`).catch(() => {}); // lets the owner SET ROLE to it
  await client.query(`GRANT USAGE ON SCHEMA public TO ${APP_ROLE}`);
  await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${APP_ROLE}`);
  await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLE}`);
  // Jobs are enqueued inside the app's own transactions, through this one narrow door: the app
  // role cannot read or change the queue, only add to it.
  await client.query(`
    CREATE OR REPLACE FUNCTION public.kestrel_enqueue(identifier text, payload json, run_at timestamptz, max_attempts int, job_key text)
    RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, graphile_worker AS $$
      SELECT FROM graphile_worker.add_job(identifier, payload, run_at => run_at, max_attempts => max_attempts, job_key => job_key);
    $$`);
  await client.query(`REVOKE ALL ON FUNCTION public.kestrel_enqueue(text, json, timestamptz, int, text) FROM PUBLIC`);
  await client.query(`GRANT EXECUTE ON FUNCTION public.kestrel_enqueue(text, json, timestamptz, int, text) TO ${APP_ROLE}`);
}

const quietLogger = new Logger(() => () => {});
