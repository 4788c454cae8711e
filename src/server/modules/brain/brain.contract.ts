import { z } from 'zod';
import { int4 } from '../../platform/http/bounds';
import { citedRecordSchema, proposalKinds, proposalStatuses, runEventSchema, type RunEvent } from '../agents/agents.contract';
import { brainToolNames } from '../agents/tool-specs';

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

/** AI-3: the last (or current) indexing of the records for semantic search. */
export const semanticIndexSchema = z.object({
  state: z.enum(['queued', 'running', 'done', 'failed']),
  model: z.string(),
  /** Records to walk (restricted contacts are never embedded), counted when the run started. */
  total: z.number().int(),
  walked: z.number().int(),
  /** Of those walked, how many were (re-)embedded; the rest had not changed. */
  embedded: z.number().int(),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type SemanticIndex = z.infer<typeof semanticIndexSchema>;

export const brainStatusSchema = z.object({
  /** Full-text and trigram search are always there. */
  keywordSearch: z.boolean(),
  /** Whether the database offers the `vector` extension (pgvector); never required. */
  vectorExtension: z.boolean(),
  /** Whether it is installed in this database (the migrations install it where they may). */
  vectorInstalled: z.boolean(),
  /** The provider's embedding model, or null when it offers none (Anthropic) or none is connected. */
  embeddingModel: z.string().nullable(),
  /** Whether answers search by meaning too: pgvector, an embedding model and an index made with it. */
  semanticSearch: z.boolean(),
  index: semanticIndexSchema.nullable(),
  message: z.string(),
});
export type BrainStatus = z.infer<typeof brainStatusSchema>;

// ---------------------------------------------------------------- browser-key mode (AI-1)

export const brainToolParams = z.strictObject({ workspaceId: z.uuid(), tool: z.enum(brainToolNames, 'Not one of the brain\'s tools.') });
export const brainToolBody = z.strictObject({ input: z.unknown(), runId: z.uuid('Not an answer id.') });
export const brainToolResultSchema = z.object({ output: z.string(), summary: z.string(), records: z.array(citedRecordSchema) });

/** The steps of an answer as the browser reports them: the shape of `runEventSchema`, bounded. */
const step = int4().min(0).max(10_000);
const browserRunEventSchema: z.ZodType<RunEvent> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('step'), step, at: z.string().max(40) }),
  z.object({ type: z.literal('text'), step, text: z.string().max(50_000) }),
  z.object({ type: z.literal('tool'), step, tool: z.string().max(100), input: z.unknown(), ok: z.boolean(), summary: z.string().max(10_000) }),
  z.object({ type: z.literal('proposal'), step, proposalId: z.string().max(100), kind: z.enum(proposalKinds), status: z.enum(proposalStatuses) }),
  z.object({ type: z.literal('call'), step, callId: z.string().max(100) }),
]);

/** A question the browser answered with a personal key, saved with its answer; citations are checked here. */
export const saveBrowserTurnBody = z.strictObject({
  conversationId: z.uuid().nullable(),
  /** The id the browser used as `runId` for the answer's tool and call records. */
  answerId: z.uuid(),
  question: z.string().trim().min(2).max(2000),
  answer: z.string().max(50_000),
  events: z.array(browserRunEventSchema).max(200).default([]),
});

/** The brain's instructions: the same whether the server or the browser (personal key) calls the model. */
export const brainSystemPrompt = (today: string) =>
  [
    "You are the brain of a small business's CRM (Kestrel). You answer questions about its contacts, companies, deals and their timelines.",
    'Answer only from what your tools return. Search first; read records when you need detail. If nothing supports an answer, say so plainly.',
    'Cite every claim: put the record it comes from right after it as [type/id], e.g. "Acme renewal went quiet after the 3 March demo [deals/0190…]". Use only ids your tools returned.',
    'Places: US states may be stored as "TX" or "Texas"; companies carry the address, so find the companies first, then their deals.',
    'Some contacts are restricted and never shown to you. Be brief: a sentence or a short list.',
    `Today is ${today}.`,
  ].join('\n');
