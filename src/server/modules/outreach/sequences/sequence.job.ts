import { z } from 'zod';
import type { Queryable } from '../../../platform/db/database';
import { defineJob, enqueue } from '../../../platform/jobs/jobs';
import { sendDueSteps } from './send-sequence';

/** MAIL-2: sends the sequence steps that are due (every minute, and right after an enrolment due soon). */
export const sequenceDueJob = defineJob({
  name: 'outreach_sequence_due',
  version: 1,
  payload: z.object({}),
  cron: '* * * * *',
  maxAttempts: 1,
  async run(_payload, services) {
    await sendDueSteps(services);
  },
});

/** Runs the due sender at `at` (now when absent); one waiting run at a time (one job key), moved rather than doubled. */
export async function scheduleSequenceRun(tx: Queryable, at?: Date): Promise<void> {
  if (at && at.getTime() > Date.now() + 60_000) return; // the minute's run will find it
  await enqueue(tx, sequenceDueJob, {}, { jobKey: 'outreach-sequence-due' });
}
