import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { announce } from '../../ui/Announcer';
import { brainKeys, deleteConversation, type BrainStatus, fetchBrainStatus, fetchConversation, fetchConversations } from './api';

/** How the brain searches here; `poll` re-asks while it returns a delay (an index being built). */
export function useBrainStatus(workspaceId: string, enabled = true, poll?: (status: BrainStatus | undefined) => number | false) {
  return useQuery({
    queryKey: brainKeys.status(workspaceId),
    queryFn: () => fetchBrainStatus(workspaceId),
    enabled,
    staleTime: poll ? 0 : 10 * 60_000,
    ...(poll ? { refetchInterval: (q: { state: { data?: BrainStatus } }) => poll(q.state.data) } : {}),
  });
}

export function useConversations(workspaceId: string, enabled = true) {
  return useQuery({ queryKey: brainKeys.conversations(workspaceId), queryFn: () => fetchConversations(workspaceId).then((r) => r.items), enabled });
}

export function useConversation(workspaceId: string, id: string | undefined) {
  return useQuery({ queryKey: brainKeys.conversation(workspaceId, id ?? 'none'), queryFn: () => fetchConversation(workspaceId, id!), enabled: Boolean(id) });
}

/** Deletes a conversation; `leave` moves off its page first, so the gone conversation is not asked for again. */
export function useDeleteConversation(workspaceId: string, leave: () => Promise<void>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteConversation(workspaceId, id),
    onSuccess: async (_, id) => {
      announce('Conversation deleted.');
      void client.invalidateQueries({ queryKey: brainKeys.conversations(workspaceId) });
      await leave();
      client.removeQueries({ queryKey: brainKeys.conversation(workspaceId, id) });
    },
  });
}
