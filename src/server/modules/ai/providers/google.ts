import { createGoogleGenerativeAI } from '@ai-sdk/google';
import type { ProviderModel, ProviderSettings } from './types';

/** AI-1: Google's Gemini API. Paid-tier terms exclude prompts from training; there is no request flag for it. */
export function googleModel(s: ProviderSettings): ProviderModel {
  const provider = createGoogleGenerativeAI({ apiKey: s.apiKey ?? '', ...(s.baseUrl ? { baseURL: s.baseUrl } : {}), fetch: s.fetch });
  return { model: provider(s.model), providerOptions: {} };
}
