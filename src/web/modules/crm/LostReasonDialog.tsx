import { useState, type FormEvent } from 'react';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/Field';
import { Dialog } from './Dialog';

/** Moving a deal to a lost stage asks why (CRM-3: lost with a reason). */
export function LostReasonDialog({ dealName, stageName, onConfirm, onCancel }: { dealName: string | null; stageName: string; onConfirm: (reason: string) => void; onCancel: () => void }) {
  return (
    <Dialog open={dealName !== null} onClose={onCancel} title={`Why was ${dealName ?? 'the deal'} lost?`} description={`It moves to "${stageName}". The reason helps the team learn what to change.`}>
      <ReasonForm onConfirm={onConfirm} onCancel={onCancel} />
    </Dialog>
  );
}

function ReasonForm({ onConfirm, onCancel }: { onConfirm: (reason: string) => void; onCancel: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = reason.trim();
    if (!text) return setError('Say why the deal was lost, like "Chose a competitor" or "No budget".');
    if (text.length > 500) return setError('Use at most 500 characters.');
    onConfirm(text);
  };
  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <TextField label="Reason" name="lostReason" autoFocus value={reason} onChange={(e) => (setReason(e.target.value), setError(undefined))} error={error} />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit">Mark as lost</Button>
      </div>
    </form>
  );
}
