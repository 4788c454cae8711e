import { useId, useState, type FormEvent } from 'react';
import { Button } from '../../ui/Button';
import { SelectField, TextAreaField } from '../../ui/Field';
import { useSavedViews } from '../views/useViews';
import type { AgentInfo } from './api';
import { LiveRun } from './LiveRun';
import { useAgentRunner } from './useAgentRunner';

const WHOLE_WORKSPACE = '';

/** One agent on the Agents page: what it does, its workspace-wide tasks, and a run of one of them. */
export function AgentCard({ workspaceId, agent, aiReady, weeklyBrief }: { workspaceId: string; agent: AgentInfo; aiReady: boolean; weeklyBrief: boolean | undefined }) {
  const headingId = useId();
  const runner = useAgentRunner(workspaceId);
  const tasks = agent.tasks.filter((t) => t.subjects.includes('workspace') || t.subjects.includes('views'));
  const [taskKey, setTaskKey] = useState(tasks[0]?.key ?? '');
  const [viewId, setViewId] = useState(WHOLE_WORKSPACE);
  const [instructions, setInstructions] = useState('');
  const task = tasks.find((t) => t.key === taskKey) ?? tasks[0];
  const onViews = task?.subjects.includes('views') ?? false;
  const recordTasks = agent.tasks.filter((t) => !tasks.includes(t));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!task || runner.busy) return;
    const subject = onViews && viewId ? { type: 'views' as const, id: viewId } : task.subjects.includes('workspace') ? { type: 'workspace' as const } : undefined;
    void runner.start(agent.name, { task: task.key, ...(subject ? { subject } : {}), ...(instructions.trim() ? { instructions: instructions.trim() } : {}) });
  };

  return (
    <section aria-labelledby={headingId} className="min-w-0 rounded-lg border border-stone-200 bg-white p-4 shadow-sm sm:p-6">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <h2 id={headingId} className="text-lg font-semibold text-stone-900">
          {agent.label}
        </h2>
        {agent.autopilot ? (
          <span className="inline-flex rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-amber-200 ring-inset">Autopilot on: acts without asking</span>
        ) : (
          <span className="inline-flex rounded-full bg-stone-100 px-2 py-0.5 text-xs font-medium text-stone-700 ring-1 ring-stone-200 ring-inset">Asks before acting</span>
        )}
      </div>
      <p className="mt-1 text-sm text-stone-600">{agent.description}</p>
      {agent.name === 'strategist' && weeklyBrief !== undefined ? (
        <p className="mt-1 text-sm text-stone-600">Weekly brief every Monday: {weeklyBrief ? 'on' : 'off'}.</p>
      ) : null}
      {recordTasks.length > 0 ? (
        <p className="mt-2 text-sm text-stone-600">
          On a deal or contact page: {recordTasks.map((t) => t.label.toLowerCase()).join(', ')}.
        </p>
      ) : null}
      {tasks.length > 0 && task ? (
        <form onSubmit={submit} className="mt-4 space-y-3">
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
            <SelectField label="Task" value={task.key} onChange={(e) => setTaskKey(e.target.value)} options={tasks.map((t) => ({ value: t.key, label: t.label }))} disabled={runner.busy} hint={task.description} />
            {onViews ? <ViewPicker workspaceId={workspaceId} value={viewId} onChange={setViewId} disabled={runner.busy} /> : null}
          </div>
          <TextAreaField
            label="Instructions"
            optional
            hint={agent.name === 'forge' ? 'What it is for, e.g. “first outreach to plumbing firms in Texas”.' : 'Anything it should keep in mind.'}
            value={instructions}
            onChange={(e) => setInstructions(e.target.value)}
            maxLength={2000}
            rows={2}
            disabled={runner.busy}
          />
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" disabled={runner.busy || !aiReady}>
              Run {agent.label}
            </Button>
            {task.background ? <span className="text-sm text-stone-600">Runs in the background; you can leave the page.</span> : null}
          </div>
        </form>
      ) : (
        <p className="mt-4 text-sm text-stone-600">{agent.label} works on single records: open a deal or contact to ask it.</p>
      )}
      <div className="mt-4">
        <LiveRun workspaceId={workspaceId} runner={runner} />
      </div>
    </section>
  );
}

/** Hunter may work on a saved list of contacts or companies instead of the newest leads. */
function ViewPicker({ workspaceId, value, onChange, disabled }: { workspaceId: string; value: string; onChange: (id: string) => void; disabled: boolean }) {
  const contacts = useSavedViews(workspaceId, 'contacts');
  const companies = useSavedViews(workspaceId, 'companies');
  const views = [...(contacts.data?.views ?? []).map((v) => ({ value: v.id, label: `Contacts: ${v.name}` })), ...(companies.data?.views ?? []).map((v) => ({ value: v.id, label: `Companies: ${v.name}` }))];
  const loading = contacts.isPending || companies.isPending;
  return (
    <SelectField
      label="Work on"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      disabled={disabled || loading}
      options={[{ value: WHOLE_WORKSPACE, label: loading ? 'Loading saved views…' : 'The whole workspace' }, ...views]}
      hint={!loading && views.length === 0 ? 'Save a view of contacts or companies to run Hunter on just that list.' : undefined}
    />
  );
}
