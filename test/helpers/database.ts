import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { closeAfterFile } from './file-cleanup';
import pg from 'pg';

const TEMPLATE_DB = 'kestrel_template';

/**
 * A fresh, migrated database for this test file, cloned from the template; dropped afterwards.
 * Returns its owner URL.
 */
export async function createTestDatabase(): Promise<string> {
  const adminUrl = inject('pgAdminUrl');
  const name = `kt_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`);
  await admin.end();
  closeAfterFile(async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
