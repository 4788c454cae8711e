import { z } from 'zod';
import { defineJob } from '../../platform/jobs/jobs';
import { runBulkOperation } from './run-bulk-operation';

/** CRM-9: carries out a recorded bulk operation in batches (see runBulkOperation). */
export const bulkOperationJob = defineJob({
  name: 'bulk_operation',
  version: 1,
  payload: z.object({ workspaceId: z.uuid(), operationId: z.uuid() }),
  maxAttempts: 5,
  async run({ workspaceId, operationId }, { database }) {
    await runBulkOperation(database.db, workspaceId, operationId);
  },
});
