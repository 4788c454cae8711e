import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { ErrorAlert } from '../../ui/Alert';
import { announce } from '../../ui/Announcer';
import { Button } from '../../ui/Button';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { agentKeys, agentLabels, cancelRun, formatRunCost, runDuration, runStatusClass, runStatusLabels, type AgentRun } from './api';
import { NoAiAccess } from './NoAiAccess';
import { RecordLink } from './RecordLink';
import { RunLog, RunProgress } from './RunLog';
import { RunResult } from './RunResult';
import { useAiRole, useRun } from './useAgents';

/** AI-2, AI-4: one run — its status, every step, what it found and proposed, what it cost, and each AI call it made. */
export function RunDetailPage() {
  const { workspaceId, runId } = useParams({ from: '/w/$workspaceId/agents/runs/$runId' });
  const { role, hasAi } = useAiRole(workspaceId);
  const run = useRun(workspaceId, runId, hasAi);
  const back = (
    <Link to="/w/$workspaceId/agents" params={{ workspaceId }} className="text-sm font-medium text-teal-800 underline underline-offset-2 hover:text-teal-950">
      All agents
    </Link>
  );
  if (role && !hasAi) return <NoAiAccess />;
  if (run.isError)
    return (
      <div className="max-w-3xl space-y-4">
        <PageHeading actions={back}>{isApiError(run.error) && run.error.status === 404 ? 'Run not found' : 'The run could not be loaded'}</PageHeading>
        <ErrorAlert>{isApiError(run.error) && run.error.status === 404 ? 'It may belong to someone else, or the link is mistyped.' : errorMessage(run.error)}</ErrorAlert>
      </div>
    );
  if (!run.data) return <SkeletonList rows={5} label="Loading the run…" />;
  return <RunDetail workspaceId={workspaceId} run={run.data} back={back} />;
}

function RunDetail({ workspaceId, run, back }: { workspaceId: string; run: AgentRun; back: ReactNode }) {
  const client = useQueryClient();
  const stop = useMutation({
    mutationFn: () => cancelRun(workspaceId, run.id),
    onSuccess: (r) => {
      client.setQueryData(agentKeys.run(workspaceId, r.id), r);
      announce(r.status === 'running' ? 'Stopping at its next step…' : 'Stopped.');
    },
  });
  const label = agentLabels[run.agent];
  const subject = run.subjectType && ['deals', 'contacts', 'companies'].includes(run.subjectType) && run.subjectId ? run.records.find((r) => r.id === run.subjectId) ?? { type: run.subjectType as 'deals', id: run.subjectId, label: `this ${run.subjectType.slice(0, -1)}` } : null;
  const facts: [string, ReactNode][] = [
    ['Status', <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${runStatusClass[run.status]}`}>{runStatusLabels[run.status]}</span>],
    ['Started', <time dateTime={run.startedAt}>{formatDateTime(run.startedAt)}</time>],
    ['Took', runDuration(run) ?? '—'],
    ['Steps', String(run.steps)],
    ['Tokens and cost', formatRunCost(run)],
    ['On', subject ? <RecordLink workspaceId={workspaceId} record={subject} /> : run.subjectType === 'views' ? 'A saved view' : 'The whole workspace'],
    ['Started by', run.trigger === 'schedule' ? 'The weekly schedule' : 'A person'],
  ];
  return (
    <div className="max-w-4xl space-y-6">
      <PageHeading description={`${label} · ${run.instructions ? `“${run.instructions}”` : 'no extra instructions'}`} actions={back}>
        {`${label}: ${run.taskLabel}`}
      </PageHeading>
      <Card labelledBy="run-facts">
        <SectionHeading id="run-facts">Summary</SectionHeading>
        <dl className="grid gap-x-6 gap-y-3 sm:grid-cols-2">
          {facts.map(([name, value]) => (
            <div key={name} className="min-w-0">
              <dt className="text-xs text-stone-600">{name}</dt>
              <dd className="mt-0.5 text-sm break-words text-stone-900">{value}</dd>
            </div>
          ))}
        </dl>
        {run.status === 'running' ? (
          <div className="mt-4 space-y-3">
            <RunProgress agentLabel={label} step={run.steps} stopping={stop.isSuccess} background />
            <p className="text-sm text-stone-700">Running in the background. This page updates by itself; you can leave it and come back.</p>
            <Button variant="danger" size="sm" onClick={() => stop.mutate()} pending={stop.isPending} pendingLabel="Stopping…" disabled={stop.isSuccess}>
              Stop
            </Button>
            {stop.isError ? <ErrorAlert>{errorMessage(stop.error)}</ErrorAlert> : null}
          </div>
        ) : null}
      </Card>
      {run.status !== 'running' ? (
        <Card labelledBy="run-result">
          <SectionHeading id="run-result">What it found</SectionHeading>
          <RunResult workspaceId={workspaceId} run={run} />
        </Card>
      ) : null}
      <Card labelledBy="run-steps">
        <SectionHeading id="run-steps" description="Each step is one AI call; open it to see exactly what was sent and what came back.">
          Steps
        </SectionHeading>
        <RunLog workspaceId={workspaceId} events={run.events} live={run.status === 'running'} showCalls />
      </Card>
    </div>
  );
}
