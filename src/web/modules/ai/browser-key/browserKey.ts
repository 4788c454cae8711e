import type { AiProviderKind } from '../../../../server/modules/ai/ai.contract';

/**
 * AI-1: a personal provider key kept only in this browser (localStorage). It is sent to the
 * provider straight from the page and never to Kestrel's server.
 */
export interface BrowserKey {
  kind: AiProviderKind;
  model: string;
  apiKey: string;
  /** Needed for an OpenAI-compatible server; otherwise an optional override. */
  baseUrl: string | null;
}

const STORAGE = 'kestrel.ai.browserKey.v1';

export function readBrowserKey(): BrowserKey | null {
  try {
    const raw = localStorage.getItem(STORAGE);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<BrowserKey>;
    if (!parsed.kind || !parsed.model || typeof parsed.apiKey !== 'string') return null;
    return { kind: parsed.kind, model: parsed.model, apiKey: parsed.apiKey, baseUrl: parsed.baseUrl ?? null };
  } catch {
    return null;
  }
}

export function saveBrowserKey(key: BrowserKey): void {
  localStorage.setItem(STORAGE, JSON.stringify(key));
  window.dispatchEvent(new Event('kestrel-browser-key'));
}

export function clearBrowserKey(): void {
  localStorage.removeItem(STORAGE);
  window.dispatchEvent(new Event('kestrel-browser-key'));
}
