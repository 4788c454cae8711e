import { Link } from '@tanstack/react-router';
import { ErrorAlert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { AiNotConnected } from '../ai/AiNotConnected';
import { agentLabels, formatRunCost, runStatusClass, runStatusLabels } from './api';
import { RunLog, RunProgress } from './RunLog';
import { RunResult } from './RunResult';
import type { useAgentRunner } from './useAgentRunner';

/** The run a person just started: live steps, streaming text and Stop; then its result. */
export function LiveRun({ workspaceId, runner }: { workspaceId: string; runner: ReturnType<typeof useAgentRunner> }) {
  const { phase, run, drafts, error } = runner;
  if (phase === 'idle') {
    if (!error) return null;
    if (error.code === 'ai_not_configured') return <AiNotConnected workspaceId={workspaceId} message={error.message} />;
    return <ErrorAlert title="The agent could not start">{error.message}</ErrorAlert>;
  }
  const label = run ? agentLabels[run.agent] : 'The agent';
  if (phase === 'starting' || !run) return <RunProgress agentLabel={label} step={0} />;
  const working = phase !== 'finished';
  return (
    <section aria-label={`${label}: ${run.taskLabel}`} aria-busy={working} className="space-y-4 rounded-lg border border-teal-200 bg-teal-50/40 p-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="font-medium text-stone-900">
          {label}: {run.taskLabel}
        </p>
        <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${runStatusClass[run.status]}`}>{runStatusLabels[run.status]}</span>
      </div>
      {working ? (
        <>
          <div className="flex flex-wrap items-end gap-3">
            <div className="min-w-0 flex-1 basis-48">
              <RunProgress agentLabel={label} step={run.steps} stopping={phase === 'stopping'} background={phase === 'background'} />
            </div>
            <Button variant="danger" size="sm" onClick={() => void runner.stop()} pending={phase === 'stopping'} pendingLabel="Stopping…">
              Stop
            </Button>
          </div>
          {phase === 'background' ? (
            <p className="text-sm text-stone-700">
              Running in the background. You can leave this page; the result is kept with the{' '}
              <Link to="/w/$workspaceId/agents/runs/$runId" params={{ workspaceId, runId: run.id }} className="font-medium text-teal-800 underline underline-offset-2">
                run
              </Link>
              .
            </p>
          ) : null}
          {error ? <ErrorAlert>{error.message}</ErrorAlert> : null}
          <RunLog workspaceId={workspaceId} events={run.events} drafts={drafts} live />
        </>
      ) : (
        <>
          <RunResult workspaceId={workspaceId} run={run} />
          <details className="text-sm">
            <summary className="cursor-pointer font-medium text-stone-700">What it did ({run.steps} {run.steps === 1 ? 'step' : 'steps'})</summary>
            <div className="mt-2">
              <RunLog workspaceId={workspaceId} events={run.events} drafts={drafts} showCalls />
            </div>
          </details>
          <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
            <Link to="/w/$workspaceId/agents/runs/$runId" params={{ workspaceId, runId: run.id }} className="font-medium text-teal-800 underline underline-offset-2 hover:text-teal-950">
              Open the run
            </Link>
            <span className="text-stone-600">{formatRunCost(run)}</span>
            <Button variant="ghost" size="sm" onClick={runner.reset}>
              Clear
            </Button>
          </div>
        </>
      )}
    </section>
  );
}
