import { z } from 'zod';
import { citedRecordSchema, runEventSchema } from '../agents/agents.contract';

/** Request and response shapes of the brain (AI-3), shared with the web app. */

export const brainParams = z.strictObject({ workspaceId: z.uuid('Not a workspace id.') });
export const conversationParams = z.strictObject({ workspaceId: z.uuid(), conversationId: z.uuid('Not a conversation id.') });

export const askBody = z.strictObject({
  question: z.string('Type a question.').trim().min(2, 'Type a question.').max(2000, 'At most 2,000 characters.'),
});

export const brainMessageSchema = z.object({
  id: z.string(),
  role: z.enum(['user', 'assistant']),
  /** The answer's text; citations appear in it as [type/id] markers, each listed in `citations`. */
  content: z.string(),
  citations: z.array(citedRecordSchema),
  status: z.enum(['ok', 'failed']),
  error: z.string().nullable(),
  /** The steps the brain took to answer (searches, records read). */
  events: z.array(runEventSchema),
  createdAt: z.string(),
});
export type BrainMessage = z.infer<typeof brainMessageSchema>;

export const conversationSummarySchema = z.object({ id: z.string(), title: z.string(), createdAt: z.string(), updatedAt: z.string() });
export const conversationSchema = conversationSummarySchema.extend({ messages: z.array(brainMessageSchema) });
export type Conversation = z.infer<typeof conversationSchema>;
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;
export const conversationListSchema = z.object({ items: z.array(conversationSummarySchema) });

export const brainStatusSchema = z.object({
  /** Full-text and trigram search are always there. */
  keywordSearch: z.boolean(),
  /** Whether the database offers the `vector` extension (pgvector); never required. */
  vectorExtension: z.boolean(),
  message: z.string(),
});
export type BrainStatus = z.infer<typeof brainStatusSchema>;
