import { z } from 'zod';
import { defineJob } from '../../../platform/jobs/jobs';
import { runDncImport } from './import-do-not-call';

/** CALL-2: imports one uploaded national registry file into the workspace's do-not-call list. */
export const dncImportJob = defineJob({
  name: 'calls_dnc_import',
  version: 1,
  payload: z.object({ workspaceId: z.uuid(), importId: z.uuid() }),
  maxAttempts: 1,
  async run({ workspaceId, importId }, { database, config }) {
    await runDncImport({ database, dataDir: config.DATA_DIR }, workspaceId, importId);
  },
});
