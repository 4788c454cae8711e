import { useQuery } from '@tanstack/react-query';
import { fetchMembers, workspaceKeys } from '../workspaces/api';
import { isManager, useWorkspace } from '../workspaces/useWorkspaces';
import { crmKeys, fetchCustomFields, fetchPipelines, fetchTags, type RecordType } from './api';

/** What the person may do with records: team members edit, owners and admins also delete and configure. */
export function useCrmRole(workspaceId: string) {
  const workspace = useWorkspace(workspaceId);
  const role = workspace.data?.role;
  return { role, canEdit: role === 'owner' || role === 'admin' || role === 'staff', canManage: isManager(role), loading: workspace.isPending };
}

export function usePipelines(workspaceId: string) {
  return useQuery({ queryKey: crmKeys.pipelines(workspaceId), queryFn: () => fetchPipelines(workspaceId).then((r) => r.pipelines) });
}

export function useTags(workspaceId: string) {
  return useQuery({ queryKey: crmKeys.tags(workspaceId), queryFn: () => fetchTags(workspaceId).then((r) => r.tags) });
}

/** All definitions once per workspace; each form picks its object's. */
export function useCustomFields(workspaceId: string, object?: RecordType) {
  return useQuery({
    queryKey: crmKeys.fields(workspaceId),
    queryFn: () => fetchCustomFields(workspaceId).then((r) => r.fields),
    select: (fields) => (object ? fields.filter((f) => f.object === object) : fields),
  });
}

/** People who can own records: members other than clients. */
export function useOwners(workspaceId: string) {
  return useQuery({
    queryKey: workspaceKeys.members(workspaceId),
    queryFn: () => fetchMembers(workspaceId),
    select: (r) => r.members.filter((m) => m.role !== 'client'),
  });
}
