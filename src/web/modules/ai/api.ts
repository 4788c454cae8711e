import type { z } from 'zod';
import type {
  AiCall,
  AiCallOutcome,
  AiCallPage,
  AiCallSummary,
  AiProvider,
  AiProviderKind,
  AiProviderState,
  AiSettings,
  AiStatus,
  AiUsage,
  saveAiProviderBody,
  TestAiProviderResult,
} from '../../../server/modules/ai/ai.contract';
import { api, request } from '../../lib/api';
import { formatMoney } from '../../lib/money';

export type { AiCall, AiCallOutcome, AiCallSummary, AiProvider, AiProviderKind, AiProviderState, AiSettings, AiStatus, AiUsage, TestAiProviderResult };
export { aiCallOutcomes, aiProviderKinds, saveAiProviderBody } from '../../../server/modules/ai/ai.contract';

const ai = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}/ai`;

export const aiKeys = {
  all: (w: string) => ['ai', w] as const,
  status: (w: string) => ['ai', w, 'status'] as const,
  provider: (w: string) => ['ai', w, 'provider'] as const,
  settings: (w: string) => ['ai', w, 'settings'] as const,
  calls: (w: string, filters: CallFilters) => ['ai', w, 'calls', filters] as const,
  call: (w: string, id: string) => ['ai', w, 'call', id] as const,
  usage: (w: string) => ['ai', w, 'usage'] as const,
};

export interface CallFilters {
  feature?: string | undefined;
  outcome?: AiCallOutcome | undefined;
  userId?: string | undefined;
}

export const fetchAiStatus = (w: string) => api.get<AiStatus>(`${ai(w)}/status`);
export const fetchAiProvider = (w: string) => api.get<AiProviderState>(`${ai(w)}/provider`);
export const saveAiProvider = (w: string, body: z.input<typeof saveAiProviderBody>) => request<AiProvider>('PUT', `${ai(w)}/provider`, { body });
export const removeAiProvider = (w: string) => api.delete(`${ai(w)}/provider`);
export const testAiProvider = (w: string) => api.post<TestAiProviderResult>(`${ai(w)}/provider/test`);
export const fetchAiSettings = (w: string) => api.get<AiSettings>(`${ai(w)}/settings`);
export const updateAiSettings = (w: string, body: AiSettings) => request<AiSettings>('PUT', `${ai(w)}/settings`, { body });
export const fetchAiUsage = (w: string) => api.get<AiUsage>(`${ai(w)}/usage`);
export const fetchAiCall = (w: string, id: string) => api.get<AiCall>(`${ai(w)}/calls/${encodeURIComponent(id)}`);

export function fetchAiCalls(w: string, filters: CallFilters & { cursor?: string | undefined; limit?: number }) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v !== undefined && v !== '') qs.set(k, String(v));
  return api.get<AiCallPage>(`${ai(w)}/calls?${qs.toString()}`);
}

export const providerLabels: Record<AiProviderKind, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  google: 'Google Gemini',
  openai_compatible: 'OpenAI-compatible server',
};

export const outcomeLabels: Record<AiCallOutcome, string> = {
  ok: 'Succeeded',
  error: 'Failed',
  rate_limited: 'Rate limited',
  cancelled: 'Cancelled',
  limit_exceeded: 'Over the daily limit',
};

/**
 * What AI calls cost, in US dollars as providers bill them, through the one money format
 * (lib/money): fractions of a cent keep their digits ("$0.0012").
 */
export function formatCost(usd: number | null): string {
  if (usd === null) return 'Unknown';
  return formatMoney(usd * 100, 'USD');
}

export const formatCount = (n: number | null) => (n === null ? '—' : n.toLocaleString());
