import { useQuery } from '@tanstack/react-query';
import type { RecordType } from '../../../server/modules/crm/crm.contract';
import { fetchCrmSettings, fetchScore, fetchScoringRules, fetchShares, fetchTerritoryRules, rulesKeys } from './api';

export function useCrmSettings(workspaceId: string) {
  return useQuery({ queryKey: rulesKeys.settings(workspaceId), queryFn: () => fetchCrmSettings(workspaceId) });
}

export function useScoringRules(workspaceId: string) {
  return useQuery({ queryKey: rulesKeys.scoring(workspaceId), queryFn: () => fetchScoringRules(workspaceId).then((r) => r.rules) });
}

export function useTerritoryRules(workspaceId: string) {
  return useQuery({ queryKey: rulesKeys.territories(workspaceId), queryFn: () => fetchTerritoryRules(workspaceId).then((r) => r.rules) });
}

/** A contact's score and why; refetched when the contact's version changes. */
export function useScore(workspaceId: string, contactId: string, enabled = true, version?: number) {
  return useQuery({ queryKey: [...rulesKeys.score(workspaceId, contactId), version ?? null], queryFn: () => fetchScore(workspaceId, contactId), enabled });
}

export function useShares(workspaceId: string, recordType: RecordType, recordId: string, enabled = true) {
  return useQuery({ queryKey: rulesKeys.shares(workspaceId, recordType, recordId), queryFn: () => fetchShares(workspaceId, recordType, recordId).then((r) => r.shares), enabled });
}
