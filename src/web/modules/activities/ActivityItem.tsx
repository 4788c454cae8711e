import { useRouter } from '@tanstack/react-router';
import { useState } from 'react';
import { errorMessage } from '../../lib/api';
import { formatDateTime, formatRelative } from '../../lib/format';
import { Button } from '../../ui/Button';
import type { Member } from '../workspaces/api';
import { ActivityForm, outcomeLabels } from './ActivityForm';
import { ActivityIcon, kindLabels } from './ActivityIcon';
import type { Activity, ComposableKind, LinkedRecord, RecordType, UpdateActivityInput } from './api';
import { RichText } from './RichTextEditor';
import { useActivityMutations } from './useActivities';

const composable = new Set<string>(['note', 'call', 'email', 'meeting', 'task']);
const typeLabels: Record<RecordType, string> = { contacts: 'contact', companies: 'company', deals: 'deal' };

export function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m ? `${m} min${s ? ` ${s} s` : ''}` : `${s} s`;
}

export function headline(a: Activity): string {
  switch (a.kind) {
    case 'call':
      return ['Call', a.callOutcome ? outcomeLabels[a.callOutcome] : null, a.callDurationSeconds !== null ? formatDuration(a.callDurationSeconds) : null, a.callScript ? `script “${a.callScript.name}”` : null].filter(Boolean).join(' · ');
    case 'email':
      return `${a.emailDirection === 'inbound' ? 'Email received' : 'Email sent'}: ${a.subject ?? ''}`;
    case 'meeting':
      return `Meeting: ${a.subject ?? ''}`;
    case 'task':
      return a.subject ?? 'Task';
    default:
      return a.subject ?? kindLabels[a.kind];
  }
}

export function RecordChip({ workspaceId, link }: { workspaceId: string; link: LinkedRecord }) {
  const router = useRouter();
  const label = link.label ?? `A ${typeLabels[link.recordType]} that is not available`;
  const cls = 'inline-flex max-w-full items-center truncate rounded-full bg-stone-100 px-2 py-0.5 text-xs text-stone-700';
  if (!link.label) return <span className={cls}>{label}</span>;
  const href = `/w/${encodeURIComponent(workspaceId)}/${link.recordType}/${encodeURIComponent(link.recordId)}`;
  return (
    <a href={href} onClick={(e) => {
        // Record pages belong to another module; an in-app navigation by address keeps this one independent of their route types.
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        void router.navigate({ href });
      }} className={`${cls} hover:bg-stone-200 hover:underline`}>
      <span className="sr-only">{typeLabels[link.recordType]}: </span>
      {label}
    </a>
  );
}

/**
 * One timeline item: icon, what happened, who and when, its content, the other records it is
 * on, and (for its author or a manager) edit and delete. A task has a checkbox anyone on the
 * team may tick.
 */
export function ActivityItem({
  workspaceId,
  activity: a,
  meId,
  canManage,
  members,
  hideRecord,
}: {
  workspaceId: string;
  activity: Activity;
  meId: string | null;
  canManage: boolean;
  members: Member[];
  /** The record whose timeline this is: not repeated among the chips. */
  hideRecord?: { recordType: RecordType; recordId: string };
}) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { update, remove, setDone } = useActivityMutations(workspaceId);
  const mine = !!meId && a.author?.id === meId;
  const mayEdit = composable.has(a.kind) && (mine || canManage || (a.kind === 'task' && a.assignee?.id === meId));
  const mayDelete = mine || canManage;
  const others = a.links.filter((l) => !(hideRecord && l.recordType === hideRecord.recordType && l.recordId === hideRecord.recordId));
  const done = !!a.completedAt;
  const overdue = a.kind === 'task' && !done && a.taskDueAt && new Date(a.taskDueAt).getTime() < Date.now();
  const headingId = `activity-${a.id}-title`;

  const onDelete = async () => {
    if (!window.confirm(`Delete this ${kindLabels[a.kind].toLowerCase()}? This cannot be undone.`)) return;
    setError(null);
    try {
      await remove.mutateAsync(a.id);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const onToggle = async (checked: boolean) => {
    setError(null);
    try {
      await setDone.mutateAsync({ id: a.id, done: checked });
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <article aria-labelledby={headingId} className="flex gap-3 rounded-lg border border-stone-200 bg-white p-3 sm:p-4">
      <ActivityIcon kind={a.kind} />
      <div className="min-w-0 flex-1">
        {editing ? (
          <div>
            <h3 id={headingId} className="mb-2 text-sm font-semibold text-stone-900">
              Edit {kindLabels[a.kind].toLowerCase()}
            </h3>
            <ActivityForm
              kind={a.kind as ComposableKind}
              initial={a}
              members={members}
              meId={meId}
              pending={update.isPending}
              onUpdate={async (body: UpdateActivityInput) => {
                await update.mutateAsync({ id: a.id, body });
                setEditing(false);
              }}
              onCancel={() => setEditing(false)}
            />
          </div>
        ) : (
          <>
            <div className="flex flex-wrap items-start gap-x-3 gap-y-1">
              {a.kind === 'task' ? (
                <label className="flex min-w-0 flex-1 items-start gap-2">
                  <input type="checkbox" className="mt-0.5 size-4 shrink-0 accent-teal-700" checked={done} disabled={setDone.isPending} onChange={(e) => void onToggle(e.target.checked)} aria-describedby={`${a.id}-due`} />
                  <span id={headingId} className={`min-w-0 text-sm font-semibold [overflow-wrap:anywhere] ${done ? 'text-stone-500 line-through' : 'text-stone-900'}`}>
                    {headline(a)}
                  </span>
                </label>
              ) : (
                <h3 id={headingId} className="min-w-0 flex-1 text-sm font-semibold text-stone-900 [overflow-wrap:anywhere]">
                  {headline(a)}
                </h3>
              )}
              <time dateTime={a.occurredAt} title={formatDateTime(a.occurredAt)} className="shrink-0 text-xs text-stone-500">
                {formatRelative(a.occurredAt)}
              </time>
            </div>
            <p className="mt-0.5 text-xs text-stone-500">
              {kindLabels[a.kind]}
              {a.author ? ` by ${a.author.id === meId ? 'you' : a.author.name}` : ''}
              {a.kind === 'meeting' && a.meetingStartsAt ? ` · ${formatDateTime(a.meetingStartsAt)}${a.meetingEndsAt ? ` – ${formatDateTime(a.meetingEndsAt)}` : ''}` : ''}
              {a.kind === 'meeting' && a.meetingLocation ? ` · ${a.meetingLocation}` : ''}
              {a.kind === 'email' && (a.emailFrom || a.emailTo.length) ? ` · ${a.emailFrom ?? ''}${a.emailTo.length ? ` → ${a.emailTo.join(', ')}` : ''}` : ''}
            </p>
            {a.kind === 'task' ? (
              <p id={`${a.id}-due`} className={`mt-0.5 text-xs ${overdue ? 'font-medium text-red-700' : 'text-stone-600'}`}>
                {a.taskDueAt ? `${overdue ? 'Overdue · due' : 'Due'} ${formatDateTime(a.taskDueAt)}` : 'No due date'}
                {a.assignee ? ` · for ${a.assignee.id === meId ? 'you' : a.assignee.name}` : ' · unassigned'}
                {a.reminderAt ? ` · reminder ${a.reminderSentAt ? 'sent' : formatDateTime(a.reminderAt)}` : ''}
                {done ? ` · done ${formatRelative(a.completedAt!)}` : ''}
              </p>
            ) : null}
            {a.body ? <RichText html={a.body} className="mt-2" /> : null}
            {others.length ? (
              <div className="mt-2 flex flex-wrap items-center gap-1">
                <span className="text-xs text-stone-500">{hideRecord ? 'Also on' : 'On'}</span>
                {others.map((l) => (
                  <RecordChip key={`${l.recordType}:${l.recordId}`} workspaceId={workspaceId} link={l} />
                ))}
              </div>
            ) : null}
            {error ? (
              <p role="alert" className="mt-2 text-sm text-red-700">
                {error}
              </p>
            ) : null}
            {mayEdit || mayDelete ? (
              <div className="mt-2 flex gap-1">
                {mayEdit ? (
                  <Button variant="ghost" size="sm" onClick={() => setEditing(true)} aria-describedby={headingId}>
                    Edit
                  </Button>
                ) : null}
                {mayDelete ? (
                  <Button variant="ghost" size="sm" className="text-red-700" pending={remove.isPending} pendingLabel="Deleting…" onClick={() => void onDelete()} aria-describedby={headingId}>
                    Delete
                  </Button>
                ) : null}
              </div>
            ) : null}
          </>
        )}
      </div>
    </article>
  );
}
