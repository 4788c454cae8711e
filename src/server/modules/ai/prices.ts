import type { ModelPrice, PriceTable } from './ai.contract';

/**
 * AI-4: list prices in US dollars per million tokens, as published when this table was written.
 * Operators add or correct models with AI_PRICES; a workspace can override them on its provider.
 * A model in no table has an unknown cost: recorded as null, and said so, never guessed.
 */
export const builtInPrices: PriceTable = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'claude-3-5-haiku-latest': { input: 0.8, output: 4 },
  'claude-3-7-sonnet-latest': { input: 3, output: 15 },
  'claude-sonnet-4-0': { input: 3, output: 15 },
  'claude-opus-4-0': { input: 15, output: 75 },
  'gemini-2.0-flash': { input: 0.1, output: 0.4 },
  'gemini-2.5-flash': { input: 0.3, output: 2.5 },
  'gemini-2.5-pro': { input: 1.25, output: 10 },
  // Embedding models (AI-3): input tokens only.
  'text-embedding-3-small': { input: 0.02, output: 0 },
  'text-embedding-3-large': { input: 0.13, output: 0 },
  'gemini-embedding-001': { input: 0.15, output: 0 },
};

/** The first table that knows the model wins: the workspace's, then the operator's, then the built-in one. */
export function priceOf(model: string, ...tables: (PriceTable | null | undefined)[]): ModelPrice | null {
  for (const table of [...tables, builtInPrices]) {
    const price = table?.[model];
    if (price) return price;
  }
  return null;
}

export function costOf(price: ModelPrice | null, tokensIn: number | null, tokensOut: number | null): number | null {
  if (!price || tokensIn === null || tokensOut === null) return null;
  return Math.round(((tokensIn * price.input + tokensOut * price.output) / 1_000_000) * 1e8) / 1e8;
}

export const unknownPriceNote = (model: string) => `No price is known for model "${model}", so its cost is not counted. Add it to the price table in AI settings or AI_PRICES.`;
