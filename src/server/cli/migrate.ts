import pg from 'pg';
import { migrate } from '../platform/db/migrate';
import type { Command } from './command';
import { loadCliConfig, runningEmbeddedUrl, withServices } from './platform';

/** How many of our migrations the database has recorded; 0 for a database never migrated. */
async function appliedCount(ownerUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number | null }>(
      `SELECT CASE WHEN to_regclass('drizzle.__drizzle_migrations') IS NULL THEN 0
              ELSE (SELECT count(*)::int FROM drizzle.__drizzle_migrations) END AS n`,
    );
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply database migrations (safe to run while other instances start)',
  help: `Usage: kestrel migrate

Applies Kestrel's database migrations and makes sure the application role has its grants.
Instances take turns through an advisory lock, so running this next to a starting server is safe.
With DATABASE_URL unset it uses the embedded PostgreSQL in DATA_DIR (starting it if needed).`,
  options: {},
  async run(_values, io) {
    const config = loadCliConfig(io);
    const url = config.DATABASE_URL ?? (await runningEmbeddedUrl(config));
    if (!url) {
      // Embedded and not running: the platform's own start-up initialises and migrates it.
      const total = await withServices(io, (services) => appliedCount(services.database.ownerUrl));
      io.stdout.write(`Database is up to date (${total} migrations applied in total).\n`);
      return;
    }
    const before = await appliedCount(url);
    await migrate(url);
    const after = await appliedCount(url);
    io.stdout.write(`Database is up to date: ${after - before} migration${after - before === 1 ? '' : 's'} applied now, ${after} in total.\n`);
  },
};
