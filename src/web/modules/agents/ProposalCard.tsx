import { Link } from '@tanstack/react-router';
import { useId, useState, type FormEvent } from 'react';
import { errorMessage, validate } from '../../lib/api';
import { formatDateTime, formatRelative } from '../../lib/format';
import { ErrorAlert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { TextAreaField, TextField } from '../../ui/Field';
import { useFormErrors } from '../../ui/useFormErrors';
import { agentLabels, proposalKindLabels, proposalStatusClass, proposalStatusLabels, sendEmailPayload, type Proposal, type SendEmailPayload } from './api';
import { EmailTo, ProposalBody } from './ProposalBody';
import { RecordChips } from './RecordLink';
import { useDecideProposal } from './useAgents';

type Mode = 'view' | 'edit' | 'reject';

/** One proposal: what, why, the records involved, and — while it waits — Approve, Edit and Reject. */
export function ProposalCard({ workspaceId, proposal, canDecide, showAgent = true, headingLevel = 3 }: { workspaceId: string; proposal: Proposal; canDecide: boolean; showAgent?: boolean; headingLevel?: 3 | 4 }) {
  const [mode, setMode] = useState<Mode>('view');
  const headingId = useId();
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  const pending = proposal.status === 'pending';
  return (
    <article aria-labelledby={headingId} className="min-w-0 rounded-lg border border-stone-200 bg-white p-4 shadow-sm" data-proposal={proposal.id}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <Heading id={headingId} className="font-semibold text-stone-900">
          {showAgent ? `${agentLabels[proposal.agent]}: ` : ''}
          {proposalKindLabels[proposal.kind]}
        </Heading>
        <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${proposalStatusClass[proposal.status]}`}>
          {proposal.autopilot && proposal.status === 'approved' ? 'Done by autopilot' : proposalStatusLabels[proposal.status]}
        </span>
      </div>
      {proposal.rationale ? <p className="mt-1 text-sm break-words text-stone-700">{proposal.rationale}</p> : null}
      <div className="mt-3">
        <RecordChips workspaceId={workspaceId} records={proposal.records} label="Records involved" />
      </div>
      <div className="mt-3">
        {mode === 'edit' && proposal.kind === 'send_email' ? (
          <EditEmail workspaceId={workspaceId} proposal={proposal} onDone={() => setMode('view')} />
        ) : (
          <ProposalBody workspaceId={workspaceId} proposal={proposal} />
        )}
      </div>
      {showAgent ? (
        <p className="mt-3 text-xs text-stone-500">
          Proposed <time dateTime={proposal.createdAt}>{formatRelative(proposal.createdAt)}</time> ·{' '}
          <Link to="/w/$workspaceId/agents/runs/$runId" params={{ workspaceId, runId: proposal.runId }} className="font-medium text-teal-800 underline underline-offset-2 hover:text-teal-950">
            Open the run
          </Link>
        </p>
      ) : null}
      {!pending ? <Decision proposal={proposal} /> : null}
      {pending && canDecide && mode === 'view' ? <Actions workspaceId={workspaceId} proposal={proposal} onEdit={() => setMode('edit')} onReject={() => setMode('reject')} /> : null}
      {pending && canDecide && mode === 'reject' ? <RejectForm workspaceId={workspaceId} proposal={proposal} onCancel={() => setMode('view')} /> : null}
    </article>
  );
}

function Decision({ proposal }: { proposal: Proposal }) {
  return (
    <div className="mt-3 space-y-2 text-sm text-stone-600">
      {proposal.decidedAt ? (
        <p>
          {proposalStatusLabels[proposal.status]} <time dateTime={proposal.decidedAt}>{formatDateTime(proposal.decidedAt)}</time>
          {proposal.autopilot ? ' by autopilot, without asking' : ''}.
        </p>
      ) : null}
      {proposal.note ? <p className="break-words">Note: {proposal.note}</p> : null}
      {proposal.error ? <ErrorAlert title="It could not be carried out">{proposal.error}</ErrorAlert> : null}
    </div>
  );
}

function Actions({ workspaceId, proposal, onEdit, onReject }: { workspaceId: string; proposal: Proposal; onEdit: () => void; onReject: () => void }) {
  const { approve } = useDecideProposal(workspaceId);
  return (
    <div className="mt-4">
      {approve.isError ? <ErrorAlert className="mb-3">{errorMessage(approve.error)}</ErrorAlert> : null}
      <div className="flex flex-wrap gap-2">
        <Button
          onClick={() => approve.mutate({ id: proposal.id })}
          pending={approve.isPending}
          pendingLabel="Approving…"
        >
          {proposal.kind === 'send_email' || proposal.kind === 'send_message' ? 'Approve and send' : 'Approve'}
        </Button>
        {proposal.kind === 'send_email' ? (
          <Button variant="secondary" onClick={onEdit} disabled={approve.isPending}>
            Edit
          </Button>
        ) : null}
        <Button variant="danger" onClick={onReject} disabled={approve.isPending}>
          Reject
        </Button>
      </div>
    </div>
  );
}

const emailFields = ['subject', 'body'] as const;

function EditEmail({ workspaceId, proposal, onDone }: { workspaceId: string; proposal: Proposal; onDone: () => void }) {
  const payload = proposal.payload as SendEmailPayload;
  const [subject, setSubject] = useState(payload.subject);
  const [body, setBody] = useState(payload.body);
  const { approve } = useDecideProposal(workspaceId);
  const { formRef, alertRef, fields, formError, clear, showFields, showError } = useFormErrors(emailFields);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    clear();
    const checked = validate(sendEmailPayload.pick({ subject: true, body: true }), { subject, body });
    if (!checked.ok) return showFields(checked.fields);
    approve.mutate(
      { id: proposal.id, payload: { subject, body } },
      { onSuccess: onDone, onError: showError },
    );
  };
  return (
    <form ref={formRef} onSubmit={submit} noValidate className="space-y-3 rounded-md border border-stone-200 bg-stone-50 p-3">
      {formError ? <ErrorAlert ref={alertRef}>{formError}</ErrorAlert> : null}
      <p className="text-sm text-stone-700">
        To: <EmailTo workspaceId={workspaceId} proposal={proposal} />
      </p>
      <TextField label="Subject" value={subject} onChange={(e) => setSubject(e.target.value)} error={fields.subject} maxLength={300} autoFocus />
      <TextAreaField label="Message" value={body} onChange={(e) => setBody(e.target.value)} error={fields.body} rows={10} className="font-normal" />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" pending={approve.isPending} pendingLabel="Sending…">
          Approve and send
        </Button>
        <Button variant="ghost" onClick={onDone} disabled={approve.isPending}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function RejectForm({ workspaceId, proposal, onCancel }: { workspaceId: string; proposal: Proposal; onCancel: () => void }) {
  const [note, setNote] = useState('');
  const { reject } = useDecideProposal(workspaceId);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    reject.mutate({ id: proposal.id, note: note.trim() || undefined });
  };
  return (
    <form onSubmit={submit} className="mt-4 space-y-3 rounded-md border border-stone-200 bg-stone-50 p-3">
      {reject.isError ? <ErrorAlert>{errorMessage(reject.error)}</ErrorAlert> : null}
      <TextAreaField label="Why not?" optional hint="Kept with the proposal for whoever reads it later." value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} rows={2} autoFocus />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" variant="danger" pending={reject.isPending} pendingLabel="Rejecting…">
          Reject
        </Button>
        <Button variant="ghost" onClick={onCancel} disabled={reject.isPending}>
          Keep it
        </Button>
      </div>
    </form>
  );
}
