import { useQuery } from '@tanstack/react-query';
import { aiKeys, fetchAiCall, fetchAiProvider, fetchAiSettings, fetchAiStatus, fetchAiUsage } from './api';

export function useAiStatus(workspaceId: string, enabled = true) {
  return useQuery({ queryKey: aiKeys.status(workspaceId), queryFn: () => fetchAiStatus(workspaceId), enabled });
}

export function useAiProvider(workspaceId: string, enabled = true) {
  return useQuery({ queryKey: aiKeys.provider(workspaceId), queryFn: () => fetchAiProvider(workspaceId), enabled });
}

export function useAiSettings(workspaceId: string, enabled = true) {
  return useQuery({ queryKey: aiKeys.settings(workspaceId), queryFn: () => fetchAiSettings(workspaceId), enabled });
}

export function useAiUsage(workspaceId: string, enabled = true) {
  return useQuery({ queryKey: aiKeys.usage(workspaceId), queryFn: () => fetchAiUsage(workspaceId), enabled, staleTime: 0 });
}

export function useAiCall(workspaceId: string, callId: string) {
  return useQuery({ queryKey: aiKeys.call(workspaceId, callId), queryFn: () => fetchAiCall(workspaceId, callId) });
}
