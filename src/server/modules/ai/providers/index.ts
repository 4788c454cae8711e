import type { AiProviderKind } from '../ai.contract';
import { anthropicModel } from './anthropic';
import { googleModel } from './google';
import { openaiModel } from './openai';
import { openaiCompatibleModel } from './openai-compatible';
import type { ProviderModel, ProviderSettings } from './types';

export type { ProviderModel, ProviderOptions, ProviderSettings } from './types';

const adapters: Record<AiProviderKind, (s: ProviderSettings) => ProviderModel> = {
  openai: openaiModel,
  anthropic: anthropicModel,
  google: googleModel,
  openai_compatible: openaiCompatibleModel,
};

/** AI-1: one interface over every provider kind (STYLE 13). */
export function providerModel(settings: ProviderSettings): ProviderModel {
  return adapters[settings.kind](settings);
}
