import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createSavedView, deleteSavedView, fetchGroupCounts, fetchSavedViews, fetchViewFields, queryView, updateSavedView, type RecordType, type ViewDefinition } from './api';

export function useViewFields(workspaceId: string, object: RecordType) {
  return useQuery({ queryKey: ['view-fields', workspaceId, object], queryFn: () => fetchViewFields(workspaceId, object), staleTime: 60_000 });
}

/** Pages of the view, fetched with the cursor of the page before ("load more" / infinite scroll). */
export function useViewRows(workspaceId: string, view: ViewDefinition, enabled = true) {
  return useInfiniteQuery({
    queryKey: ['view-rows', workspaceId, view],
    queryFn: ({ pageParam, signal }) => queryView(workspaceId, view, pageParam, 50, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useGroupCounts(workspaceId: string, view: ViewDefinition) {
  const groupBy = view.groupBy ?? null;
  return useQuery({
    queryKey: ['view-groups', workspaceId, view],
    queryFn: () => fetchGroupCounts(workspaceId, { ...view, groupBy: groupBy! }),
    enabled: !!groupBy,
    placeholderData: keepPreviousData,
  });
}

export function useSavedViews(workspaceId: string, object: RecordType) {
  return useQuery({ queryKey: ['saved-views', workspaceId, object], queryFn: () => fetchSavedViews(workspaceId, object) });
}

export function useSavedViewMutations(workspaceId: string, object: RecordType) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ['saved-views', workspaceId, object] });
  return {
    create: useMutation({ mutationFn: (body: Parameters<typeof createSavedView>[1]) => createSavedView(workspaceId, body), onSuccess: refresh }),
    update: useMutation({ mutationFn: ({ id, ...body }: Parameters<typeof updateSavedView>[2] & { id: string }) => updateSavedView(workspaceId, id, body), onSuccess: refresh }),
    remove: useMutation({ mutationFn: (id: string) => deleteSavedView(workspaceId, id), onSuccess: refresh }),
  };
}
