import { createAnthropic } from '@ai-sdk/anthropic';
import type { ProviderModel, ProviderSettings } from './types';

/** AI-1: Anthropic's Messages API. Its commercial terms exclude API traffic from training; there is no flag to send. */
export function anthropicModel(s: ProviderSettings): ProviderModel {
  const provider = createAnthropic({ apiKey: s.apiKey ?? '', ...(s.baseUrl ? { baseURL: s.baseUrl } : {}), fetch: s.fetch });
  return { model: provider(s.model), providerOptions: {} };
}
