import type { LanguageModel } from 'ai';
import type { BrowserKey } from './browserKey';

/**
 * The provider's model for calls made from the page (AI-1), loaded only when a browser key is
 * used. Anthropic asks browsers to say they call it directly on purpose.
 */
export async function browserModel(key: BrowserKey): Promise<LanguageModel> {
  const baseURL = key.baseUrl ?? undefined;
  if (key.kind === 'openai') {
    const { createOpenAI } = await import('@ai-sdk/openai');
    return createOpenAI({ apiKey: key.apiKey, ...(baseURL ? { baseURL } : {}) }).chat(key.model);
  }
  if (key.kind === 'anthropic') {
    const { createAnthropic } = await import('@ai-sdk/anthropic');
    return createAnthropic({ apiKey: key.apiKey, ...(baseURL ? { baseURL } : {}), headers: { 'anthropic-dangerous-direct-browser-access': 'true' } })(key.model);
  }
  if (key.kind === 'google') {
    const { createGoogleGenerativeAI } = await import('@ai-sdk/google');
    return createGoogleGenerativeAI({ apiKey: key.apiKey, ...(baseURL ? { baseURL } : {}) })(key.model);
  }
  const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
  if (!baseURL) throw new Error('An OpenAI-compatible server needs its base URL.');
  return createOpenAICompatible({ name: 'openai_compatible', baseURL, ...(key.apiKey ? { apiKey: key.apiKey } : {}), includeUsage: true }).chatModel(key.model);
}
