import { useId, useState, type FormEvent } from 'react';
import { Button } from '../../ui/Button';
import { TextAreaField } from '../../ui/Field';
import { AiNotConnected, useAiReady } from '../ai/AiNotConnected';
import { agentLabels, type AgentName } from './api';
import { LiveRun } from './LiveRun';
import { PastRuns } from './PastRuns';
import { useAgentRunner } from './useAgentRunner';
import { useAgents, useAiRole } from './useAgents';

type RecordSubject = 'deals' | 'contacts';

/** The agent tasks offered on each kind of record page, in this order. */
const offered: Record<RecordSubject, { agent: AgentName; task: string }[]> = {
  deals: [
    { agent: 'closer', task: 'next_step' },
    { agent: 'closer', task: 'follow_up' },
    { agent: 'closer', task: 'objections' },
    { agent: 'recovery', task: 'deal' },
    { agent: 'forge', task: 'proposal' },
  ],
  contacts: [
    { agent: 'closer', task: 'next_step' },
    { agent: 'closer', task: 'follow_up' },
    { agent: 'closer', task: 'personal_email' },
  ],
};

/** AI-2, AI-7: ask Closer, Recovery or Forge about this deal or contact, watch it work, and decide what it proposes. */
export function AgentPanel({ workspaceId, subjectType, subjectId, recordName }: { workspaceId: string; subjectType: RecordSubject; subjectId: string; recordName: string }) {
  const { hasAi } = useAiRole(workspaceId);
  const headingId = useId();
  if (!hasAi) return null;
  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-stone-200 bg-white p-4 shadow-sm sm:p-5">
      <h2 id={headingId} className="text-lg font-semibold text-stone-900">
        AI agents
      </h2>
      <p className="mt-1 text-sm text-stone-600">They read {recordName}’s details and timeline. Emails and changes they propose wait for your approval.</p>
      <AskForm workspaceId={workspaceId} subjectType={subjectType} subjectId={subjectId} />
      <PastRuns workspaceId={workspaceId} subjectType={subjectType} subjectId={subjectId} />
    </section>
  );
}

function AskForm({ workspaceId, subjectType, subjectId }: { workspaceId: string; subjectType: RecordSubject; subjectId: string }) {
  const agents = useAgents(workspaceId);
  const ai = useAiReady(workspaceId);
  const runner = useAgentRunner(workspaceId);
  const choices = offered[subjectType].map(({ agent, task }) => {
    const info = agents.data?.find((a) => a.name === agent)?.tasks.find((t) => t.key === task);
    return { agent, task, key: `${agent}:${task}`, label: info?.label ?? task.replaceAll('_', ' '), description: info?.description ?? '' };
  });
  const [choice, setChoice] = useState(choices[0]!.key);
  const [instructions, setInstructions] = useState('');
  const groupName = useId();
  const selected = choices.find((c) => c.key === choice) ?? choices[0]!;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (runner.busy) return;
    void runner.start(selected.agent, { task: selected.task, subject: { type: subjectType, id: subjectId }, ...(instructions.trim() ? { instructions: instructions.trim() } : {}) });
  };

  return (
    <div className="mt-4 space-y-4">
      {ai.notConnected ? <AiNotConnected workspaceId={workspaceId} /> : null}
      <form onSubmit={submit} className="space-y-4">
        <fieldset disabled={runner.busy} className="min-w-0">
          <legend className="mb-2 text-sm font-medium text-stone-800">What should the agent do?</legend>
          <div className="grid grid-cols-1 gap-2 sm:grid-cols-2">
            {choices.map((c) => (
              <label
                key={c.key}
                className="flex cursor-pointer gap-3 rounded-md border border-stone-200 p-3 text-sm has-[:checked]:border-teal-600 has-[:checked]:bg-teal-50/60 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-teal-600"
              >
                <input type="radio" name={groupName} value={c.key} checked={choice === c.key} onChange={() => setChoice(c.key)} className="mt-0.5 size-4 shrink-0 accent-teal-700" />
                <span className="min-w-0">
                  <span className="block font-medium text-stone-900">
                    {agentLabels[c.agent]}: {c.label}
                  </span>
                  {c.description ? <span className="mt-0.5 block text-stone-600">{c.description}</span> : null}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <TextAreaField
          label="Anything it should know?"
          optional
          hint="For example: “they asked about pricing for 40 seats” or “keep it short”."
          value={instructions}
          onChange={(e) => setInstructions(e.target.value)}
          maxLength={2000}
          rows={2}
          disabled={runner.busy}
        />
        <Button type="submit" disabled={runner.busy || !ai.ready}>
          Ask {agentLabels[selected.agent]}
        </Button>
      </form>
      <LiveRun workspaceId={workspaceId} runner={runner} />
    </div>
  );
}
