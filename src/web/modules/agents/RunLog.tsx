import { Link } from '@tanstack/react-router';
import { ProgressBar } from '../imports/ProgressBar';
import { toolLabel, type RunEvent } from './api';

/** A run's steps as a person reads them: what it looked at, what it proposed (the propose_* tools' lines), what it said. */
export function RunLog({ workspaceId, events, drafts = {}, live = false, showCalls = false }: { workspaceId: string; events: RunEvent[]; drafts?: Record<number, string>; live?: boolean; showCalls?: boolean }) {
  const steps = [...new Set(events.map((e) => e.step))].sort((a, b) => a - b);
  const draftSteps = Object.keys(drafts).map(Number);
  for (const s of draftSteps) if (!steps.includes(s)) steps.push(s);
  if (steps.length === 0) return <p className="text-sm text-stone-600">{live ? 'Starting…' : 'No steps were recorded.'}</p>;
  return (
    <ol className="space-y-3">
      {steps.map((step) => {
        const items = events.filter((e) => e.step === step);
        const final = items.find((e): e is Extract<RunEvent, { type: 'text' }> => e.type === 'text');
        const text = final?.text ?? drafts[step];
        const calls = items.filter((e): e is Extract<RunEvent, { type: 'call' }> => e.type === 'call');
        return (
          <li key={step} className="rounded-md border border-stone-200 bg-stone-50/60 p-3">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <p className="text-xs font-semibold tracking-wide text-stone-600 uppercase">Step {step}</p>
              {showCalls
                ? calls.map((c) => (
                    <Link key={c.callId} to="/w/$workspaceId/settings/ai-usage/$callId" params={{ workspaceId, callId: c.callId }} className="text-xs font-medium text-teal-800 underline underline-offset-2 hover:text-teal-950">
                      AI call of step {step}
                    </Link>
                  ))
                : null}
            </div>
            {text ? <p className="mt-1 text-sm break-words whitespace-pre-wrap text-stone-800">{text}</p> : null}
            {items.some((e) => e.type === 'tool') ? (
              <ul className="mt-1 space-y-1">
                {items.map((e, i) =>
                  e.type === 'tool' ? (
                    <li key={i} className="flex gap-2 text-sm">
                      <span aria-hidden="true" className={e.ok ? 'text-emerald-700' : 'text-red-700'}>
                        {e.ok ? '✓' : '✗'}
                      </span>
                      <span className="min-w-0 break-words">
                        <span className="font-medium text-stone-900">{toolLabel(e.tool)}</span>
                        {e.ok ? null : <span className="sr-only"> (failed)</span>}
                        {e.summary ? <span className="text-stone-700">: {e.summary}</span> : null}
                      </span>
                    </li>
                  ) : null,
                )}
              </ul>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

/** An honest progress indicator: the agent does not know how many steps it will need, so it shows which step it is on. */
export function RunProgress({ agentLabel, step, stopping, background }: { agentLabel: string; step: number; stopping?: boolean; background?: boolean }) {
  const label = stopping ? `Stopping ${agentLabel}…` : background ? `${agentLabel} is running in the background` : `${agentLabel} is working`;
  return <ProgressBar value={null} label={label} detail={step > 0 ? `Step ${step}` : 'Starting'} />;
}
