import type { generateText, LanguageModel } from 'ai';
import type { AiProviderKind } from '../ai.contract';

export type ProviderOptions = NonNullable<Parameters<typeof generateText>[0]['providerOptions']>;

/** What an adapter needs: where to call, with which key and model, through which fetch (retries live there). */
export interface ProviderSettings {
  kind: AiProviderKind;
  baseUrl: string | null;
  apiKey: string | null;
  model: string;
  fetch: typeof globalThis.fetch;
}

/** A model ready for the AI SDK, with the provider options every call sends (AI-6: no training, no storage). */
export interface ProviderModel {
  model: LanguageModel;
  providerOptions: ProviderOptions;
}
