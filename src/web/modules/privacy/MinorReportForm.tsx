import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../lib/api';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { TextAreaField, TextField } from '../../ui/Field';
import { sendMinorReport } from './api';

/**
 * PRIV-10: on a workspace's public privacy page, a parent, a guardian or the child tells the
 * business it holds a child's data. The business's owner or admin erases it from Settings → Data.
 */
export function MinorReportForm({ workspaceId, workspaceName }: { workspaceId: string; workspaceName: string }) {
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [details, setDetails] = useState('');
  const [reporterEmail, setReporterEmail] = useState('');
  const send = useMutation({
    mutationFn: () =>
      sendMinorReport(workspaceId, {
        ...(email.trim() ? { email: email.trim() } : {}),
        ...(phone.trim() ? { phone: phone.trim() } : {}),
        ...(details.trim() ? { details: details.trim() } : {}),
        ...(reporterEmail.trim() ? { reporterEmail: reporterEmail.trim() } : {}),
      }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send.mutate();
  };
  if (send.isSuccess) {
    return <StatusNote>Thank you. {workspaceName} has your report and will erase the child's data. You do not need to do anything else.</StatusNote>;
  }
  return (
    <form onSubmit={submit} aria-labelledby="minor-report-heading" className="space-y-3 rounded-md border border-stone-200 bg-white p-4">
      <h2 id="minor-report-heading" className="text-lg font-semibold text-stone-900">
        Report a child's data
      </h2>
      <p className="text-sm">
        {workspaceName} does not knowingly keep data about anyone under 18. If it holds a child's details, tell it here: the child's email address or
        phone number is enough. No sign-in is needed.
      </p>
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Child's email address" type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} maxLength={320} />
        <TextField label="Child's phone number" type="tel" autoComplete="off" value={phone} onChange={(e) => setPhone(e.target.value)} maxLength={40} />
      </div>
      <TextAreaField label="Anything that helps find them" optional value={details} onChange={(e) => setDetails(e.target.value)} maxLength={2000} rows={3} />
      <TextField label="Your email, if you want an answer" optional type="email" autoComplete="email" value={reporterEmail} onChange={(e) => setReporterEmail(e.target.value)} maxLength={320} />
      {send.isError ? <ErrorAlert>{errorMessage(send.error)}</ErrorAlert> : null}
      <Button type="submit" pending={send.isPending} pendingLabel="Sending…" disabled={!email.trim() && !phone.trim()}>
        Send report
      </Button>
    </form>
  );
}
