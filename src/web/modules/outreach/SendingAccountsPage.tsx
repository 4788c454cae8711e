import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { ErrorAlert, InfoNote, StatusNote } from '../../ui/Alert';
import { announce } from '../../ui/Announcer';
import { Button } from '../../ui/Button';
import { ConfirmRemove } from '../../ui/ConfirmRemove';
import { EmptyState } from '../../ui/EmptyState';
import { CheckboxField, PasswordField, SelectField, TextAreaField, TextField } from '../../ui/Field';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { LoadingBlock } from '../../ui/Spinner';
import { isManager, useWorkspace } from '../workspaces/useWorkspaces';
import { Forbidden } from '../settings/Forbidden';
import { accountsApi, type DomainCheck, type SendingAccount, type SendingAccountRemoval } from './mail-api';

const kindLabels: Record<SendingAccount['kind'], string> = { smtp: 'SMTP', resend: 'Resend', gmail: 'Gmail', outlook: 'Outlook' };
const streamLabels: Record<SendingAccount['stream'], string> = { both: 'Marketing and transactional', marketing: 'Marketing only', transactional: 'Transactional only' };
const streamOptions = (['both', 'marketing', 'transactional'] as const).map((value) => ({ value, label: streamLabels[value] }));
const recordLabels: Record<DomainCheck['records'][number]['kind'], string> = { spf: 'SPF', dkim: 'DKIM', dmarc: 'DMARC' };

/** MAIL-1: the workspace's own ways to send — SMTP, Resend, Gmail, Outlook — with limits, defaults, a test and the domain check. */
export function SendingAccountsPage() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const workspace = useWorkspace(workspaceId);
  const manager = workspace.data ? isManager(workspace.data.role) : false;
  const list = useQuery({ queryKey: ['sending-accounts', workspaceId], queryFn: () => accountsApi.list(workspaceId), enabled: manager });
  const connected = new URLSearchParams(typeof window === 'undefined' ? '' : window.location.search).get('connected');
  return (
    <div>
      <PageHeading description="Mail to your contacts leaves through these accounts: your own SMTP server, a Resend key, or a Gmail or Outlook mailbox with send-only permission. Without one, Kestrel's own server sends it.">Sending accounts</PageHeading>
      {workspace.isPending ? (
        <LoadingBlock label="Loading…" />
      ) : workspace.isError ? (
        <ErrorAlert>{errorMessage(workspace.error)}</ErrorAlert>
      ) : !manager ? (
        <Forbidden what="the sending accounts" />
      ) : (
        <>
          {connected === 'gmail' || connected === 'outlook' ? (
            <StatusNote className="mb-4">{kindLabels[connected]} is connected with send-only permission. Add it below as a sending account.</StatusNote>
          ) : null}
          <section aria-labelledby="accounts-heading">
            <SectionHeading id="accounts-heading">Your accounts</SectionHeading>
            {list.isPending ? (
              <SkeletonList rows={2} label="Loading sending accounts…" />
            ) : list.isError ? (
              <ErrorAlert>{errorMessage(list.error)}</ErrorAlert>
            ) : list.data.items.length === 0 ? (
              <EmptyState title="No sending accounts yet">Add one below. Until then, mail leaves from Kestrel's own address with your business's name.</EmptyState>
            ) : (
              <ul className="space-y-4">
                {list.data.items.map((a) => (
                  <AccountCard key={a.id} workspaceId={workspaceId} account={a} />
                ))}
              </ul>
            )}
          </section>
          <AddAccount workspaceId={workspaceId} />
          <TrackingSetting workspaceId={workspaceId} />
        </>
      )}
    </div>
  );
}

function Badge({ children, tone = 'stone' }: { children: string; tone?: 'stone' | 'teal' | 'amber' | 'red' }) {
  const tones = { stone: 'bg-stone-100 text-stone-700', teal: 'bg-teal-100 text-teal-900', amber: 'bg-amber-100 text-amber-900', red: 'bg-red-100 text-red-900' };
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${tones[tone]}`}>{children}</span>;
}

function AccountCard({ workspaceId, account: a }: { workspaceId: string; account: SendingAccount }) {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: ['sending-accounts', workspaceId] });
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState('');
  const test = useMutation({ mutationFn: () => accountsApi.test(workspaceId, a.id), onSuccess: (r) => setNotice(`A test mail went to ${r.sentTo}.`) });
  const check = useMutation({ mutationFn: () => accountsApi.checkDomain(workspaceId, a.id) });
  const makeDefault = useMutation({
    mutationFn: (stream: 'marketing' | 'transactional') => accountsApi.update(workspaceId, a.id, { defaultFor: stream }),
    onSuccess: (_r, stream) => {
      announce(`${a.fromAddress} now sends ${stream} mail.`);
      void refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => accountsApi.remove(workspaceId, a.id),
    onSuccess: () => {
      announce(`${a.fromAddress} was removed.`);
      void refresh();
      void qc.invalidateQueries({ queryKey: ['integrations', workspaceId] });
    },
  });
  const reconnect = useMutation({
    mutationFn: () => accountsApi.connect(workspaceId, a.kind as 'gmail' | 'outlook'),
    onSuccess: (r) => window.location.assign(r.authorizationUrl),
  });
  const headingId = `account-${a.id}`;
  const serves = (s: 'marketing' | 'transactional') => a.stream === 'both' || a.stream === s;
  return (
    <li>
      <Card labelledBy={headingId}>
        <div className="flex flex-wrap items-start justify-between gap-2">
          <div className="min-w-0">
            <h3 id={headingId} className="break-words font-semibold text-stone-900">
              {a.fromName} &lt;{a.fromAddress}&gt;
            </h3>
            <p className="text-sm text-stone-600">
              {kindLabels[a.kind]}
              {a.kind === 'smtp' ? ` · ${a.smtpHost}:${a.smtpPort}${a.smtpSecure ? ' (TLS)' : ''}` : ''} · {streamLabels[a.stream]}
            </p>
          </div>
          <div className="flex flex-wrap gap-1" data-testid="account-status">
            <Badge tone={a.problem ? 'red' : 'teal'}>{a.problem ? 'Needs reconnecting' : a.connection === 'connected' ? 'Connected' : 'Ready'}</Badge>
            {a.defaultFor.map((s) => (
              <Badge key={s}>{`Default for ${s}`}</Badge>
            ))}
          </div>
        </div>
        {a.problem ? (
          <ErrorAlert className="mt-3">
            <p>{a.problem}</p>
            <Button size="sm" variant="secondary" className="mt-2" onClick={() => reconnect.mutate()} pending={reconnect.isPending} pendingLabel="Opening…">
              Reconnect {kindLabels[a.kind]}
            </Button>
          </ErrorAlert>
        ) : null}
        <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-stone-500">Per minute</dt>
            <dd className="tabular-nums text-stone-900">{a.perMinute}</dd>
          </div>
          <div>
            <dt className="text-stone-500">Per day</dt>
            <dd className="tabular-nums text-stone-900">{a.dailyCap.toLocaleString()}</dd>
          </div>
          {a.kind === 'smtp' || a.kind === 'resend' ? (
            <div>
              <dt className="text-stone-500">{a.kind === 'resend' ? 'API key' : 'Password'}</dt>
              <dd className="text-stone-900">{a.secretHint ?? 'not set'}</dd>
            </div>
          ) : null}
          {a.kind === 'smtp' ? (
            <div>
              <dt className="text-stone-500">DKIM</dt>
              <dd className="text-stone-900">{a.dkimSigned ? `signed (${a.dkimSelector})` : 'not signed'}</dd>
            </div>
          ) : null}
        </dl>
        {a.webhookUrl ? (
          <p className="mt-2 break-all text-xs text-stone-600">
            Delivery events: point a Resend webhook at <code className="rounded bg-stone-100 px-1">{a.webhookUrl}</code> {a.webhookSecretSet ? '(signing secret set)' : '(add its signing secret to record events)'}
          </p>
        ) : null}

        {check.data ? <DomainChecklist check={check.data} /> : null}
        {editing ? <EditLimits workspaceId={workspaceId} account={a} onDone={() => setEditing(false)} /> : null}
        {notice ? <StatusNote className="mt-3">{notice}</StatusNote> : null}
        {[test, check, makeDefault, remove].map((m, i) => (m.isError ? <ErrorAlert key={i} className="mt-3">{errorMessage(m.error)}</ErrorAlert> : null))}

        <div className="mt-3 flex flex-wrap gap-2">
          <Button size="sm" onClick={() => { setNotice(''); test.mutate(); }} pending={test.isPending} pendingLabel="Sending…">
            Send a test
          </Button>
          <Button size="sm" variant="secondary" onClick={() => check.mutate()} pending={check.isPending} pendingLabel="Checking…">
            Check domain
          </Button>
          {!editing ? (
            <Button size="sm" variant="secondary" onClick={() => setEditing(true)}>
              Edit limits
            </Button>
          ) : null}
          {(['marketing', 'transactional'] as const).map((s) =>
            a.defaultFor.includes(s) ? null : (
              <Button key={s} size="sm" variant="secondary" onClick={() => makeDefault.mutate(s)} pending={makeDefault.isPending && makeDefault.variables === s} pendingLabel="Saving…">
                {serves(s) ? `Use for ${s} by default` : `Also use for ${s}, by default`}
              </Button>
            ),
          )}
          <RemoveAccount workspaceId={workspaceId} account={a} onConfirm={() => remove.mutate()} pending={remove.isPending} />
        </div>
      </Card>
    </li>
  );
}

const streamNames = { marketing: 'marketing mail (campaigns and sequences)', transactional: 'one-to-one mail (confirmations, approved drafts)' } as const;

/** INT-1 (decision 027): what a mailbox disconnect does to Kestrel's access, in words. */
const mailboxAccessWords = (kind: SendingAccount['kind']) =>
  kind === 'gmail'
    ? 'Kestrel deletes its access and asks Google to take the permission back (unless your Google Calendar is still connected).'
    : "Kestrel deletes its access; Microsoft also lists Kestrel under your account's app permissions, where you can remove it.";

/** MAIL-1: what removing the account changes, in words: its streams, where they go, what carries on from there. */
function removalWords(r: SendingAccountRemoval, kind: SendingAccount['kind']): string[] {
  const lines: string[] = [];
  if (r.streams.length === 0) lines.push('Nothing is sent through it right now: another account sends your mail.');
  for (const s of r.streams) lines.push(`It sends your ${streamNames[s.stream]}. From now on that leaves from ${s.nextFrom ? `${s.nextFrom.fromAddress} (${kindLabels[s.nextFrom.kind]})` : "Kestrel's own address, with your business's name"}.`);
  if (r.campaigns.length) lines.push(`Campaigns that carry on from there: ${r.campaigns.map((c) => `${c.name} (${c.status})`).join(', ')}.`);
  if (r.sequences.length) lines.push(`Sequences that carry on from there: ${r.sequences.map((q) => `${q.name} (${q.activeEnrolments} ${q.activeEnrolments === 1 ? 'person' : 'people'} in it)`).join(', ')}.`);
  if (r.disconnectsMailbox) lines.push(`Your ${kindLabels[kind]} is disconnected too. ${mailboxAccessWords(kind)}`);
  return lines;
}

/** MAIL-1: Remove (or, for a mailbox, Disconnect) asks first and says what happens to the mail that used it. */
function RemoveAccount({ workspaceId, account: a, onConfirm, pending }: { workspaceId: string; account: SendingAccount; onConfirm: () => void; pending: boolean }) {
  const [asking, setAsking] = useState(false);
  const impact = useQuery({ queryKey: ['sending-account-removal', workspaceId, a.id], queryFn: () => accountsApi.removal(workspaceId, a.id), enabled: asking, staleTime: 0 });
  const mailbox = a.kind === 'gmail' || a.kind === 'outlook';
  const label = mailbox ? `Disconnect ${kindLabels[a.kind]}` : 'Remove';
  if (!asking) {
    return (
      <Button size="sm" variant="danger" onClick={() => setAsking(true)} aria-label={`${label} ${a.fromAddress}`}>
        {label}
      </Button>
    );
  }
  return (
    <div role="group" aria-label={`Confirm: ${label.toLowerCase()} ${a.fromAddress}`} className="basis-full rounded-md border border-red-200 bg-red-50 p-3 text-sm text-stone-800">
      <p className="font-medium text-stone-900">{mailbox ? `Disconnect ${a.fromAddress} and remove it from your sending accounts?` : `Remove ${a.fromAddress}?`}</p>
      {impact.isPending ? (
        <p className="mt-1 text-stone-600">Checking what sends through it…</p>
      ) : impact.isError ? (
        <ErrorAlert className="mt-2">{errorMessage(impact.error)}</ErrorAlert>
      ) : (
        <ul className="mt-1 list-disc space-y-1 pl-5" data-testid="removal-impact">
          {removalWords(impact.data, a.kind).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      <div className="mt-3 flex flex-wrap gap-2">
        <Button variant="danger" size="sm" onClick={onConfirm} pending={pending} pendingLabel={mailbox ? 'Disconnecting…' : 'Removing…'} disabled={impact.isPending}>
          {mailbox ? 'Disconnect' : 'Remove'}
        </Button>
        <Button variant="ghost" size="sm" onClick={() => setAsking(false)}>
          Keep it
        </Button>
      </div>
    </div>
  );
}

/** MAIL-1: SPF, DKIM and DMARC as a checklist that says what is missing. */
function DomainChecklist({ check }: { check: DomainCheck }) {
  return (
    <div className="mt-3 rounded-md border border-stone-200 p-3" aria-live="polite">
      <p className="text-sm font-medium text-stone-900">{check.ok ? `${check.domain} is set up for sending.` : `${check.domain}: ${check.records.filter((r) => !r.ok).length} of 3 records missing.`}</p>
      <ul className="mt-2 space-y-2 text-sm" data-testid="domain-check">
        {check.records.map((r) => (
          <li key={r.kind} className="flex gap-2">
            <span aria-hidden="true" className={r.ok ? 'text-teal-700' : 'text-red-700'}>
              {r.ok ? '✓' : '✗'}
            </span>
            <div className="min-w-0">
              <p className="text-stone-900">
                {recordLabels[r.kind]} {r.ok ? 'found' : 'missing'} <span className="break-all text-stone-500">({r.name})</span>
              </p>
              {r.advice ? <p className="break-words text-stone-600">{r.advice}</p> : null}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}

function EditLimits({ workspaceId, account: a, onDone }: { workspaceId: string; account: SendingAccount; onDone: () => void }) {
  const qc = useQueryClient();
  const [perMinute, setPerMinute] = useState(String(a.perMinute));
  const [dailyCap, setDailyCap] = useState(String(a.dailyCap));
  const [stream, setStream] = useState<SendingAccount['stream']>(a.stream);
  const save = useMutation({
    mutationFn: () => accountsApi.update(workspaceId, a.id, { perMinute: Number(perMinute), dailyCap: Number(dailyCap), stream }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['sending-accounts', workspaceId] });
      onDone();
    },
  });
  const fields = isApiError(save.error) ? save.error.fields : {};
  return (
    <form
      className="mt-3 grid gap-3 rounded-md border border-stone-200 p-3 sm:grid-cols-3"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        save.mutate();
      }}
      noValidate
    >
      <TextField label="Mails per minute" type="number" min={1} max={10000} value={perMinute} onChange={(e) => setPerMinute(e.target.value)} error={fields.perMinute} />
      <TextField label="Mails per day" type="number" min={1} max={1000000} value={dailyCap} onChange={(e) => setDailyCap(e.target.value)} error={fields.dailyCap} />
      <SelectField label="Sends" options={streamOptions} value={stream} onChange={(e) => setStream(e.target.value as SendingAccount['stream'])} />
      {save.isError ? <ErrorAlert className="sm:col-span-3">{errorMessage(save.error)}</ErrorAlert> : null}
      <div className="flex gap-2 sm:col-span-3">
        <Button type="submit" size="sm" pending={save.isPending}>
          Save limits
        </Button>
        <Button size="sm" variant="secondary" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

type NewKind = 'smtp' | 'resend' | 'gmail' | 'outlook';
const newKindOptions = [
  { value: 'smtp', label: 'Your SMTP server' },
  { value: 'resend', label: 'Resend (API key)' },
  { value: 'gmail', label: 'Gmail (send only)' },
  { value: 'outlook', label: 'Outlook (send only)' },
];

function AddAccount({ workspaceId }: { workspaceId: string }) {
  const qc = useQueryClient();
  const [kind, setKind] = useState<NewKind>('smtp');
  const [v, setV] = useState<Record<string, string>>({ smtpPort: '587', perMinute: '60', dailyCap: '2000', stream: 'both' });
  const [secure, setSecure] = useState(false);
  const [notice, setNotice] = useState('');
  const set = (k: string) => (e: { target: { value: string } }) => setV((old) => ({ ...old, [k]: e.target.value }));
  const connections = useQuery({ queryKey: ['integrations', workspaceId], queryFn: () => accountsApi.connections(workspaceId) });
  const mailbox = kind === 'gmail' || kind === 'outlook';
  const mailboxConnected = mailbox && connections.data?.items.some((c) => c.provider === kind && c.status === 'connected');
  const connect = useMutation({ mutationFn: () => accountsApi.connect(workspaceId, kind as 'gmail' | 'outlook'), onSuccess: (r) => window.location.assign(r.authorizationUrl) });
  const disconnect = useMutation({
    mutationFn: () => accountsApi.disconnect(workspaceId, kind as 'gmail' | 'outlook'),
    onSuccess: () => {
      announce(`${kindLabels[kind]} is disconnected.`);
      void qc.invalidateQueries({ queryKey: ['integrations', workspaceId] });
      void qc.invalidateQueries({ queryKey: ['sending-accounts', workspaceId] });
    },
  });
  const opt = (k: string) => (v[k]?.trim() ? v[k]!.trim() : undefined);
  const create = useMutation({
    mutationFn: () => {
      const common = { fromName: v.fromName ?? '', fromAddress: v.fromAddress ?? '', stream: v.stream as 'both', perMinute: Number(v.perMinute), dailyCap: Number(v.dailyCap) };
      if (kind === 'smtp')
        return accountsApi.create(workspaceId, { kind, ...common, smtpHost: v.smtpHost ?? '', smtpPort: Number(v.smtpPort), smtpSecure: secure, smtpUser: opt('smtpUser'), secret: opt('secret'), dkimSelector: opt('dkimSelector'), dkimPrivateKey: opt('dkimPrivateKey') });
      if (kind === 'resend') return accountsApi.create(workspaceId, { kind, ...common, secret: v.secret ?? '', webhookSecret: opt('webhookSecret') });
      return accountsApi.create(workspaceId, { kind, ...common });
    },
    onSuccess: (a) => {
      setNotice(`${a.fromAddress} was added. Send a test to see that it works.`);
      setV({ smtpPort: '587', perMinute: '60', dailyCap: '2000', stream: 'both' });
      void qc.invalidateQueries({ queryKey: ['sending-accounts', workspaceId] });
    },
  });
  const fields = isApiError(create.error) ? create.error.fields : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setNotice('');
    create.mutate();
  };
  return (
    <section aria-labelledby="add-account-heading" className="mt-8">
      <Card labelledBy="add-account-heading">
        <h2 id="add-account-heading" className="mb-3 text-base font-semibold text-stone-900">
          Add a sending account
        </h2>
        <SelectField label="Kind" options={newKindOptions} value={kind} onChange={(e) => setKind(e.target.value as NewKind)} containerClassName="max-w-xs" />
        {mailbox && !mailboxConnected ? (
          <div className="mt-4">
            <InfoNote>
              Kestrel asks {kind === 'gmail' ? 'Google for the gmail.send' : 'Microsoft for the Mail.Send'} permission only: it can send as you, and never reads your inbox.
            </InfoNote>
            {connect.isError ? <ErrorAlert className="mt-3">{errorMessage(connect.error)}</ErrorAlert> : null}
            <Button className="mt-3" onClick={() => connect.mutate()} pending={connect.isPending} pendingLabel="Opening…">
              {kind === 'gmail' ? 'Connect Gmail' : 'Connect Outlook'}
            </Button>
          </div>
        ) : (
          <form onSubmit={submit} className="mt-4 grid gap-4 sm:grid-cols-2" noValidate>
            <TextField label="From name" value={v.fromName ?? ''} onChange={set('fromName')} maxLength={100} error={fields.fromName} />
            <TextField label="From address" type="email" value={v.fromAddress ?? ''} onChange={set('fromAddress')} maxLength={254} error={fields.fromAddress} hint={mailbox ? 'Your connected mailbox’s address.' : undefined} />
            {kind === 'smtp' ? (
              <>
                <TextField label="SMTP host" value={v.smtpHost ?? ''} onChange={set('smtpHost')} maxLength={253} error={fields.smtpHost} placeholder="smtp.example.com" />
                <TextField label="Port" type="number" value={v.smtpPort ?? ''} onChange={set('smtpPort')} error={fields.smtpPort} hint="587 with STARTTLS, 465 with TLS." />
                <div className="sm:col-span-2">
                  <CheckboxField label="Use TLS from the start (port 465)" checked={secure} onChange={(e) => setSecure(e.target.checked)} />
                </div>
                <TextField label="User name" optional value={v.smtpUser ?? ''} onChange={set('smtpUser')} maxLength={254} autoComplete="off" />
                <PasswordField label="Password" optional value={v.secret ?? ''} onChange={set('secret')} maxLength={1000} autoComplete="new-password" hint="Sealed on the server; never shown again." />
                <TextField label="DKIM selector" optional value={v.dkimSelector ?? ''} onChange={set('dkimSelector')} maxLength={63} error={fields.dkimSelector} />
                <TextAreaField label="DKIM private key" optional rows={3} value={v.dkimPrivateKey ?? ''} onChange={set('dkimPrivateKey')} maxLength={10000} error={fields.dkimPrivateKey} hint="PEM; the mail is signed with it." />
              </>
            ) : kind === 'resend' ? (
              <>
                <PasswordField label="Resend API key" value={v.secret ?? ''} onChange={set('secret')} maxLength={200} autoComplete="off" error={fields.secret} hint="Sealed on the server; only its last four characters are shown." />
                <PasswordField label="Webhook signing secret" optional value={v.webhookSecret ?? ''} onChange={set('webhookSecret')} maxLength={210} autoComplete="off" error={fields.webhookSecret} hint="whsec_…, for delivery events." />
              </>
            ) : null}
            <SelectField label="Sends" options={streamOptions} value={v.stream ?? 'both'} onChange={set('stream')} />
            <div className="grid grid-cols-2 gap-4">
              <TextField label="Per minute" type="number" value={v.perMinute ?? ''} onChange={set('perMinute')} error={fields.perMinute} />
              <TextField label="Per day" type="number" value={v.dailyCap ?? ''} onChange={set('dailyCap')} error={fields.dailyCap} />
            </div>
            {create.isError ? <ErrorAlert className="sm:col-span-2">{errorMessage(create.error)}</ErrorAlert> : null}
            {notice ? <StatusNote className="sm:col-span-2">{notice}</StatusNote> : null}
            <div className="flex flex-wrap gap-2 sm:col-span-2">
              <Button type="submit" pending={create.isPending} pendingLabel="Adding…">
                Add account
              </Button>
              {mailbox ? (
                <ConfirmRemove
                  label={`Disconnect ${kindLabels[kind]}`}
                  question={`Disconnect ${kindLabels[kind]}? ${mailboxAccessWords(kind)} A sending account on it stops until you connect again.`}
                  confirmLabel="Disconnect"
                  pendingLabel="Disconnecting…"
                  pending={disconnect.isPending}
                  onConfirm={() => disconnect.mutate()}
                />
              ) : null}
            </div>
            {disconnect.isError ? <ErrorAlert className="sm:col-span-2">{errorMessage(disconnect.error)}</ErrorAlert> : null}
          </form>
        )}
      </Card>
    </section>
  );
}

/** MAIL-3: own open and click tracking, off unless turned on. */
function TrackingSetting({ workspaceId }: { workspaceId: string }) {
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: ['outreach-settings', workspaceId], queryFn: () => accountsApi.settings(workspaceId) });
  const save = useMutation({
    mutationFn: (trackEngagement: boolean) => accountsApi.updateSettings(workspaceId, { trackEngagement }),
    onSuccess: (s) => {
      qc.setQueryData(['outreach-settings', workspaceId], s);
      announce(s.trackEngagement ? 'Opens and clicks are tracked.' : 'Opens and clicks are no longer tracked.');
    },
  });
  return (
    <section aria-labelledby="tracking-heading" className="mt-8">
      <Card labelledBy="tracking-heading">
        <h2 id="tracking-heading" className="mb-2 text-base font-semibold text-stone-900">
          Opens and clicks
        </h2>
        {settings.isPending ? (
          <LoadingBlock label="Loading…" />
        ) : settings.isError ? (
          <ErrorAlert>{errorMessage(settings.error)}</ErrorAlert>
        ) : (
          <CheckboxField
            label="Track opens and clicks of marketing mail"
            hint="Adds an invisible image and sends links through a signed Kestrel address. Opens are an estimate: some mail apps load every image. Unsubscribe links are never changed."
            checked={save.isPending ? save.variables : settings.data.trackEngagement}
            disabled={save.isPending}
            onChange={(e) => save.mutate(e.target.checked)}
          />
        )}
        {save.isError ? <ErrorAlert className="mt-2">{errorMessage(save.error)}</ErrorAlert> : null}
      </Card>
    </section>
  );
}
