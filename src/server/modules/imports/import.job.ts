import { z } from 'zod';
import { defineJob } from '../../platform/jobs/jobs';
import { runImport } from './run-import';

/**
 * CRM-7: runs an import in the background. Not retried: the import is one transaction, and a
 * failure is recorded on the import for the person to see (they start it again with a fresh upload).
 */
export const importJob = defineJob({
  name: 'crm_import',
  version: 1,
  payload: z.object({ workspaceId: z.uuid(), importId: z.uuid() }),
  maxAttempts: 1,
  async run({ workspaceId, importId }, { database, config, logger }) {
    await runImport({ database, dataDir: config.DATA_DIR, youngGenerationMiB: config.IMPORT_YOUNG_MIB, logger }, workspaceId, importId);
  },
});
