import type { z } from 'zod';
import type { JobDefinition } from '../../platform/jobs/jobs';
import { assistantReplyJob } from './assistant-reply.job';
import { awayMailJob } from './away-mail';
import { instagramSendJob } from './channels/instagram';
import { messengerSendJob } from './channels/messenger';
import { whatsappSendJob } from './channels/whatsapp';
import { wakeSnoozedJob } from './inbox';
import { knowledgeIndexJob } from './knowledge-meaning';
import { closerNextStepJob } from './closer-next-step';

/** The conversation module's background jobs, registered at boot. */
export const conversationJobs: JobDefinition<z.ZodType>[] = [assistantReplyJob, whatsappSendJob, messengerSendJob, instagramSendJob, wakeSnoozedJob, knowledgeIndexJob, closerNextStepJob, awayMailJob] as unknown as JobDefinition<z.ZodType>[];
