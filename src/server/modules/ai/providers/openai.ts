import { createOpenAI } from '@ai-sdk/openai';
import type { ProviderModel, ProviderSettings } from './types';

/**
 * AI-1: OpenAI over the Chat Completions API (the wire format most proxies and self-hosted
 * servers also speak). AI-6: `store: false` keeps prompts and outputs out of OpenAI's stored
 * completions, which are eligible for evals and distillation.
 */
export function openaiModel(s: ProviderSettings): ProviderModel {
  const provider = createOpenAI({ apiKey: s.apiKey ?? '', ...(s.baseUrl ? { baseURL: s.baseUrl } : {}), fetch: s.fetch });
  return { model: provider.chat(s.model), providerOptions: { openai: { store: false } } };
}
