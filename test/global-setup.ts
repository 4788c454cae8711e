import path from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { ensureDatabase, startEmbeddedPostgres } from '../src/server/platform/db/embedded';
import { migrate } from '../src/server/platform/db/migrate';

export const TEMPLATE_DB = 'kestrel_template';

/**
 * One PostgreSQL for the whole run (embedded unless TEST_DATABASE_URL names a server whose
 * user may create databases), with a migrated template database. Each test file clones the
 * template (see test/helpers/database.ts), which takes milliseconds instead of a migration run.
 */
export default async function setup(project: TestProject) {
  let adminUrl = process.env.TEST_DATABASE_URL;
  let stop = async () => {};
  if (!adminUrl) {
    // Separate runs (say, two developers' terminals) pick separate ports and so separate clusters.
    const port = Number(process.env.TEST_PG_PORT ?? 54339);
    const embedded = await startEmbeddedPostgres({ dataDir: path.resolve(`data/test-${port}`), port });
    adminUrl = embedded.adminUrl;
    stop = embedded.stop;
  }
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  // Leftovers of an interrupted earlier run.
  const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'kt_%' OR datname = $1", [TEMPLATE_DB]);
  for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
  await client.end();
  await ensureDatabase(adminUrl, TEMPLATE_DB);
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${TEMPLATE_DB}`;
  await migrate(templateUrl.toString());
  project.provide('pgAdminUrl', adminUrl);
  return async () => {
    await stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}
