import { AppError } from '../../platform/http/errors';

/** AI-8: what every AI surface answers when there is no provider: how to connect one, not a 500. */
export const notConfiguredMessage =
  'No AI provider is connected. An owner or admin can connect OpenAI, Anthropic, Google or any OpenAI-compatible server in Settings → AI, or the operator can set AI_PROVIDER, AI_API_KEY and AI_MODEL.';

export const aiNotConfigured = () => new AppError('ai_not_configured', 409, notConfiguredMessage);

export const aiLimitReached = (message: string, details: Record<string, unknown>) => new AppError('ai_limit_reached', 429, message, details);

export const aiProviderRateLimited = (callId: string) =>
  new AppError('ai_provider_rate_limited', 503, 'The AI provider is turning requests away (rate limited) and retries did not get through. Try again in a minute.', { callId });

export const aiProviderFailed = (message: string, callId: string) => new AppError('ai_provider_error', 502, `The AI provider answered with an error: ${message}`, { callId });

/** AI-3: the provider in use has no embedding model, so there is no semantic search. */
export const aiNoEmbeddings = (kind: string) =>
  new AppError('ai_no_embeddings', 409, kind === 'anthropic' ? 'Anthropic offers no embeddings, so there is no semantic search with it; keyword and fuzzy search still work.' : 'No embedding model is named for this provider, so there is no semantic search; name one in Settings → AI.', { kind });

export const aiCancelled = (callId: string) => new AppError('ai_cancelled', 499, 'The AI call was cancelled.', { callId });
