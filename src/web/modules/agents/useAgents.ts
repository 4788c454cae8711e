import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { errorMessage } from '../../lib/api';
import { announce } from '../../ui/Announcer';
import { activityKeys } from '../activities/api';
import { crmKeys } from '../crm/api';
import { useWorkspace } from '../workspaces/useWorkspaces';
import {
  agentKeys,
  approveProposal,
  fetchAgents,
  fetchAgentSettings,
  fetchProposal,
  fetchProposals,
  fetchRun,
  fetchRuns,
  proposalKindLabels,
  rejectProposal,
  type Proposal,
  type ProposalFilters,
  type RunFilters,
} from './api';

/** Clients have no AI at all; the team runs agents; owners and admins see everything and set autopilot. */
export function useAiRole(workspaceId: string) {
  const role = useWorkspace(workspaceId).data?.role;
  return { role, hasAi: role !== undefined && role !== 'client', manager: role === 'owner' || role === 'admin' };
}

export function useAgents(workspaceId: string, enabled = true) {
  return useQuery({ queryKey: agentKeys.list(workspaceId), queryFn: () => fetchAgents(workspaceId).then((r) => r.agents), enabled, staleTime: 5 * 60_000 });
}

export function useAgentSettings(workspaceId: string, enabled = true) {
  return useQuery({ queryKey: agentKeys.settings(workspaceId), queryFn: () => fetchAgentSettings(workspaceId), enabled });
}

const RUNS_PAGE = 10;

export function useRuns(workspaceId: string, filters: RunFilters, enabled = true) {
  const query = useInfiniteQuery({
    queryKey: agentKeys.runList(workspaceId, filters),
    queryFn: ({ pageParam }) => fetchRuns(workspaceId, { ...filters, cursor: pageParam, limit: RUNS_PAGE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
    staleTime: 0,
    // Background runs in the list move on by themselves.
    refetchInterval: (q) => (q.state.data?.pages.some((p) => p.items.some((r) => r.status === 'running')) ? 3000 : false),
  });
  const items = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  return { ...query, items };
}

/** One run; while it is running (in the background or elsewhere) it is asked again every couple of seconds. */
export function useRun(workspaceId: string, runId: string | null, enabled = true) {
  return useQuery({
    queryKey: agentKeys.run(workspaceId, runId ?? 'none'),
    queryFn: () => fetchRun(workspaceId, runId!),
    enabled: enabled && runId !== null,
    staleTime: 0,
    refetchInterval: (q) => (q.state.data?.status === 'running' ? 2000 : false),
  });
}

export function usePendingCount(workspaceId: string, enabled = true) {
  return useQuery({
    queryKey: agentKeys.pendingCount(workspaceId),
    queryFn: () => fetchProposals(workspaceId, { status: 'pending', limit: 1 }).then((r) => r.pendingCount),
    enabled,
    refetchInterval: 60_000,
  });
}

export function useProposals(workspaceId: string, filters: ProposalFilters) {
  const query = useInfiniteQuery({
    queryKey: agentKeys.approvalList(workspaceId, filters),
    queryFn: ({ pageParam }) => fetchProposals(workspaceId, { ...filters, cursor: pageParam, limit: 25 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
  const items = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  return { ...query, items };
}

export function useProposal(workspaceId: string, id: string) {
  return useQuery({ queryKey: agentKeys.proposal(workspaceId, id), queryFn: () => fetchProposal(workspaceId, id), staleTime: 0 });
}

/**
 * Approve (maybe edited) or reject. Afterwards the inbox, the badge and whatever the action
 * changed (a timeline, a deal's stage) are fetched again.
 */
export function useDecideProposal(workspaceId: string) {
  const client = useQueryClient();
  // Announced here rather than by the card: the refreshed inbox may drop the card before its own callbacks run.
  const settle = (p: Proposal) => {
    announce(decisionMessage(p));
    client.setQueryData(agentKeys.proposal(workspaceId, p.id), p);
    void client.invalidateQueries({ queryKey: agentKeys.approvals(workspaceId) });
    if (p.status === 'approved') void client.invalidateQueries({ queryKey: activityKeys.all(workspaceId) });
    if (p.status === 'approved' && (p.kind === 'move_deal' || p.kind === 'update_contact')) void client.invalidateQueries({ queryKey: crmKeys.all(workspaceId) });
  };
  const approve = useMutation({
    mutationFn: ({ id, payload }: { id: string; payload?: Record<string, unknown> }) => approveProposal(workspaceId, id, payload),
    onSuccess: settle,
    onError: (error) => announce(errorMessage(error)),
  });
  const reject = useMutation({
    mutationFn: ({ id, note }: { id: string; note?: string }) => rejectProposal(workspaceId, id, note),
    onSuccess: settle,
    onError: (error) => announce(errorMessage(error)),
  });
  return { approve, reject };
}

/** What a person hears after deciding: what was done, or that nothing was. */
function decisionMessage(p: Proposal): string {
  if (p.status === 'rejected') return `${proposalKindLabels[p.kind]} rejected. Nothing was done.`;
  if (p.status === 'failed') return `It could not be carried out: ${p.error ?? 'no reason given'}.`;
  if (p.kind === 'send_email') return `Email approved and sent to ${p.records.find((r) => r.type === 'contacts')?.label ?? 'the contact'}.`;
  if (p.kind === 'update_contact') return `Update approved; ${p.records.find((r) => r.type === 'contacts')?.label ?? 'the contact'} has the new details.`;
  return p.kind === 'move_deal' ? 'Stage move approved; the deal has moved.' : 'Tasks approved and created.';
}
