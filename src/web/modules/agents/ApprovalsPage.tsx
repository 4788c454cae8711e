import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { SelectField } from '../../ui/Field';
import { PageHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { Tabs } from '../../ui/Tabs';
import { agentLabels, agentNames, type AgentName, type ProposalStatus } from './api';
import { NoAiAccess } from './NoAiAccess';
import { ProposalCard } from './ProposalCard';
import { useAiRole, usePendingCount, useProposals } from './useAgents';

const tabs: { key: ProposalStatus; label: string }[] = [
  { key: 'pending', label: 'Pending' },
  { key: 'approved', label: 'Approved' },
  { key: 'rejected', label: 'Rejected' },
  { key: 'failed', label: 'Failed' },
];

const empty: Record<ProposalStatus, { title: string; text: string }> = {
  pending: {
    title: 'Nothing waiting for approval',
    text: 'When an agent drafts an email, proposes moving a deal or suggests tasks, it lands here for you to approve, edit or reject. Nothing is sent or changed until you do.',
  },
  approved: { title: 'Nothing approved yet', text: 'Proposals you approve, and those carried out by autopilot, are listed here.' },
  rejected: { title: 'Nothing rejected', text: 'Proposals you turn down are kept here with your note.' },
  failed: { title: 'No failures', text: 'When an approved action cannot be carried out (say, the contact withdrew consent), it is listed here with the reason.' },
};

/** AI-5: the approvals inbox — what agents proposed, to approve as is, edit then approve, or reject. */
export function ApprovalsPage() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const { role, hasAi, manager } = useAiRole(workspaceId);
  const [status, setStatus] = useState<ProposalStatus>('pending');
  const [agent, setAgent] = useState<AgentName | ''>('');
  const pending = usePendingCount(workspaceId, hasAi);
  if (role && !hasAi) return <NoAiAccess />;
  const labelled = tabs.map((t) => (t.key === 'pending' && pending.data ? { ...t, label: `Pending (${pending.data})` } : t));
  return (
    <div className="max-w-4xl">
      <PageHeading description={manager ? 'What the agents proposed across the workspace. Approving carries it out at once.' : 'What the agents you ran proposed. Approving carries it out at once.'}>
        Approvals
      </PageHeading>
      <div className="mb-4 max-w-xs">
        <SelectField
          label="Agent"
          value={agent}
          onChange={(e) => setAgent(e.target.value as AgentName | '')}
          options={[{ value: '', label: 'All agents' }, ...agentNames.map((a) => ({ value: a, label: agentLabels[a] }))]}
        />
      </div>
      <Tabs tabs={labelled} selected={status} onSelect={setStatus} label="Proposals by status">
        <ProposalList key={`${status}:${agent}`} workspaceId={workspaceId} status={status} agent={agent || undefined} canDecide={hasAi} />
      </Tabs>
    </div>
  );
}

function ProposalList({ workspaceId, status, agent, canDecide }: { workspaceId: string; status: ProposalStatus; agent: AgentName | undefined; canDecide: boolean }) {
  const proposals = useProposals(workspaceId, { status, agent });
  if (proposals.isPending) return <SkeletonList rows={3} label="Loading proposals…" />;
  if (proposals.isError && proposals.items.length === 0) return <ErrorAlert>{errorMessage(proposals.error)}</ErrorAlert>;
  if (proposals.items.length === 0)
    return (
      <EmptyState title={agent ? `${empty[status].title} from ${agentLabels[agent]}` : empty[status].title}>
        <p>{empty[status].text}</p>
      </EmptyState>
    );
  return (
    <div className="space-y-4">
      <h2 className="sr-only">{tabs.find((t) => t.key === status)?.label} proposals</h2>
      {proposals.items.map((p) => (
        <ProposalCard key={p.id} workspaceId={workspaceId} proposal={p} canDecide={canDecide} />
      ))}
      <div className="flex items-center gap-3">
        {proposals.hasNextPage ? (
          <Button variant="secondary" onClick={() => void proposals.fetchNextPage()} pending={proposals.isFetchingNextPage} pendingLabel="Loading…">
            Load more
          </Button>
        ) : (
          <p className="text-sm text-stone-500">
            {proposals.items.length} {proposals.items.length === 1 ? 'proposal' : 'proposals'} · that’s everything
          </p>
        )}
        {proposals.isFetchNextPageError ? (
          <p role="alert" className="text-sm text-red-700">
            {errorMessage(proposals.error)}
          </p>
        ) : null}
      </div>
    </div>
  );
}
