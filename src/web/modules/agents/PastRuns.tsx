import { Link } from '@tanstack/react-router';
import { useId, useState, type ReactNode } from 'react';
import { errorMessage } from '../../lib/api';
import { formatRelative } from '../../lib/format';
import { ErrorAlert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { SkeletonList } from '../../ui/Skeleton';
import { agentLabels, formatRunCost, runStatusClass, runStatusLabels, type AgentRunSummary, type SubjectType } from './api';
import { RunLog, RunProgress } from './RunLog';
import { RunResult } from './RunResult';
import { useRun, useRuns } from './useAgents';

/** Earlier runs on this record, newest first; each opens in place. */
export function PastRuns({ workspaceId, subjectType, subjectId }: { workspaceId: string; subjectType: SubjectType; subjectId: string }) {
  const runs = useRuns(workspaceId, { subjectType, subjectId });
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="mt-6 border-t border-stone-100 pt-4">
      <h3 id={headingId} className="text-sm font-semibold text-stone-900">
        Earlier runs
      </h3>
      <div className="mt-2">
        <RunList workspaceId={workspaceId} runs={runs} loadingRows={2} loadingLabel="Loading earlier runs…" empty={<p className="text-sm text-stone-600">No agent has worked on this yet. Runs you start appear here, with what they found and proposed.</p>} />
      </div>
    </section>
  );
}

/** Runs newest first, a page at a time, with their loading, failing and empty states; each opens in place. */
export function RunList({
  workspaceId,
  runs,
  loadingRows,
  loadingLabel,
  empty,
  showSubject,
}: {
  workspaceId: string;
  runs: ReturnType<typeof useRuns>;
  loadingRows: number;
  loadingLabel: string;
  empty: ReactNode;
  /** Name the record each run was about (the workspace-wide list). */
  showSubject?: boolean;
}) {
  if (runs.isPending) return <SkeletonList rows={loadingRows} label={loadingLabel} />;
  if (runs.isError) return <ErrorAlert>{errorMessage(runs.error)}</ErrorAlert>;
  if (runs.items.length === 0) return empty;
  return (
    <>
      <ul className="divide-y divide-stone-100 rounded-md border border-stone-200">
        {runs.items.map((run) => (
          <PastRun key={run.id} workspaceId={workspaceId} run={run} showSubject={showSubject} />
        ))}
      </ul>
      {runs.hasNextPage ? (
        <Button variant="secondary" size="sm" className="mt-3" onClick={() => void runs.fetchNextPage()} pending={runs.isFetchingNextPage} pendingLabel="Loading…">
          Show older runs
        </Button>
      ) : null}
    </>
  );
}

export function PastRun({ workspaceId, run, showSubject = false }: { workspaceId: string; run: AgentRunSummary; showSubject?: boolean }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  return (
    <li>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((v) => !v)}
        className="flex w-full flex-wrap items-center justify-between gap-x-3 gap-y-1 px-3 py-2 text-left text-sm hover:bg-stone-50"
      >
        <span className="flex min-w-0 items-center gap-2">
          <span aria-hidden="true" className={`text-stone-500 transition-transform ${open ? 'rotate-90' : ''}`}>
            ▸
          </span>
          <span className="min-w-0 break-words">
            <span className="font-medium text-stone-900">{agentLabels[run.agent]}</span>: {run.taskLabel}
            {showSubject && run.subjectType && run.subjectType !== 'workspace' ? <span className="text-stone-500"> · on a {run.subjectType === 'views' ? 'saved view' : run.subjectType.slice(0, -1)}</span> : null}
          </span>
        </span>
        <span className="flex items-center gap-2 text-xs text-stone-600">
          <span className={`inline-flex rounded-full px-2 py-0.5 font-medium ring-1 ring-inset ${runStatusClass[run.status]}`}>{runStatusLabels[run.status]}</span>
          <time dateTime={run.startedAt}>{formatRelative(run.startedAt)}</time>
        </span>
      </button>
      <div id={panelId} hidden={!open} className="px-3 pb-4">
        {open ? <RunDetails workspaceId={workspaceId} runId={run.id} /> : null}
      </div>
    </li>
  );
}

function RunDetails({ workspaceId, runId }: { workspaceId: string; runId: string }) {
  const run = useRun(workspaceId, runId);
  if (run.isPending) return <SkeletonList rows={2} label="Loading the run…" />;
  if (run.isError) return <ErrorAlert>{errorMessage(run.error)}</ErrorAlert>;
  const r = run.data;
  return (
    <div className="space-y-4 pt-2">
      {r.instructions ? <p className="text-sm break-words text-stone-600">You asked: “{r.instructions}”</p> : null}
      {r.status === 'running' ? <RunProgress agentLabel={agentLabels[r.agent]} step={r.steps} background /> : <RunResult workspaceId={workspaceId} run={r} headingLevel={4} />}
      <details className="text-sm">
        <summary className="cursor-pointer font-medium text-stone-700">What it did ({r.steps} {r.steps === 1 ? 'step' : 'steps'})</summary>
        <div className="mt-2">
          <RunLog workspaceId={workspaceId} events={r.events} showCalls />
        </div>
      </details>
      <p className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
        <Link to="/w/$workspaceId/agents/runs/$runId" params={{ workspaceId, runId: r.id }} className="font-medium text-teal-800 underline underline-offset-2 hover:text-teal-950">
          Open the run
        </Link>
        <span className="text-stone-600">{formatRunCost(r)}</span>
      </p>
    </div>
  );
}
