import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EmbeddingModel } from 'ai';
import type { AiProviderKind } from '../ai.contract';
import type { ProviderSettings } from './types';

/**
 * AI-3: the embedding model of a provider, when it offers one. Anthropic has no embeddings
 * API; an OpenAI-compatible server (Ollama, vLLM, LM Studio) serves whichever model it was
 * given, so it needs the model named; OpenAI and Google have a sensible default.
 */
export const defaultEmbeddingModels: Record<AiProviderKind, string | null> = {
  openai: 'text-embedding-3-small',
  google: 'gemini-embedding-001',
  openai_compatible: null,
  anthropic: null,
};

export function providerEmbeddingModel(s: Omit<ProviderSettings, 'model'>, modelId: string): EmbeddingModel | null {
  switch (s.kind) {
    case 'openai':
      return createOpenAI({ apiKey: s.apiKey ?? '', ...(s.baseUrl ? { baseURL: s.baseUrl } : {}), fetch: s.fetch }).textEmbeddingModel(modelId);
    case 'google':
      return createGoogleGenerativeAI({ apiKey: s.apiKey ?? '', ...(s.baseUrl ? { baseURL: s.baseUrl } : {}), fetch: s.fetch }).textEmbeddingModel(modelId);
    case 'openai_compatible':
      if (!s.baseUrl) return null;
      return createOpenAICompatible({ name: 'openai_compatible', baseURL: s.baseUrl, ...(s.apiKey ? { apiKey: s.apiKey } : {}), fetch: s.fetch }).textEmbeddingModel(modelId);
    case 'anthropic':
      return null;
  }
}
