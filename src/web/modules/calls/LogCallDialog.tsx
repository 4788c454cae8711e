import { useMutation } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../ui/Field';
import { Dialog } from '../crm/Dialog';
import { callsApi, outcomeLabels, type CallLogOutcome, type OfferedCall } from './api';

const outcomes = Object.entries(outcomeLabels).map(([value, label]) => ({ value, label }));

/** CALL-1: outcome, duration, notes and an optional follow-up; "asked not to be called" puts them on the list (CALL-2). */
export function LogCallDialog({
  workspaceId,
  contact,
  script,
  onClose,
  onLogged,
}: {
  workspaceId: string;
  contact: OfferedCall | null;
  /** CALL-1: the call script in use for this call, recorded with the call. */
  script: { id: string; name: string } | null;
  onClose: () => void;
  onLogged: (message: string) => void;
}) {
  const [outcome, setOutcome] = useState<CallLogOutcome>('connected');
  const [minutes, setMinutes] = useState('0');
  const [seconds, setSeconds] = useState('0');
  const [notes, setNotes] = useState('');
  const [followUp, setFollowUp] = useState(false);
  const [subject, setSubject] = useState('');
  const [due, setDue] = useState('');

  useEffect(() => {
    if (!contact) return;
    setOutcome('connected');
    setMinutes('0');
    setSeconds('0');
    setNotes('');
    setFollowUp(false);
    setSubject(`Follow up with ${contact.name}`);
    setDue('');
  }, [contact]);

  const log = useMutation({
    mutationFn: () =>
      callsApi.logCall(workspaceId, contact!.contactId, {
        outcome,
        durationSeconds: Math.max(0, Math.round(Number(minutes || 0) * 60 + Number(seconds || 0))),
        ...(notes.trim() ? { notes } : {}),
        ...(script ? { scriptId: script.id } : {}),
        ...(followUp && outcome !== 'do_not_call' ? { followUp: { subject, dueAt: due ? new Date(due).toISOString() : null } } : {}),
      }),
    onSuccess: (r) =>
      onLogged(r.addedToDoNotCall.length ? `${contact!.name} is on the do-not-call list now.` : `Call with ${contact!.name} logged${r.taskId ? ', with a follow-up task' : ''}.`),
  });
  useEffect(() => log.reset(), [contact]); // eslint-disable-line react-hooks/exhaustive-deps

  const submit = (e: FormEvent) => {
    e.preventDefault();
    log.mutate();
  };

  return (
    <Dialog open={!!contact} onClose={onClose} title={contact ? `Log call with ${contact.name}` : 'Log call'} description={contact ? contact.phone : undefined}>
      <form onSubmit={submit} className="space-y-4" noValidate>
        {log.isError ? <ErrorAlert>{errorMessage(log.error)}</ErrorAlert> : null}
        {script ? <p className="text-sm text-stone-600">Script used: {script.name}</p> : null}
        <SelectField label="Outcome" options={outcomes} value={outcome} onChange={(e) => setOutcome(e.target.value as CallLogOutcome)} />
        {outcome === 'do_not_call' ? <p className="text-sm text-amber-800">All of this contact's numbers go on the do-not-call list and they will not be offered again.</p> : null}
        <fieldset>
          <legend className="mb-1 text-sm font-medium text-stone-800">Duration</legend>
          <div className="flex gap-3">
            <TextField label="Minutes" type="number" min={0} max={1440} inputMode="numeric" value={minutes} onChange={(e) => setMinutes(e.target.value)} containerClassName="w-28" />
            <TextField label="Seconds" type="number" min={0} max={59} inputMode="numeric" value={seconds} onChange={(e) => setSeconds(e.target.value)} containerClassName="w-28" />
          </div>
        </fieldset>
        <TextAreaField label="Notes" optional value={notes} maxLength={5000} rows={3} onChange={(e) => setNotes(e.target.value)} />
        {outcome !== 'do_not_call' ? (
          <>
            <CheckboxField label="Add a follow-up task" checked={followUp} onChange={(e) => setFollowUp(e.target.checked)} />
            {followUp ? (
              <div className="grid gap-3 sm:grid-cols-2">
                <TextField label="Task" value={subject} maxLength={300} onChange={(e) => setSubject(e.target.value)} />
                <TextField label="Due" type="datetime-local" optional value={due} onChange={(e) => setDue(e.target.value)} />
              </div>
            ) : null}
          </>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" pending={log.isPending}>
            Log call
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
