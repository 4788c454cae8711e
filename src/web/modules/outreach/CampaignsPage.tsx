import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../lib/api';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { CheckboxField, SelectField, TextField } from '../../ui/Field';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { fetchTags } from '../crm/api';
import { fetchSavedViews } from '../views/api';
import { campaignsApi, type Campaign } from './api';
import { readableMergeFields } from './merge-fields';

const statusLabels: Record<Campaign['status'], string> = { scheduled: 'Scheduled', sending: 'Sending', paused: 'Paused', cancelled: 'Cancelled', completed: 'Completed' };
const statusClass: Record<Campaign['status'], string> = {
  scheduled: 'bg-sky-100 text-sky-900',
  sending: 'bg-teal-100 text-teal-900',
  paused: 'bg-amber-100 text-amber-900',
  cancelled: 'bg-stone-200 text-stone-700',
  completed: 'bg-emerald-100 text-emerald-900',
};
const reasonLabels: Record<string, string> = {
  no_consent: 'no recorded consent',
  no_address: 'no email address',
  restricted: 'record restricted',
  unsubscribed: 'unsubscribed',
  bounced: 'bounced earlier',
  complained: 'marked as spam earlier',
  erased: 'erased',
  plan_limit: "over the plan's emails",
  cancelled: 'cancelled',
  contact_deleted: 'contact deleted',
};
const reasonLabel = (r: string) => reasonLabels[r] ?? (r.startsWith('merge_value_missing:') ? `no value for ${r.split(':')[1]}` : r);

/** The parts of the progress bar, in order, with their colours. */
const parts = [
  { key: 'sent', label: 'Sent', className: 'bg-teal-600' },
  { key: 'sending', label: 'Sending', className: 'bg-teal-300' },
  { key: 'queued', label: 'Queued', className: 'bg-stone-300' },
  { key: 'skipped', label: 'Skipped', className: 'bg-amber-400' },
  { key: 'failed', label: 'Failed', className: 'bg-red-600' },
] as const;
const events = [
  { key: 'delivered', label: 'Delivered', className: 'bg-teal-600' },
  { key: 'opened', label: 'Opened (estimate)', className: 'bg-sky-500' },
  { key: 'clicked', label: 'Clicked', className: 'bg-indigo-500' },
  { key: 'bounced', label: 'Bounced', className: 'bg-amber-500' },
  { key: 'complained', label: 'Complained', className: 'bg-red-600' },
] as const;
const percent = (n: number, of: number) => (of > 0 ? `${Math.round((n / of) * 100)}%` : '–');

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** MAIL-2, MAIL-3: campaigns — send a template to a saved view or a tag, and watch it go out. */
export function CampaignsPage() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const list = useQuery({
    queryKey: ['campaigns', workspaceId],
    queryFn: () => campaignsApi.list(workspaceId),
    // Live counts while something is going out; then, for two days, the delivery events (opens, clicks, bounces) that keep arriving.
    refetchInterval: (q) => {
      const items = q.state.data?.items ?? [];
      if (items.some((c) => c.status === 'sending' || c.status === 'scheduled')) return 2000;
      return items.some((c) => c.finishedAt && Date.now() - new Date(c.finishedAt).getTime() < 2 * 86_400_000) ? 30_000 : false;
    },
  });
  return (
    <div className="max-w-5xl">
      <PageHeading description="Send a template to the contacts of a saved view or a tag. Only contacts with recorded marketing consent get it; the sending account's limits set the pace.">Campaigns</PageHeading>
      <NewCampaignForm workspaceId={workspaceId} />
      <section aria-labelledby="campaigns-heading" className="mt-8">
        <SectionHeading id="campaigns-heading">Your campaigns</SectionHeading>
        {list.isPending ? (
          <SkeletonList rows={3} label="Loading campaigns…" />
        ) : list.isError ? (
          <ErrorAlert>{errorMessage(list.error)}</ErrorAlert>
        ) : list.data.items.length === 0 ? (
          <EmptyState title="No campaigns yet">Make one above: choose a template and who it goes to.</EmptyState>
        ) : (
          <ul className="space-y-4">
            {list.data.items.map((c) => (
              <CampaignCard key={c.id} workspaceId={workspaceId} c={c} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function NewCampaignForm({ workspaceId }: { workspaceId: string }) {
  const qc = useQueryClient();
  const templates = useQuery({ queryKey: ['outreach-templates', workspaceId], queryFn: () => campaignsApi.templates(workspaceId) });
  const views = useQuery({ queryKey: ['views', workspaceId, 'contacts'], queryFn: () => fetchSavedViews(workspaceId, 'contacts') });
  const tags = useQuery({ queryKey: ['tags', workspaceId], queryFn: () => fetchTags(workspaceId) });
  const [name, setName] = useState('');
  const [templateId, setTemplateId] = useState('');
  const [audience, setAudience] = useState('');
  const [later, setLater] = useState(false);
  const [sendAt, setSendAt] = useState('');
  const [advertisement, setAdvertisement] = useState(false);
  const [notice, setNotice] = useState('');
  const create = useMutation({
    mutationFn: () => {
      const [kind, id] = audience.split(':') as ['view' | 'tag', string];
      return campaignsApi.create(workspaceId, {
        name: name.trim(),
        templateId,
        ...(kind === 'view' ? { viewId: id } : { tagId: id }),
        ...(later && sendAt ? { sendAt: new Date(sendAt).toISOString() } : {}),
        advertisement,
      });
    },
    onSuccess: (c) => {
      setNotice(c.status === 'scheduled' ? `"${c.name}" is scheduled for ${when(c.scheduledAt)}: ${c.counts.queued} of ${c.counts.total} contacts will get it.` : `"${c.name}" is going out to ${c.counts.queued} of ${c.counts.total} contacts.`);
      setName('');
      void qc.invalidateQueries({ queryKey: ['campaigns', workspaceId] });
    },
  });
  const templateOptions = [{ value: '', label: 'Choose a template' }, ...(templates.data?.items ?? []).map((t) => ({ value: t.id, label: t.name }))];
  const audienceOptions = [
    { value: '', label: 'Choose who gets it' },
    ...(views.data?.views ?? []).map((v) => ({ value: `view:${v.id}`, label: `Saved view: ${v.name}` })),
    ...(tags.data?.tags ?? []).map((t) => ({ value: `tag:${t.id}`, label: `Tag: ${t.name}` })),
  ];
  const ready = name.trim() && templateId && audience && (!later || sendAt);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setNotice('');
    if (ready) create.mutate();
  };
  const noTemplates = templates.isSuccess && templates.data.items.length === 0;
  return (
    <Card labelledBy="new-campaign-heading">
      <h2 id="new-campaign-heading" className="mb-3 text-base font-semibold text-stone-900">
        New campaign
      </h2>
      {noTemplates ? <StatusNote className="mb-3">There are no email templates yet; a campaign sends one.</StatusNote> : null}
      <form onSubmit={submit} className="grid gap-4 sm:grid-cols-2" noValidate>
        <TextField label="Name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} hint="For you; recipients see the template's subject." />
        <SelectField label="Template" options={templateOptions} value={templateId} onChange={(e) => setTemplateId(e.target.value)} />
        <SelectField label="Audience" options={audienceOptions} value={audience} onChange={(e) => setAudience(e.target.value)} hint="Contacts without recorded marketing consent are skipped." />
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-stone-800">When</legend>
          <div className="flex flex-wrap gap-4 text-sm">
            <label className="flex items-center gap-2">
              <input type="radio" name="when" checked={!later} onChange={() => setLater(false)} className="accent-teal-700" /> Send now
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="when" checked={later} onChange={() => setLater(true)} className="accent-teal-700" /> At a time
            </label>
          </div>
          {later ? <TextField label="Send at" type="datetime-local" value={sendAt} onChange={(e) => setSendAt(e.target.value)} /> : null}
        </fieldset>
        <div className="sm:col-span-2">
          <CheckboxField label='Add the "Advertisement" label to the footer' checked={advertisement} onChange={(e) => setAdvertisement(e.target.checked)} />
        </div>
        {create.isError ? <ErrorAlert className="sm:col-span-2">{errorMessage(create.error)}</ErrorAlert> : null}
        {notice ? <StatusNote className="sm:col-span-2">{notice}</StatusNote> : null}
        <div className="sm:col-span-2">
          <Button type="submit" disabled={!ready} pending={create.isPending} pendingLabel="Creating…">
            {later ? 'Schedule campaign' : 'Send campaign'}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function CampaignCard({ workspaceId, c }: { workspaceId: string; c: Campaign }) {
  const qc = useQueryClient();
  const act = useMutation({
    mutationFn: (action: 'pause' | 'resume' | 'cancel') => campaignsApi.act(workspaceId, c.id, action),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['campaigns', workspaceId] }),
  });
  const total = Math.max(1, c.counts.total);
  const headingId = `campaign-${c.id}`;
  return (
    <li>
      <Card labelledBy={headingId}>
        <div className="flex flex-wrap items-start justify-between gap-2">
          <div className="min-w-0">
            <h3 id={headingId} className="font-semibold text-stone-900">
              {c.name}
            </h3>
            <p className="truncate text-sm text-stone-600" title={c.subject}>
              Subject: {readableMergeFields(c.subject)}
            </p>
            <p className="text-xs text-stone-500">{c.status === 'scheduled' ? `Sends ${when(c.scheduledAt)}` : c.finishedAt ? `Finished ${when(c.finishedAt)}` : `Started ${when(c.startedAt ?? c.createdAt)}`}</p>
          </div>
          <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${statusClass[c.status]}`} data-testid="campaign-status">
            {statusLabels[c.status]}
          </span>
        </div>

        <div className="mt-3" role="img" aria-label={`${c.counts.sent} of ${c.counts.total} sent, ${c.counts.queued} queued, ${c.counts.skipped} skipped, ${c.counts.failed} failed`}>
          <div className="flex h-3 overflow-hidden rounded-full bg-stone-100">
            {parts.map((p) => (c.counts[p.key] ? <div key={p.key} className={p.className} style={{ width: `${(c.counts[p.key] / total) * 100}%` }} /> : null))}
          </div>
        </div>
        <dl className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-sm" data-testid="campaign-counts">
          {parts.map((p) => (
            <div key={p.key} className="flex items-center gap-1.5">
              <span aria-hidden="true" className={`inline-block size-2.5 rounded-full ${p.className}`} />
              <dt className="text-stone-600">{p.label}</dt>
              <dd className="font-medium tabular-nums text-stone-900">{c.counts[p.key]}</dd>
            </div>
          ))}
        </dl>
        <DeliveryChart c={c} />
        {c.reasons.length ? <p className="mt-2 text-sm text-stone-600">Not sent: {c.reasons.map((r) => `${r.count} ${reasonLabel(r.reason)}`).join(', ')}.</p> : null}
        {c.stopReason ? <StatusNote className="mt-2">{c.stopReason}</StatusNote> : null}
        {act.isError ? <ErrorAlert className="mt-2">{errorMessage(act.error)}</ErrorAlert> : null}

        {c.status === 'sending' || c.status === 'scheduled' || c.status === 'paused' ? (
          <div className="mt-3 flex flex-wrap gap-2">
            {c.status === 'paused' ? (
              <Button size="sm" onClick={() => act.mutate('resume')} pending={act.isPending && act.variables === 'resume'} pendingLabel="Resuming…">
                Resume
              </Button>
            ) : (
              <Button size="sm" variant="secondary" onClick={() => act.mutate('pause')} pending={act.isPending && act.variables === 'pause'} pendingLabel="Pausing…">
                Pause
              </Button>
            )}
            <Button size="sm" variant="secondary" onClick={() => act.mutate('cancel')} pending={act.isPending && act.variables === 'cancel'} pendingLabel="Cancelling…">
              Cancel campaign
            </Button>
          </div>
        ) : null}
      </Card>
    </li>
  );
}

/**
 * MAIL-3: what happened to the mails sent, each as a bar against the number sent (delivered,
 * opened — an estimate, as images may be blocked or fetched by a privacy proxy —, clicked,
 * bounced, complained). Counts come from the provider's webhooks and Kestrel's own tracking.
 */
function DeliveryChart({ c }: { c: Campaign }) {
  const sent = c.counts.sent;
  return (
    <figure className="mt-4" aria-labelledby={`delivery-${c.id}`}>
      <figcaption id={`delivery-${c.id}`} className="text-sm font-medium text-stone-700">
        What happened to the {sent} {sent === 1 ? 'mail' : 'mails'} sent
      </figcaption>
      <ul className="mt-2 space-y-1.5" data-testid="campaign-events">
        {events.map((e) => {
          const n = c.counts[e.key];
          const width = sent > 0 ? Math.min(100, (n / sent) * 100) : 0;
          return (
            <li key={e.key} className="grid grid-cols-[8.5rem_1fr_4.5rem] items-center gap-2 text-sm sm:grid-cols-[10rem_1fr_5rem]">
              <span className="text-stone-600">{e.label}</span>
              <span aria-hidden="true" className="h-2.5 overflow-hidden rounded-full bg-stone-100">
                <span className={`block h-full rounded-full ${e.className}`} style={{ width: `${width}%` }} />
              </span>
              <span className="text-right tabular-nums text-stone-900">
                {n} <span className="text-stone-500">({percent(n, sent)})</span>
              </span>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
