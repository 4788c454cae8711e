import type { z } from 'zod';
import type { RecordType } from '../../../server/modules/crm/crm.contract';
import type {
  createScoringRuleBody,
  createTerritoryRuleBody,
  CrmSettings,
  previewScoreBody,
  previewScoreSchema,
  RecordShare,
  ScoreExplanation,
  ScoringCondition,
  ScoringRule,
  TerritoryRule,
  updateScoringRuleBody,
  updateTerritoryRuleBody,
} from '../../../server/modules/rules/rules.contract';
import { api, request } from '../../lib/api';

export type { CrmSettings, RecordShare, ScoreExplanation, ScoringCondition, ScoringRule, TerritoryRule };
export type PreviewScore = z.infer<typeof previewScoreSchema>;

const ws = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}`;
const one = (id: string) => encodeURIComponent(id);

export const rulesKeys = {
  all: (w: string) => ['rules', w] as const,
  settings: (w: string) => ['rules', w, 'settings'] as const,
  scoring: (w: string) => ['rules', w, 'scoring'] as const,
  territories: (w: string) => ['rules', w, 'territories'] as const,
  score: (w: string, contactId: string) => ['rules', w, 'score', contactId] as const,
  shares: (w: string, type: RecordType, id: string) => ['rules', w, 'shares', type, id] as const,
};

// ---- who sees what
export const fetchCrmSettings = (w: string) => api.get<CrmSettings>(`${ws(w)}/crm-settings`);
export const updateCrmSettings = (w: string, body: CrmSettings) => request<CrmSettings>('PUT', `${ws(w)}/crm-settings`, { body });
export const fetchShares = (w: string, type: RecordType, id: string) => api.get<{ shares: RecordShare[] }>(`${ws(w)}/${type}/${one(id)}/shares`);
export const shareRecord = (w: string, type: RecordType, id: string, userId: string) => api.post<{ shares: RecordShare[] }>(`${ws(w)}/${type}/${one(id)}/shares`, { userId });
export const unshareRecord = (w: string, type: RecordType, id: string, userId: string) => api.delete(`${ws(w)}/${type}/${one(id)}/shares/${one(userId)}`);

// ---- lead scoring
export const fetchScoringRules = (w: string) => api.get<{ rules: ScoringRule[] }>(`${ws(w)}/scoring-rules`);
export const createScoringRule = (w: string, body: z.input<typeof createScoringRuleBody>) => api.post<ScoringRule>(`${ws(w)}/scoring-rules`, body);
export const updateScoringRule = (w: string, id: string, body: z.input<typeof updateScoringRuleBody>) => api.patch<ScoringRule>(`${ws(w)}/scoring-rules/${one(id)}`, body);
export const deleteScoringRule = (w: string, id: string) => api.delete(`${ws(w)}/scoring-rules/${one(id)}`);
export const previewScore = (w: string, body: z.input<typeof previewScoreBody>) => api.post<PreviewScore>(`${ws(w)}/scoring-rules/preview`, body);
export const fetchScore = (w: string, contactId: string) => api.get<ScoreExplanation>(`${ws(w)}/contacts/${one(contactId)}/score`);

// ---- territories
export const fetchTerritoryRules = (w: string) => api.get<{ rules: TerritoryRule[] }>(`${ws(w)}/territory-rules`);
export const createTerritoryRule = (w: string, body: z.input<typeof createTerritoryRuleBody>) => api.post<TerritoryRule>(`${ws(w)}/territory-rules`, body);
export const updateTerritoryRule = (w: string, id: string, body: z.input<typeof updateTerritoryRuleBody>) => api.patch<TerritoryRule>(`${ws(w)}/territory-rules/${one(id)}`, body);
export const reorderTerritoryRules = (w: string, ruleIds: string[]) => request<{ rules: TerritoryRule[] }>('PUT', `${ws(w)}/territory-rules/order`, { body: { ruleIds } });
export const deleteTerritoryRule = (w: string, id: string) => api.delete(`${ws(w)}/territory-rules/${one(id)}`);
