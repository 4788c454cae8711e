import type { z } from 'zod';
import type { JobDefinition } from '../../platform/jobs/jobs';
import { assistantReplyJob } from './assistant-reply.job';
import { whatsappSendJob } from './channels/whatsapp';
import { wakeSnoozedJob } from './inbox';

/** The conversation module's background jobs, registered at boot. */
export const conversationJobs: JobDefinition<z.ZodType>[] = [assistantReplyJob, whatsappSendJob, wakeSnoozedJob] as unknown as JobDefinition<z.ZodType>[];
