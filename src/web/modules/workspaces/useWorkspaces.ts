import { queryOptions, useQuery } from '@tanstack/react-query';
import { fetchWorkspace, fetchWorkspaces, workspaceKeys, type Role } from './api';

export const workspacesQuery = queryOptions({ queryKey: workspaceKeys.all, queryFn: fetchWorkspaces });

export function useWorkspaces() {
  return useQuery(workspacesQuery);
}

export function useWorkspace(workspaceId: string) {
  return useQuery({ queryKey: workspaceKeys.one(workspaceId), queryFn: () => fetchWorkspace(workspaceId) });
}

export const isManager = (role: Role | undefined) => role === 'owner' || role === 'admin';

const LAST_WORKSPACE_KEY = 'kestrel:lastWorkspace';

export function rememberWorkspace(workspaceId: string): void {
  try {
    localStorage.setItem(LAST_WORKSPACE_KEY, workspaceId);
  } catch {
    // storage may be off; the first workspace is a fine default
  }
}

export function lastWorkspace(): string | null {
  try {
    return localStorage.getItem(LAST_WORKSPACE_KEY);
  } catch {
    return null;
  }
}
