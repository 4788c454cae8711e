import { useState, type FormEvent } from 'react';
import { ErrorAlert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { SelectField, TextField } from '../../ui/Field';
import { useFormErrors } from '../../ui/useFormErrors';
import type { Member } from '../workspaces/api';
import type { Activity, CallOutcome, ComposableKind, CreateActivityInput, RecordLink, UpdateActivityInput } from './api';
import { RichTextEditor } from './RichTextEditor';

export const outcomeLabels: Record<CallOutcome, string> = {
  connected: 'Connected',
  left_voicemail: 'Left voicemail',
  no_answer: 'No answer',
  busy: 'Busy',
  wrong_number: 'Wrong number',
};

const fieldNames = [
  'subject',
  'body',
  'occurredAt',
  'callOutcome',
  'callDurationSeconds',
  'emailDirection',
  'emailFrom',
  'emailTo',
  'meetingStartsAt',
  'meetingEndsAt',
  'meetingLocation',
  'taskDueAt',
  'assigneeUserId',
  'reminderAt',
  'links',
] as const;

/** `<input type="datetime-local">` speaks local wall time without a zone; the API speaks ISO instants. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
const fromLocalInput = (v: string): string | null => (v ? new Date(v).toISOString() : null);

interface Draft {
  subject: string;
  body: string;
  occurredAt: string;
  callOutcome: CallOutcome;
  minutes: string;
  seconds: string;
  emailDirection: 'outbound' | 'inbound';
  emailFrom: string;
  emailTo: string;
  meetingStartsAt: string;
  meetingEndsAt: string;
  meetingLocation: string;
  taskDueAt: string;
  assigneeUserId: string;
  reminderAt: string;
}

function draftFrom(a: Activity | undefined, meId: string | null): Draft {
  const duration = a?.callDurationSeconds ?? null;
  return {
    subject: a?.subject ?? '',
    body: a?.body ?? '',
    occurredAt: a ? toLocalInput(a.occurredAt) : '',
    callOutcome: a?.callOutcome ?? 'connected',
    minutes: duration === null ? '' : String(Math.floor(duration / 60)),
    seconds: duration === null ? '' : String(duration % 60),
    emailDirection: a?.emailDirection ?? 'outbound',
    emailFrom: a?.emailFrom ?? '',
    emailTo: a?.emailTo.join(', ') ?? '',
    meetingStartsAt: toLocalInput(a?.meetingStartsAt),
    meetingEndsAt: toLocalInput(a?.meetingEndsAt),
    meetingLocation: a?.meetingLocation ?? '',
    taskDueAt: toLocalInput(a?.taskDueAt),
    assigneeUserId: a ? (a.assignee?.id ?? '') : (meId ?? ''),
    reminderAt: toLocalInput(a?.reminderAt),
  };
}

/** The fields of one kind, as the API wants them. */
function payload(kind: ComposableKind, d: Draft): { body: Record<string, unknown>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const body: Record<string, unknown> = { subject: d.subject.trim() || null, body: d.body || null };
  if (d.occurredAt) body.occurredAt = fromLocalInput(d.occurredAt);
  if (kind === 'call') {
    body.callOutcome = d.callOutcome;
    if (d.minutes.trim() || d.seconds.trim()) {
      const m = Number(d.minutes || 0);
      const s = Number(d.seconds || 0);
      if (!Number.isInteger(m) || !Number.isInteger(s) || m < 0 || s < 0 || s > 59) errors.callDurationSeconds = 'Enter whole minutes, and seconds from 0 to 59.';
      else body.callDurationSeconds = m * 60 + s;
    } else body.callDurationSeconds = null;
  }
  if (kind === 'email') {
    body.emailDirection = d.emailDirection;
    body.emailFrom = d.emailFrom.trim() || null;
    body.emailTo = d.emailTo.split(/[,;\s]+/).map((e) => e.trim()).filter(Boolean);
  }
  if (kind === 'meeting') {
    body.meetingStartsAt = fromLocalInput(d.meetingStartsAt);
    body.meetingEndsAt = fromLocalInput(d.meetingEndsAt);
    body.meetingLocation = d.meetingLocation.trim() || null;
    if (!d.meetingStartsAt) errors.meetingStartsAt = 'Enter when the meeting starts.';
    // A meeting sits on the timeline at its start.
    delete body.occurredAt;
  }
  if (kind === 'task') {
    body.taskDueAt = fromLocalInput(d.taskDueAt);
    body.assigneeUserId = d.assigneeUserId || null;
    body.reminderAt = fromLocalInput(d.reminderAt);
  }
  if (kind === 'note' && !d.body) errors.body = 'Write the note.';
  if ((kind === 'email' || kind === 'meeting' || kind === 'task') && !d.subject.trim()) errors.subject = kind === 'email' ? 'Enter the subject.' : kind === 'meeting' ? 'Name the meeting.' : 'Describe the task.';
  return { body, errors };
}

/**
 * One form for composing and for editing a timeline item of any kind. On create, `links` puts it
 * on the record's timeline; on edit the item keeps its links and sends the version it read.
 */
export function ActivityForm({
  kind,
  initial,
  links,
  members,
  meId,
  pending,
  onCreate,
  onUpdate,
  onCancel,
}: {
  kind: ComposableKind;
  initial?: Activity;
  links?: RecordLink[];
  members: Member[];
  meId: string | null;
  pending: boolean;
  onCreate?: (body: CreateActivityInput) => Promise<unknown>;
  onUpdate?: (body: UpdateActivityInput) => Promise<unknown>;
  onCancel?: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftFrom(initial, meId));
  const [resetKey, setResetKey] = useState(0);
  const { formRef, alertRef, fields, formError, clear, showFields, showError } = useFormErrors(fieldNames);
  const set = <K extends keyof Draft>(key: K) => (value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const input = (key: keyof Draft) => ({ value: draft[key], onChange: (e: { target: { value: string } }) => set(key)(e.target.value as never) });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    clear();
    const { body, errors } = payload(kind, draft);
    if (Object.keys(errors).length) {
      showFields(errors);
      return;
    }
    try {
      if (initial && onUpdate) {
        // Only what changed: the inputs hold minutes, and re-sending an untouched time would move it (and re-arm a reminder).
        const before = payload(kind, draftFrom(initial, meId)).body;
        const changed = Object.fromEntries(Object.entries(body).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(before[key])));
        await onUpdate({ ...changed, version: initial.version } as UpdateActivityInput);
      }
      else if (onCreate) {
        await onCreate({ kind, ...body, links: links ?? [] } as CreateActivityInput);
        setDraft(draftFrom(undefined, meId));
        setResetKey((k) => k + 1);
      }
    } catch (error) {
      showError(error);
    }
  };

  const bodyLabel = kind === 'note' ? 'Note' : kind === 'meeting' ? 'Meeting notes' : kind === 'email' ? 'Message' : kind === 'call' ? 'Call notes' : 'Details';
  const teamOptions = [{ value: '', label: 'Nobody' }, ...members.filter((m) => m.role !== 'client').map((m) => ({ value: m.userId, label: m.userId === meId ? `${m.name} (me)` : m.name }))];
  const verb = initial ? 'Save' : kind === 'note' ? 'Add note' : kind === 'call' ? 'Log call' : kind === 'email' ? 'Log email' : kind === 'meeting' ? 'Log meeting' : 'Add task';

  return (
    <form ref={formRef} onSubmit={submit} noValidate className="space-y-3">
      {formError ? <ErrorAlert ref={alertRef}>{formError}</ErrorAlert> : null}
      {kind === 'email' || kind === 'meeting' || kind === 'task' ? (
        <TextField label={kind === 'email' ? 'Subject' : kind === 'meeting' ? 'Meeting' : 'Task'} {...input('subject')} error={fields.subject} maxLength={300} autoFocus={!!initial} />
      ) : null}
      {kind === 'call' ? (
        <div className="grid gap-3 sm:grid-cols-3">
          <SelectField label="Outcome" value={draft.callOutcome} onChange={(e) => set('callOutcome')(e.target.value as CallOutcome)} error={fields.callOutcome} options={Object.entries(outcomeLabels).map(([value, label]) => ({ value, label }))} />
          <TextField label="Minutes" type="number" inputMode="numeric" min={0} {...input('minutes')} error={fields.callDurationSeconds} optional />
          <TextField label="Seconds" type="number" inputMode="numeric" min={0} max={59} {...input('seconds')} optional />
        </div>
      ) : null}
      {kind === 'email' ? (
        <div className="grid gap-3 sm:grid-cols-3">
          <SelectField label="Direction" value={draft.emailDirection} onChange={(e) => set('emailDirection')(e.target.value as Draft['emailDirection'])} options={[{ value: 'outbound', label: 'Sent' }, { value: 'inbound', label: 'Received' }]} />
          <TextField label="From" type="email" {...input('emailFrom')} error={fields.emailFrom} optional />
          <TextField label="To" {...input('emailTo')} error={fields.emailTo} hint="Separate addresses with commas." optional />
        </div>
      ) : null}
      {kind === 'meeting' ? (
        <div className="grid gap-3 sm:grid-cols-3">
          <TextField label="Starts" type="datetime-local" {...input('meetingStartsAt')} error={fields.meetingStartsAt} />
          <TextField label="Ends" type="datetime-local" {...input('meetingEndsAt')} error={fields.meetingEndsAt} optional />
          <TextField label="Location" {...input('meetingLocation')} error={fields.meetingLocation} optional />
        </div>
      ) : null}
      {kind === 'task' ? (
        <div className="grid gap-3 sm:grid-cols-3">
          <TextField label="Due" type="datetime-local" {...input('taskDueAt')} error={fields.taskDueAt} optional />
          <SelectField label="Assignee" value={draft.assigneeUserId} onChange={(e) => set('assigneeUserId')(e.target.value)} error={fields.assigneeUserId} options={teamOptions} />
          <TextField label="Remind at" type="datetime-local" {...input('reminderAt')} error={fields.reminderAt} hint="The assignee gets an email." optional />
        </div>
      ) : null}
      <RichTextEditor key={resetKey} label={bodyLabel} value={draft.body} onChange={set('body')} error={fields.body} placeholder={kind === 'note' ? 'Write a note…' : undefined} autoFocus={kind === 'note' && !!initial} />
      {kind === 'call' || kind === 'email' || kind === 'note' ? (
        <TextField label={kind === 'note' ? 'Written at' : 'When'} type="datetime-local" {...input('occurredAt')} error={fields.occurredAt} hint={initial ? undefined : 'Leave empty for now.'} optional containerClassName="sm:max-w-xs" />
      ) : null}
      {fields.links ? <p className="text-sm text-red-700">{fields.links}</p> : null}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" pending={pending} pendingLabel="Saving…">
          {verb}
        </Button>
        {onCancel ? (
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
      </div>
    </form>
  );
}
