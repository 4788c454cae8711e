import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../lib/api';
import { postEventStream, streamError } from '../../lib/eventStream';
import { announce } from '../../ui/Announcer';
import { agentKeys, agentLabels, cancelRun, runsPath, runStatusLabels, type AgentName, type AgentRun, type RunEvent, type StartRunBody } from './api';
import { useRun } from './useAgents';

/**
 * idle → streaming (the answer arrives as server-sent events) → finished; or → background (a
 * long task the server queued: polled) → finished. Stop asks the server to stop and drops the
 * stream; the run's final state is then fetched.
 */
export type RunnerPhase = 'idle' | 'starting' | 'streaming' | 'background' | 'stopping' | 'finished';

interface RunnerState {
  phase: RunnerPhase;
  run: AgentRun | null;
  /** Model text per step as it is written; replaced by the step's final text. */
  drafts: Record<number, string>;
  error: ApiError | null;
}

const idle: RunnerState = { phase: 'idle', run: null, drafts: {}, error: null };

export function useAgentRunner(workspaceId: string) {
  const client = useQueryClient();
  const [state, setState] = useState<RunnerState>(idle);
  const controller = useRef<AbortController | null>(null);

  // Leaving the page drops the stream; the server then stops the run (it is a person's request).
  useEffect(() => () => controller.current?.abort(), []);

  const polling = state.phase === 'background' || state.phase === 'stopping';
  const polled = useRun(workspaceId, state.run?.id ?? null, polling);

  const finish = useCallback(
    (run: AgentRun) => {
      setState((s) => ({ ...s, phase: 'finished', run }));
      const label = agentLabels[run.agent];
      announce(run.status === 'succeeded' ? `${label} has finished: ${run.taskLabel}.` : `${label} ${runStatusLabels[run.status].toLowerCase()}${run.error ? `: ${run.error}` : '.'}`);
      void client.invalidateQueries({ queryKey: agentKeys.runs(workspaceId) });
      void client.invalidateQueries({ queryKey: agentKeys.approvals(workspaceId) });
    },
    [client, workspaceId],
  );

  useEffect(() => {
    const run = polled.data;
    if (!polling || !run || run.id !== state.run?.id) return;
    if (run.status !== 'running') finish(run);
    else setState((s) => ({ ...s, run }));
  }, [polled.data, polling, state.run?.id, finish]);

  const start = useCallback(
    async (agent: AgentName, body: StartRunBody) => {
      controller.current?.abort();
      const abort = new AbortController();
      controller.current = abort;
      setState({ ...idle, phase: 'starting' });
      // Filled in by the event handler (an object, so the checks after the await see the writes).
      const got: { started: AgentRun | null; final: AgentRun | null } = { started: null, final: null };
      try {
        const answer = await postEventStream(runsPath(workspaceId, agent), body, {
          signal: abort.signal,
          onEvent: (name, data) => {
            if (name === 'run') {
              const run = data as AgentRun;
              got.started = run;
              setState((s) => ({ ...s, phase: 'streaming', run }));
              announce(`${agentLabels[agent]} is working.`);
            } else if (name === 'event') {
              const event = data as RunEvent;
              setState((s) => {
                if (!s.run) return s;
                const drafts = event.type === 'text' ? { ...s.drafts, [event.step]: event.text } : s.drafts;
                return { ...s, drafts, run: { ...s.run, events: [...s.run.events, event], steps: Math.max(s.run.steps, event.step) } };
              });
            } else if (name === 'delta') {
              const { step, text } = data as { step: number; text: string };
              setState((s) => ({ ...s, drafts: { ...s.drafts, [step]: (s.drafts[step] ?? '') + text } }));
            } else if (name === 'done') {
              got.final = data as AgentRun;
            } else if (name === 'error') {
              throw streamError(data);
            }
          },
        });
        if (answer.kind === 'json') {
          // A background task: the run was queued and comes back at once.
          const run = answer.data as AgentRun;
          setState((s) => ({ ...s, phase: run.status === 'running' ? 'background' : 'finished', run }));
          if (run.status === 'running') announce(`${agentLabels[agent]} is running in the background.`);
          else finish(run);
          void client.invalidateQueries({ queryKey: agentKeys.runs(workspaceId) });
          return;
        }
        if (got.final) finish(got.final);
        // The stream ended without its last word (a proxy cut it): fetch how the run stands.
        else if (got.started) setState((s) => ({ ...s, phase: 'background' }));
        else setState((s) => ({ ...s, phase: 'idle', error: new ApiError(0, 'stream_error', 'The run did not start. Try again.') }));
      } catch (error) {
        if (error instanceof DOMException && error.name === 'AbortError') return;
        const failure = error instanceof ApiError ? error : new ApiError(0, 'unknown', 'Something went wrong. Try again.');
        // A run that had started is still worth showing; the server keeps its outcome.
        if (got.started && failure.code !== 'ai_not_configured') setState((s) => ({ ...s, phase: 'background', error: failure.code === 'network_error' ? null : failure }));
        else {
          setState((s) => ({ ...s, phase: 'idle', error: failure }));
          announce(failure.message);
        }
      }
    },
    [client, finish, workspaceId],
  );

  const stop = useCallback(async () => {
    const run = state.run;
    if (!run) return;
    setState((s) => ({ ...s, phase: 'stopping' }));
    announce(`Stopping ${agentLabels[run.agent]}…`);
    try {
      await cancelRun(workspaceId, run.id);
    } catch {
      // Dropping the stream below stops a streaming run anyway.
    }
    controller.current?.abort();
    controller.current = null;
  }, [state.run, workspaceId]);

  const reset = useCallback(() => {
    controller.current?.abort();
    controller.current = null;
    setState(idle);
  }, []);

  return { ...state, start, stop, reset, busy: state.phase === 'starting' || state.phase === 'streaming' || state.phase === 'background' || state.phase === 'stopping' };
}
