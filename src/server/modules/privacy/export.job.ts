import { z } from 'zod';
import { defineJob } from '../../platform/jobs/jobs';
import { buildAccountExport } from './account-export';
import { buildExport, sweepExports } from './manage-exports';

/** PRIV-2: builds a requested export. Not retried: a failure is shown and the person asks again. */
export const privacyExportJob = defineJob({
  name: 'privacy_export',
  version: 1,
  payload: z.object({ workspaceId: z.uuid(), exportId: z.uuid() }),
  maxAttempts: 1,
  async run({ workspaceId, exportId }, { database, config, logger }) {
    await buildExport({ db: database.db, dataDir: config.DATA_DIR, logger }, workspaceId, exportId);
  },
});

/** PRIV-2: builds a person's own export ("Download my data"). Account-scoped: no workspace. */
export const privacyAccountExportJob = defineJob({
  name: 'privacy_account_export',
  version: 1,
  payload: z.object({ userId: z.uuid(), exportId: z.uuid() }),
  maxAttempts: 1,
  async run({ userId, exportId }, { database, config, logger }) {
    await buildAccountExport({ db: database.db, system: database.system, dataDir: config.DATA_DIR, logger }, userId, exportId);
  },
});

/** PRIV-2: deletes archives whose link expired. */
export const privacyExportSweepJob = defineJob({
  name: 'privacy_export_sweep',
  version: 1,
  payload: z.object({}),
  cron: '41 * * * *',
  async run(_payload, { database, config }) {
    await sweepExports(database.system, config.DATA_DIR);
  },
});
