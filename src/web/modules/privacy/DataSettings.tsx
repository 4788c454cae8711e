import { useNavigate, useParams } from '@tanstack/react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMe, useRefreshSession } from '../accounts/useMe';
import { useEffect, useState, type FormEvent } from 'react';
import { errorMessage } from '../../lib/api';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { Button, buttonClass } from '../../ui/Button';
import { ConfirmRemove } from '../../ui/ConfirmRemove';
import { TextField } from '../../ui/Field';
import { PageHeading, SectionHeading } from '../../ui/PageHeading';
import { Forbidden } from '../settings/Forbidden';
import { MyDataExport } from './MyDataExport';
import { isManager, useWorkspace } from '../workspaces/useWorkspaces';
import { dismissMinorReport, eraseReportedMinor, fetchMinorReports, type MinorReport } from './api';
import { closeWorkspace, deleteAccount, erasePerson, fetchExport, fetchRetention, lookUpPerson, reportMinor, requestExport, saveRetention, type Erasure, type PersonLookup, type RequestedExport } from './api';

/** Settings → Data: export everything (PRIV-2), find and erase a person or report a minor (PRIV-1, PRIV-3, PRIV-10), retention (PRIV-4). Owners and admins. */
export function DataSettings() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const workspace = useWorkspace(workspaceId);
  if (workspace.data && !isManager(workspace.data.role)) {
    return (
      <div className="space-y-10">
        <MyDataExport />
        <Forbidden what="the workspace's data tools" />
        <DeleteAccountSection />
      </div>
    );
  }
  return (
    <div className="space-y-10">
      <PageHeading description="Everything this workspace holds: download it, or find and erase what it holds about one person.">Data</PageHeading>
      <ExportSection workspaceId={workspaceId} />
      <FindPersonSection workspaceId={workspaceId} />
      <MinorReportsSection workspaceId={workspaceId} />
      <RetentionSection workspaceId={workspaceId} />
      <MyDataExport />
      {workspace.data?.role === 'owner' ? <CloseWorkspaceSection workspaceId={workspaceId} name={workspace.data.name} /> : null}
      <DeleteAccountSection />
    </div>
  );
}

/** PRIV-3: the owner closes the workspace by typing its name; it can be reopened during the grace period. */
function CloseWorkspaceSection({ workspaceId, name }: { workspaceId: string; name: string }) {
  const [typed, setTyped] = useState('');
  const client = useQueryClient();
  const close = useMutation({
    mutationFn: () => closeWorkspace(workspaceId, typed),
    onSuccess: async () => {
      await client.invalidateQueries();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    close.mutate();
  };
  return (
    <section aria-labelledby="close-heading">
      <SectionHeading id="close-heading" description="Members lose access at once. For 30 days you can reopen it; then everything in it is deleted for good, except billing records the law requires us to keep.">
        Close this workspace
      </SectionHeading>
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
        <TextField label={`Type ${name} to confirm`} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" containerClassName="min-w-0 basis-full sm:basis-auto sm:flex-1 sm:max-w-xs" />
        <Button type="submit" variant="danger" pending={close.isPending} pendingLabel="Closing…" disabled={typed.trim() !== name.trim()}>
          Close workspace
        </Button>
      </form>
      {close.error ? <ErrorAlert className="mt-4">{errorMessage(close.error)}</ErrorAlert> : null}
    </section>
  );
}

/** PRIV-3: anyone deletes their own account, confirming with their password and, with two-factor on, a code. */
function DeleteAccountSection() {
  const me = useMe();
  const user = me.data?.user;
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const refresh = useRefreshSession();
  const navigate = useNavigate();
  const remove = useMutation({
    mutationFn: () => deleteAccount({ ...(password ? { password } : {}), ...(code.trim() ? { code: code.trim() } : {}) }),
    onSuccess: async () => {
      await refresh({ clearOthers: true });
      await navigate({ to: '/sign-in' });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    remove.mutate();
  };
  if (!user) return null;
  return (
    <section aria-labelledby="delete-account-heading">
      <SectionHeading
        id="delete-account-heading"
        description="You are signed out everywhere at once and your calendar and mailbox connections are disconnected (Google grants are revoked at Google). Within 7 days your account, your memberships and what mentions you are deleted; what you made for a workspace stays with it. Billing records are kept as the law requires."
      >
        Delete your account
      </SectionHeading>
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
        {user.hasPassword ? (
          <TextField label="Your password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} containerClassName="min-w-0 basis-full sm:basis-auto sm:flex-1 sm:max-w-xs" />
        ) : null}
        {user.twoFactorEnabled ? (
          <TextField label="Code from your authenticator app" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} containerClassName="min-w-0 flex-1 sm:max-w-[12rem]" />
        ) : null}
        <Button type="submit" variant="danger" pending={remove.isPending} pendingLabel="Deleting…" disabled={(user.hasPassword && !password) || (user.twoFactorEnabled && !code.trim())}>
          Delete my account
        </Button>
      </form>
      {!user.hasPassword && !user.twoFactorEnabled ? <p className="mt-2 text-sm text-stone-600">To confirm, you must have signed in within the last 10 minutes.</p> : null}
      {remove.error ? <ErrorAlert className="mt-4">{errorMessage(remove.error)}</ErrorAlert> : null}
    </section>
  );
}

function ExportSection({ workspaceId }: { workspaceId: string }) {
  const [requested, setRequested] = useState<RequestedExport | null>(null);
  const start = useMutation({ mutationFn: () => requestExport(workspaceId), onSuccess: setRequested });
  const progress = useQuery({
    queryKey: ['privacy-export', workspaceId, requested?.id],
    queryFn: () => fetchExport(workspaceId, requested!.id),
    enabled: requested !== null,
    refetchInterval: (q) => (q.state.data && !['queued', 'running'].includes(q.state.data.status) ? false : 1000),
  });
  const status = progress.data ?? requested;
  const percent = status && status.rowsTotal > 0 ? Math.round((status.rowsDone / status.rowsTotal) * 100) : 0;
  return (
    <section aria-labelledby="export-heading">
      <SectionHeading id="export-heading" description="Every table as JSON and as CSV, in one zip archive. The link works once, for 24 hours.">
        Export everything
      </SectionHeading>
      {start.error ? <ErrorAlert>{errorMessage(start.error)}</ErrorAlert> : null}
      {!status || status.status === 'downloaded' || status.status === 'expired' || status.status === 'failed' ? (
        <div className="space-y-2">
          {status?.status === 'failed' ? <ErrorAlert>{status.error ?? 'The export failed.'}</ErrorAlert> : null}
          <Button onClick={() => start.mutate()} pending={start.isPending} pendingLabel="Asking…">
            Export all data
          </Button>
        </div>
      ) : status.status === 'ready' ? (
        <div className="space-y-2">
          <StatusNote>Your export is ready: {status.rowsTotal.toLocaleString()} rows.</StatusNote>
          <a className={buttonClass('primary')} href={requested!.downloadUrl} download onClick={() => setRequested({ ...requested!, status: 'downloaded' })}>
            Download the zip
          </a>
        </div>
      ) : (
        <div className="space-y-2" role="status" aria-live="polite">
          <p className="text-sm text-stone-700">
            Building your export… {status.rowsDone.toLocaleString()} of {status.rowsTotal.toLocaleString()} rows
          </p>
          <div className="h-2 w-full max-w-md overflow-hidden rounded bg-stone-200" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-label="Export progress">
            <div className="h-full bg-teal-700" style={{ width: `${percent}%` }} />
          </div>
        </div>
      )}
    </section>
  );
}

function FindPersonSection({ workspaceId }: { workspaceId: string }) {
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [asked, setAsked] = useState<{ email?: string; phone?: string } | null>(null);
  const find = useMutation({ mutationFn: (who: { email?: string; phone?: string }) => lookUpPerson(workspaceId, who) });
  const erase = useMutation({ mutationFn: () => erasePerson(workspaceId, asked!) });
  const minor = useMutation({ mutationFn: () => reportMinor(workspaceId, asked!) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const who = { ...(email.trim() ? { email: email.trim() } : {}), ...(phone.trim() ? { phone: phone.trim() } : {}) };
    setAsked(who);
    erase.reset();
    minor.reset();
    find.mutate(who);
  };
  return (
    <section aria-labelledby="person-heading">
      <SectionHeading id="person-heading" description="Everything the workspace holds about someone, by their email or phone: their contact, conversations, emails, bookings, invoices and AI calls.">
        Find a person
      </SectionHeading>
      <form onSubmit={submit} role="search" aria-label="Find a person" className="flex flex-wrap items-end gap-3">
        <TextField label="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} containerClassName="min-w-0 basis-full sm:basis-auto sm:flex-1 sm:max-w-xs" />
        <TextField label="Phone" optional type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} containerClassName="min-w-0 flex-1 sm:max-w-[12rem]" />
        <Button type="submit" pending={find.isPending} pendingLabel="Looking…" disabled={!email.trim() && !phone.trim()}>
          Find
        </Button>
      </form>
      {find.error ? <ErrorAlert className="mt-4">{errorMessage(find.error)}</ErrorAlert> : null}
      {erase.data ? (
        <StatusNote className="mt-4">
          Erased: {erasedCounts(erase.data)}. Their address is kept only as a hash so they are not mailed again.
        </StatusNote>
      ) : minor.data ? (
        <StatusNote className="mt-4">
          Reported as a minor and erased: {erasedCounts(minor.data)}. The report is kept in the audit log without their details.
        </StatusNote>
      ) : find.data ? (
        <Results
          result={find.data}
          onErase={() => erase.mutate()}
          erasing={erase.isPending}
          onReportMinor={() => minor.mutate()}
          reporting={minor.isPending}
          error={erase.error ?? minor.error}
        />
      ) : null}
    </section>
  );
}

const erasedCounts = (e: Erasure) =>
  `${Object.values(e.deleted).reduce((a, b) => a + b, 0)} rows deleted, ${Object.values(e.scrubbed).reduce((a, b) => a + b, 0)} scrubbed`;

const MODULE_LABELS: Record<string, string> = { crm: 'CRM', ai: 'AI', 'platform/mail': 'Email' };
const moduleLabel = (m: string) => MODULE_LABELS[m] ?? m.charAt(0).toUpperCase() + m.slice(1);

interface ResultsProps {
  result: PersonLookup;
  onErase: () => void;
  erasing: boolean;
  onReportMinor: () => void;
  reporting: boolean;
  error: unknown;
}

function Results({ result, onErase, erasing, onReportMinor, reporting, error }: ResultsProps) {
  if (!result.found) return <p className="mt-4 text-sm text-stone-700">Nothing found: no record in this workspace mentions them.</p>;
  const modules = [...new Set(result.hits.map((h) => h.module))];
  return (
    <div className="mt-4 space-y-4">
      <p className="text-sm text-stone-700">{result.total === 1 ? '1 record mentions them.' : `${result.total.toLocaleString()} records mention them.`}</p>
      <ul className="space-y-3">
        {modules.map((m) => (
          <li key={m} className="rounded-lg border border-stone-200 bg-white p-3">
            <h3 className="text-sm font-semibold text-stone-900">{moduleLabel(m)}</h3>
            <ul className="mt-1 space-y-1">
              {result.hits
                .filter((h) => h.module === m)
                .map((h) => (
                  <li key={h.table} className="text-sm text-stone-700">
                    <span className="font-medium">{h.table.replaceAll('_', ' ')}</span>: {h.count}
                    {h.retained ? <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-900">kept by law</span> : null}
                    <span className="block text-xs text-stone-500">{h.description}</span>
                  </li>
                ))}
            </ul>
          </li>
        ))}
      </ul>
      {error ? <ErrorAlert>{errorMessage(error)}</ErrorAlert> : null}
      <div className="flex flex-wrap items-center gap-3">
        <ConfirmRemove label="Erase this person" question="Erase everything about them? This cannot be undone." onConfirm={onErase} pending={erasing} />
        <ConfirmRemove
          label="Report a minor"
          question="Report that they are under 18? Everything about them is erased now; the report is kept without their details."
          confirmLabel="Report and erase"
          pendingLabel="Erasing…"
          onConfirm={onReportMinor}
          pending={reporting}
        />
      </div>
      <p className="text-xs text-stone-500">Kestrel is not meant for children. If you learn someone here is under 18, report them: their data is deleted at once.</p>
    </div>
  );
}

/** PRIV-4: how long conversations and AI call records are kept; the daily retention job deletes older ones. */
function RetentionSection({ workspaceId }: { workspaceId: string }) {
  const client = useQueryClient();
  const current = useQuery({ queryKey: ['privacy-retention', workspaceId], queryFn: () => fetchRetention(workspaceId) });
  const [conversationDays, setConversationDays] = useState('');
  const [aiCallDays, setAiCallDays] = useState('');
  useEffect(() => {
    if (current.data) {
      setConversationDays(String(current.data.conversationDays));
      setAiCallDays(String(current.data.aiCallDays));
    }
  }, [current.data]);
  const save = useMutation({
    mutationFn: () => saveRetention(workspaceId, { conversationDays: Number(conversationDays), aiCallDays: Number(aiCallDays) }),
    onSuccess: (data) => client.setQueryData(['privacy-retention', workspaceId], data),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const defaults = current.data?.defaults;
  return (
    <section aria-labelledby="retention-heading">
      <SectionHeading
        id="retention-heading"
        description="Older conversations and AI call records are deleted every night. Deleted AI calls leave only daily totals of calls, tokens and cost, so usage figures stay right."
      >
        How long we keep data
      </SectionHeading>
      {current.error ? <ErrorAlert>{errorMessage(current.error)}</ErrorAlert> : null}
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
        <DaysField label="Conversations (days after the last message)" value={conversationDays} onChange={setConversationDays} fallback={defaults?.conversationDays} />
        <DaysField label="AI call records (days)" value={aiCallDays} onChange={setAiCallDays} fallback={defaults?.aiCallDays} />
        <Button type="submit" pending={save.isPending} pendingLabel="Saving…" disabled={!current.data}>
          Save
        </Button>
      </form>
      {save.error ? <ErrorAlert className="mt-4">{errorMessage(save.error)}</ErrorAlert> : null}
      {save.isSuccess && !save.isPending ? <StatusNote className="mt-4">Saved. The next nightly run deletes what is older.</StatusNote> : null}
    </section>
  );
}

function DaysField({ label, value, onChange, fallback }: { label: string; value: string; onChange: (value: string) => void; fallback: number | undefined }) {
  return (
    <TextField
      label={label}
      type="number"
      inputMode="numeric"
      min={1}
      max={3650}
      required
      value={value}
      onChange={(e) => onChange(e.target.value)}
      hint={fallback === undefined ? undefined : `Default ${fallback}; 1 to 3,650.`}
      containerClassName="min-w-0 basis-full sm:basis-auto sm:flex-1 sm:max-w-xs"
    />
  );
}

/**
 * PRIV-10: reports from the public privacy page that the workspace holds a child's data. Erasing
 * removes the child named (and the report with them); a report found to be wrong is dismissed.
 */
function MinorReportsSection({ workspaceId }: { workspaceId: string }) {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['minor-reports', workspaceId], queryFn: () => fetchMinorReports(workspaceId) });
  const [done, setDone] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ['minor-reports', workspaceId] });
  const erase = useMutation({
    mutationFn: (id: string) => eraseReportedMinor(workspaceId, id),
    onSuccess: () => {
      setDone('Erased: everything about them, the report with it. The audit log keeps that it happened, without their details.');
      void refresh();
    },
  });
  const dismiss = useMutation({
    mutationFn: (id: string) => dismissMinorReport(workspaceId, id),
    onSuccess: () => {
      setDone('Report dismissed.');
      void refresh();
    },
  });
  return (
    <section aria-labelledby="minor-reports-heading">
      <SectionHeading id="minor-reports-heading" description="Sent from your public privacy page by a parent, a guardian or the child. Erase the child's data, or dismiss a report that is wrong.">
        Reports of a child's data
      </SectionHeading>
      {done ? <StatusNote className="mb-3">{done}</StatusNote> : null}
      {erase.isError ? <ErrorAlert className="mb-3">{errorMessage(erase.error)}</ErrorAlert> : null}
      {dismiss.isError ? <ErrorAlert className="mb-3">{errorMessage(dismiss.error)}</ErrorAlert> : null}
      {list.isPending ? (
        <p role="status" className="text-sm text-stone-600">
          Loading reports…
        </p>
      ) : list.isError ? (
        <ErrorAlert>{errorMessage(list.error)}</ErrorAlert>
      ) : list.data.items.length === 0 ? (
        <p className="text-sm text-stone-600">No reports waiting.</p>
      ) : (
        <ul className="space-y-3">
          {list.data.items.map((r) => (
            <MinorReportItem key={r.id} r={r} onErase={() => erase.mutate(r.id)} erasing={erase.isPending && erase.variables === r.id} onDismiss={() => dismiss.mutate(r.id)} dismissing={dismiss.isPending && dismiss.variables === r.id} />
          ))}
        </ul>
      )}
    </section>
  );
}

function MinorReportItem({ r, onErase, erasing, onDismiss, dismissing }: { r: MinorReport; onErase: () => void; erasing: boolean; onDismiss: () => void; dismissing: boolean }) {
  const who = [r.email, r.phone].filter(Boolean).join(' · ');
  return (
    <li className="rounded-lg border border-stone-200 bg-white p-3" aria-label={`Report about ${who}`}>
      <p className="font-medium text-stone-900">{who}</p>
      <p className="text-xs text-stone-500">
        Received {new Date(r.createdAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
        {r.reporterEmail ? ` from ${r.reporterEmail}` : ''}
      </p>
      {r.details ? <p className="mt-1 whitespace-pre-line text-sm text-stone-700">{r.details}</p> : null}
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <ConfirmRemove label="Erase the child's data" question="Erase everything about them? This cannot be undone." confirmLabel="Erase" pendingLabel="Erasing…" onConfirm={onErase} pending={erasing} />
        <Button size="sm" variant="secondary" onClick={onDismiss} pending={dismissing} pendingLabel="Dismissing…">
          Dismiss
        </Button>
      </div>
    </li>
  );
}
