import { Link, useParams } from '@tanstack/react-router';
import { errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { EmptyState } from '../../ui/EmptyState';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { AiNotConnected, useAiReady } from '../ai/AiNotConnected';
import { AgentCard } from './AgentCard';
import { NoAiAccess } from './NoAiAccess';
import { RunList } from './PastRuns';
import { useAgents, useAgentSettings, useAiRole, useRuns } from './useAgents';

/** AI-2: the five agents, their workspace-wide tasks, and recent runs. */
export function AgentsPage() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const { role, hasAi, manager } = useAiRole(workspaceId);
  const agents = useAgents(workspaceId, hasAi);
  const settings = useAgentSettings(workspaceId, hasAi);
  const ai = useAiReady(workspaceId, hasAi);
  if (role && !hasAi) return <NoAiAccess />;
  return (
    <div className="max-w-5xl space-y-6">
      <PageHeading
        description="Five assistants that work on your workspace’s data. Emails and changes they propose wait in Approvals unless an agent is on autopilot."
        actions={
          <Link to="/w/$workspaceId/approvals" params={{ workspaceId }} className="text-sm font-medium text-teal-800 underline underline-offset-2 hover:text-teal-950">
            Go to Approvals
          </Link>
        }
      >
        Agents
      </PageHeading>
      {ai.notConnected ? <AiNotConnected workspaceId={workspaceId} /> : null}
      {agents.isPending ? (
        <SkeletonList rows={5} label="Loading the agents…" />
      ) : agents.isError ? (
        <ErrorAlert>{errorMessage(agents.error)}</ErrorAlert>
      ) : (
        <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
          {agents.data.map((agent) => (
            <AgentCard key={agent.name} workspaceId={workspaceId} agent={agent} aiReady={ai.ready} weeklyBrief={settings.data?.weeklyBrief} />
          ))}
        </div>
      )}
      <p className="text-sm text-stone-600">
        {manager ? (
          <>
            Autopilot and the weekly brief are set in{' '}
            <Link to="/w/$workspaceId/settings/ai" params={{ workspaceId }} className="font-medium text-teal-800 underline underline-offset-2 hover:text-teal-950">
              Settings → AI
            </Link>
            .
          </>
        ) : (
          'Owners and admins choose which agents run on autopilot.'
        )}
      </p>
      <RecentRuns workspaceId={workspaceId} enabled={hasAi} manager={manager} />
    </div>
  );
}

function RecentRuns({ workspaceId, enabled, manager }: { workspaceId: string; enabled: boolean; manager: boolean }) {
  const runs = useRuns(workspaceId, {}, enabled);
  return (
    <Card labelledBy="recent-runs">
      <SectionHeading id="recent-runs" description={manager ? 'Every run in this workspace, newest first.' : 'Runs you started, newest first.'}>
        Recent runs
      </SectionHeading>
      <RunList
        workspaceId={workspaceId}
        runs={runs}
        loadingRows={3}
        loadingLabel="Loading runs…"
        empty={<EmptyState title="No runs yet">Run an agent above, or ask one on a deal or contact page. Each run is kept here with its steps, findings and cost.</EmptyState>}
        showSubject
      />
    </Card>
  );
}
