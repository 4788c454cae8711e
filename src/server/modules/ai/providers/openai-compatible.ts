import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { ProviderModel, ProviderSettings } from './types';

/** AI-1: any server speaking OpenAI's Chat Completions format (Ollama, vLLM, LM Studio, gateways). */
export function openaiCompatibleModel(s: ProviderSettings): ProviderModel {
  if (!s.baseUrl) throw new Error('An OpenAI-compatible provider needs a base URL');
  const provider = createOpenAICompatible({ name: 'openai_compatible', baseURL: s.baseUrl, ...(s.apiKey ? { apiKey: s.apiKey } : {}), includeUsage: true, fetch: s.fetch });
  return { model: provider.chatModel(s.model), providerOptions: {} };
}
