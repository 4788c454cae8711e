/** What other modules use of AI: every feature and agent calls a model through these (AI-4, AI-6). */
export { runModel, streamModel, type AiContext, type ModelRequest, type ModelResult, type ModelStream, type ProviderCache } from './run-model';
export { callRecordStatement, type NewAiCall } from './record-call';
export { buildRecordContext, redactPii, type RecordContext } from './record-context';
export { getAiStatus } from './ai-status';
export { aiNotConfigured } from './ai-errors';
export { resolveProvider, resolveProviderIn, type AiServices, type ResolvedProvider } from './resolve-provider';
export type { AiRecordRef } from './ai.contract';
export { scrubAiCalls } from './scrub-calls';
export { workspaceAiProvider } from './provider-in-use';
