import { z } from 'zod';
import { tokenCountInput } from '../../platform/http/bounds';

/** Request and response shapes of the AI API (AI-1, AI-4, AI-6, AI-8, WS-5), shared with the web app. */

export const aiProviderKinds = ['openai', 'anthropic', 'google', 'openai_compatible'] as const;
export type AiProviderKind = (typeof aiProviderKinds)[number];
export const aiProviderKindSchema = z.enum(aiProviderKinds, 'Choose openai, anthropic, google or openai_compatible.');

export const aiCallOutcomes = ['ok', 'error', 'rate_limited', 'cancelled', 'limit_exceeded'] as const;
export type AiCallOutcome = (typeof aiCallOutcomes)[number];

/**
 * Where the provider a call used came from: the workspace's own, the operator's (config), or a
 * person's own key kept only in their browser (the browser called the provider; Kestrel never saw the key).
 */
export const aiProviderSources = ['workspace', 'operator', 'browser'] as const;
export type AiProviderSource = (typeof aiProviderSources)[number];

/** US dollars per million tokens, per model. */
const pricePerMillion = z.number('Enter a price in dollars per million tokens.').min(0, 'Cannot be negative.').max(10_000, 'At most 10,000.');
export const modelPriceSchema = z.strictObject({ input: pricePerMillion, output: pricePerMillion });
export const priceTableSchema = z.record(z.string().trim().min(1).max(200), modelPriceSchema).refine((t) => Object.keys(t).length <= 100, 'At most 100 models.');
export type ModelPrice = z.infer<typeof modelPriceSchema>;
export type PriceTable = z.infer<typeof priceTableSchema>;

/** A record an AI call used: what a person sees in the call's detail and what a brain answer cites. */
export const aiRecordRefSchema = z.strictObject({ type: z.string().min(1).max(40), id: z.string().min(1).max(100) });
export type AiRecordRef = z.infer<typeof aiRecordRefSchema>;

// ---------------------------------------------------------------- params and queries

export const aiParams = z.strictObject({ workspaceId: z.uuid('Not a workspace id.') });
export const aiCallParams = z.strictObject({ workspaceId: z.uuid(), callId: z.uuid('Not an AI call id.') });

export const listAiCallsQuery = z.strictObject({
  feature: z.string().trim().min(1).max(100).optional(),
  /** Owners and admins only; staff always see their own calls. */
  userId: z.uuid('Not a user id.').optional(),
  outcome: z.enum(aiCallOutcomes).optional(),
  /** The `nextCursor` of the previous page. */
  cursor: z.uuid('Not a cursor.').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

// ---------------------------------------------------------------- providers

const baseUrl = z
  .url({ protocol: /^https?$/, message: 'Enter a URL starting with http:// or https://.' })
  .max(500, 'At most 500 characters.')
  .transform((u) => u.replace(/\/+$/, ''));

/**
 * Connect or change the workspace's provider. Omitting `apiKey` keeps the stored key; `null`
 * removes it (an OpenAI-compatible server on the local network may need none).
 */
export const saveAiProviderBody = z
  .strictObject({
    kind: aiProviderKindSchema,
    baseUrl: baseUrl.nullable().optional(),
    apiKey: z.string().trim().min(8, 'That key looks too short.').max(500, 'At most 500 characters.').nullable().optional(),
    model: z.string('Enter a model name.').trim().min(1, 'Enter a model name.').max(200, 'At most 200 characters.'),
    /** AI-3: the model records are embedded with for search by meaning; null (or omitted) uses the provider's default, if it has one. */
    embeddingModel: z.string().trim().max(200, 'At most 200 characters.').nullable().optional().transform((m) => (m ? m : m === undefined ? undefined : null)),
    prices: priceTableSchema.nullable().optional(),
  })
  .superRefine((b, ctx) => {
    if (b.kind === 'anthropic' && b.embeddingModel) ctx.addIssue({ code: 'custom', path: ['embeddingModel'], message: 'Anthropic offers no embeddings; leave this empty.' });
    if (b.kind === 'openai_compatible' && !b.baseUrl) ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: 'An OpenAI-compatible provider needs its base URL, e.g. http://localhost:11434/v1.' });
  });

/** The key itself never leaves the server: only whether one is stored and its last four characters. */
export const aiProviderSchema = z.object({
  kind: aiProviderKindSchema,
  baseUrl: z.string().nullable(),
  model: z.string(),
  /** AI-3: the embedding model named for this provider, or null for its default (none for Anthropic). */
  embeddingModel: z.string().nullable(),
  apiKeySet: z.boolean(),
  apiKeyLast4: z.string().nullable(),
  prices: priceTableSchema.nullable(),
  updatedAt: z.string(),
});
export type AiProvider = z.infer<typeof aiProviderSchema>;

export const aiProviderStateSchema = z.object({
  /** The workspace's own provider, when connected. */
  workspace: aiProviderSchema.nullable(),
  /** The operator's provider from the server's configuration, when there is one (its key is never shown). */
  operator: z.object({ kind: aiProviderKindSchema, model: z.string() }).nullable(),
  /** Which one AI features use: the workspace's first, then the operator's. */
  active: z.enum(['workspace', 'operator']).nullable(),
});
export type AiProviderState = z.infer<typeof aiProviderStateSchema>;

/** AI-8: what every AI surface reads to know whether it can work, and how to get there when not. */
export const aiStatusSchema = z.object({
  configured: z.boolean(),
  source: z.enum(['workspace', 'operator']).nullable(),
  kind: aiProviderKindSchema.nullable(),
  model: z.string().nullable(),
  message: z.string(),
});
export type AiStatus = z.infer<typeof aiStatusSchema>;

export const testAiProviderResultSchema = z.object({
  ok: z.boolean(),
  message: z.string(),
  kind: aiProviderKindSchema,
  model: z.string(),
  latencyMs: z.number().int().nullable(),
  callId: z.string().nullable(),
});
export type TestAiProviderResult = z.infer<typeof testAiProviderResultSchema>;

// ---------------------------------------------------------------- settings

export const aiSettingsSchema = z.object({
  /** AI-6: replace email addresses and phone numbers with placeholders in record context sent to a provider. */
  redactPii: z.boolean(),
});
export type AiSettings = z.infer<typeof aiSettingsSchema>;
export const updateAiSettingsBody = z.strictObject({ redactPii: z.boolean('Choose on or off.') });

// ---------------------------------------------------------------- calls and usage

export const aiCallSummarySchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  userId: z.string().nullable(),
  userName: z.string().nullable(),
  feature: z.string(),
  providerKind: aiProviderKindSchema,
  providerSource: z.enum(aiProviderSources),
  model: z.string(),
  tokensIn: z.number().int().nullable(),
  tokensOut: z.number().int().nullable(),
  /** US dollars; null when the model has no price in the table (`costNote` says so). */
  costUsd: z.number().nullable(),
  costNote: z.string().nullable(),
  latencyMs: z.number().int().nullable(),
  attempts: z.number().int(),
  outcome: z.enum(aiCallOutcomes),
  errorMessage: z.string().nullable(),
});
export type AiCallSummary = z.infer<typeof aiCallSummarySchema>;

export const aiCallSchema = aiCallSummarySchema.extend({
  /** The agent run (or brain answer) this call was a step of. */
  runId: z.string().nullable(),
  /** What was sent: the system prompt and messages. */
  prompt: z.object({ system: z.string().nullable(), messages: z.array(z.unknown()) }),
  recordRefs: z.array(aiRecordRefSchema),
  output: z.object({ text: z.string().nullable(), toolCalls: z.array(z.object({ name: z.string(), input: z.unknown() })), object: z.unknown().optional() }).nullable(),
  streamed: z.boolean(),
});
export type AiCall = z.infer<typeof aiCallSchema>;

export const aiCallPageSchema = z.object({ items: z.array(aiCallSummarySchema), nextCursor: z.string().nullable() });
export type AiCallPage = z.infer<typeof aiCallPageSchema>;

const usageTotals = {
  calls: z.number().int(),
  failed: z.number().int(),
  tokensIn: z.number().int(),
  tokensOut: z.number().int(),
  costUsd: z.number(),
  /** Calls whose model had no price: their cost is not in `costUsd`. */
  unpricedCalls: z.number().int(),
};
export const aiUsageSchema = z.object({
  /** The first day counted (UTC), 30 days back including today. */
  since: z.string(),
  /** Whether this is the whole workspace's usage or only the caller's (staff). */
  scope: z.enum(['workspace', 'own']),
  totals: z.object(usageTotals),
  days: z.array(z.object({ day: z.string(), ...usageTotals })),
  users: z.array(z.object({ userId: z.string().nullable(), userName: z.string().nullable(), ...usageTotals })),
  limits: z.object({
    workspaceCallsPerDay: z.number().int().nullable(),
    userCallsPerDay: z.number().int().nullable(),
    workspaceTokensPerDay: z.number().int().nullable(),
    userTokensPerDay: z.number().int().nullable(),
  }),
});
export type AiUsage = z.infer<typeof aiUsageSchema>;

// ---------------------------------------------------------------- browser-key calls (AI-1)

/**
 * AI-1, AI-4: the record of a call a browser made with a personal key kept in the browser. The
 * key is not part of it (and never reaches Kestrel); the rest is kept like any other call.
 */
export const recordBrowserCallBody = z.strictObject({
  feature: z.string().trim().min(1).max(100),
  /** The brain answer this call was a step of. */
  runId: z.uuid().optional(),
  providerKind: aiProviderKindSchema,
  model: z.string().trim().min(1).max(200),
  prompt: z.strictObject({ system: z.string().max(100_000).nullable(), messages: z.array(z.unknown()).max(200) }),
  recordRefs: z.array(aiRecordRefSchema).max(500).default([]),
  output: z.strictObject({ text: z.string().max(100_000).nullable(), toolCalls: z.array(z.strictObject({ name: z.string().max(100), input: z.unknown() })).max(50) }).nullable(),
  tokensIn: tokenCountInput().nullable(),
  tokensOut: tokenCountInput().nullable(),
  latencyMs: z.number().int().min(0).max(3_600_000),
  outcome: z.enum(['ok', 'error', 'rate_limited', 'cancelled']),
  errorMessage: z.string().max(2000).nullable().optional(),
});
export type RecordBrowserCallBody = z.infer<typeof recordBrowserCallBody>;
export const browserCallAllowanceSchema = z.object({ allowed: z.boolean(), message: z.string().nullable() });
export const recordedBrowserCallSchema = z.object({ callId: z.string(), costUsd: z.number().nullable() });
