import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../lib/api';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { SelectField, TextField } from '../../ui/Field';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { fetchSavedViews } from '../views/api';
import { campaignsApi, sequencesApi, type Enrolment, type Sequence } from './api';

const stateLabels: Record<Enrolment['state'], string> = { active: 'Active', paused: 'Paused (automatic reply)', replied: 'Replied', unsubscribed: 'Unsubscribed', bounced: 'Bounced', finished: 'Finished', stopped: 'Stopped' };
const skipLabels: Record<string, string> = { no_consent: 'no recorded consent', no_address: 'no email address', restricted: 'record restricted', suppressed: 'address suppressed' };
const when = (iso: string) => new Date(iso).toLocaleString(undefined, { weekday: 'short', dateStyle: undefined, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** MAIL-2: sequences — follow-up mails sent step by step, weekdays 09–17 in each lead's zone, ended by a reply. */
export function SequencesPage() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const list = useQuery({ queryKey: ['sequences', workspaceId], queryFn: () => sequencesApi.list(workspaceId) });
  return (
    <div className="max-w-5xl">
      <PageHeading description="Follow-up mails sent step by step, on weekdays 09:00–17:00 in each lead's own time zone. A lead who replies, books a meeting, unsubscribes or bounces gets nothing more; an out-of-office reply pauses them until they are back.">Sequences</PageHeading>
      <NewSequenceForm workspaceId={workspaceId} />
      <section aria-labelledby="sequences-heading" className="mt-8">
        <SectionHeading id="sequences-heading">Your sequences</SectionHeading>
        {list.isPending ? (
          <SkeletonList rows={2} label="Loading sequences…" />
        ) : list.isError ? (
          <ErrorAlert>{errorMessage(list.error)}</ErrorAlert>
        ) : list.data.items.length === 0 ? (
          <EmptyState title="No sequences yet">Make one above: its steps are your templates, each some days after the last.</EmptyState>
        ) : (
          <ul className="space-y-4">
            {list.data.items.map((s) => (
              <SequenceCard key={s.id} workspaceId={workspaceId} s={s} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function NewSequenceForm({ workspaceId }: { workspaceId: string }) {
  const qc = useQueryClient();
  const templates = useQuery({ queryKey: ['outreach-templates', workspaceId], queryFn: () => campaignsApi.templates(workspaceId) });
  const [name, setName] = useState('');
  const [steps, setSteps] = useState([{ templateId: '', delayDays: '0' }]);
  const [draft, setDraft] = useState(false);
  const create = useMutation({
    mutationFn: () => sequencesApi.create(workspaceId, { name: name.trim(), status: draft ? 'draft' : 'active', steps: steps.map((s) => ({ templateId: s.templateId, delayDays: Number(s.delayDays) })) }),
    onSuccess: () => {
      setName('');
      setSteps([{ templateId: '', delayDays: '0' }]);
      void qc.invalidateQueries({ queryKey: ['sequences', workspaceId] });
    },
  });
  const options = [{ value: '', label: 'Choose a template' }, ...(templates.data?.items ?? []).map((t) => ({ value: t.id, label: t.name }))];
  const ready = name.trim() && steps.every((s) => s.templateId && /^\d{1,3}$/.test(s.delayDays) && Number(s.delayDays) <= 365);
  const set = (i: number, patch: Partial<(typeof steps)[number]>) => setSteps(steps.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ready) create.mutate();
  };
  return (
    <Card labelledBy="new-sequence-heading">
      <h2 id="new-sequence-heading" className="mb-3 text-base font-semibold text-stone-900">
        New sequence
      </h2>
      {templates.isSuccess && templates.data.items.length === 0 ? <StatusNote className="mb-3">There are no email templates yet; each step sends one.</StatusNote> : null}
      <form onSubmit={submit} className="space-y-4" noValidate>
        <TextField label="Name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
        <ol className="space-y-3">
          {steps.map((s, i) => (
            <li key={i} className="grid gap-3 sm:grid-cols-[1fr_10rem]">
              <SelectField label={`Step ${i + 1}: template`} options={options} value={s.templateId} onChange={(e) => set(i, { templateId: e.target.value })} />
              <TextField label={i === 0 ? 'Days after enrolment' : 'Days after step ' + i} inputMode="numeric" value={s.delayDays} onChange={(e) => set(i, { delayDays: e.target.value })} />
            </li>
          ))}
        </ol>
        <div className="flex flex-wrap gap-2">
          {steps.length < 10 ? (
            <Button type="button" variant="secondary" onClick={() => setSteps([...steps, { templateId: '', delayDays: '3' }])}>
              Add a step
            </Button>
          ) : null}
          {steps.length > 1 ? (
            <Button type="button" variant="secondary" onClick={() => setSteps(steps.slice(0, -1))}>
              Remove the last step
            </Button>
          ) : null}
        </div>
        <label className="flex items-center gap-2 text-sm text-stone-700">
          <input type="checkbox" checked={draft} onChange={(e) => setDraft(e.target.checked)} className="h-4 w-4" />
          Save as a draft (nobody can be enrolled until it is made active)
        </label>
        {create.isError ? <ErrorAlert>{errorMessage(create.error)}</ErrorAlert> : null}
        <Button type="submit" disabled={!ready} pending={create.isPending} pendingLabel="Saving…">
          Save sequence
        </Button>
      </form>
    </Card>
  );
}

function SequenceCard({ workspaceId, s }: { workspaceId: string; s: Sequence }) {
  const qc = useQueryClient();
  const views = useQuery({ queryKey: ['views', workspaceId, 'contacts'], queryFn: () => fetchSavedViews(workspaceId, 'contacts') });
  const enrolments = useQuery({ queryKey: ['sequence-enrolments', workspaceId, s.id], queryFn: () => sequencesApi.enrolments(workspaceId, s.id) });
  const [viewId, setViewId] = useState('');
  const [notice, setNotice] = useState('');
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['sequences', workspaceId] });
    void qc.invalidateQueries({ queryKey: ['sequence-enrolments', workspaceId, s.id] });
  };
  const enrol = useMutation({
    mutationFn: () => sequencesApi.enrol(workspaceId, s.id, viewId),
    onSuccess: (r) => {
      const skipped = r.skipped.map((k) => `${k.count} ${skipLabels[k.reason] ?? k.reason}`).join(', ');
      setNotice(`${r.enrolled} enrolled${r.alreadyEnrolled ? `, ${r.alreadyEnrolled} already in it` : ''}${skipped ? `; skipped: ${skipped}` : ''}.`);
      refresh();
    },
  });
  const stop = useMutation({ mutationFn: (contactId: string) => sequencesApi.stop(workspaceId, s.id, contactId), onSuccess: refresh });
  const setStatus = useMutation({ mutationFn: (status: 'draft' | 'active') => sequencesApi.update(workspaceId, s.id, { status }), onSuccess: refresh });
  const [editing, setEditing] = useState(false);
  const headingId = `sequence-${s.id}`;
  const counts = Object.entries(s.counts).filter(([, n]) => n > 0);
  return (
    <li>
      <Card labelledBy={headingId}>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h3 id={headingId} className="font-semibold text-stone-900">
            {s.name} {s.status === 'draft' ? <span className="ml-1 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900">Draft</span> : null}
          </h3>
          <div className="flex flex-wrap gap-2">
            <Button type="button" variant="secondary" size="sm" onClick={() => setEditing(!editing)} aria-expanded={editing}>
              {editing ? 'Close the editor' : 'Edit steps'}
            </Button>
            <Button type="button" variant="secondary" size="sm" pending={setStatus.isPending} pendingLabel="Saving…" onClick={() => setStatus.mutate(s.status === 'draft' ? 'active' : 'draft')}>
              {s.status === 'draft' ? 'Make active' : 'Back to draft'}
            </Button>
          </div>
        </div>
        {setStatus.isError ? <ErrorAlert className="mt-2">{errorMessage(setStatus.error)}</ErrorAlert> : null}
        {editing ? (
          <StepEditor workspaceId={workspaceId} s={s} onSaved={() => { setEditing(false); refresh(); }} />
        ) : (
          <ol className="mt-1 list-decimal pl-5 text-sm text-stone-700">
            {s.steps.map((st) => (
              <li key={st.id}>
                {st.subject || <span className="italic">Reply in the thread (“Re: …”)</span>}{' '}
                <span className="text-stone-500">
                  — {st.position === 0 ? (st.delayDays ? `day ${st.delayDays}` : 'on enrolment') : `${st.delayDays} day${st.delayDays === 1 ? '' : 's'} later`}
                  {st.waiting ? ` · ${st.waiting} waiting` : ''}
                </span>
              </li>
            ))}
          </ol>
        )}
        <p className="mt-2 text-sm text-stone-600" data-testid="sequence-counts">
          {counts.length ? counts.map(([k, n]) => `${n} ${stateLabels[k as Enrolment['state']].toLowerCase()}`).join(' · ') : 'Nobody enrolled yet.'}
        </p>
        <form
          className="mt-3 flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            setNotice('');
            if (viewId) enrol.mutate();
          }}
        >
          <div className="min-w-0 flex-1">
            <SelectField label="Enrol a saved view" options={[{ value: '', label: 'Choose a view of contacts' }, ...(views.data?.views ?? []).map((v) => ({ value: v.id, label: v.name }))]} value={viewId} onChange={(e) => setViewId(e.target.value)} />
          </div>
          <Button type="submit" disabled={!viewId} pending={enrol.isPending} pendingLabel="Enrolling…">
            Enrol
          </Button>
        </form>
        {enrol.isError ? <ErrorAlert className="mt-2">{errorMessage(enrol.error)}</ErrorAlert> : null}
        {notice ? <StatusNote className="mt-2">{notice}</StatusNote> : null}
        {enrolments.data?.items.length ? (
          <ul className="mt-3 divide-y divide-stone-100 text-sm">
            {enrolments.data.items.map((e) => (
              <li key={e.contactId} className="flex flex-wrap items-center justify-between gap-2 py-1.5">
                <span className="min-w-0 truncate font-medium text-stone-800">{e.name}</span>
                <span className="text-stone-600">
                  {stateLabels[e.state]}
                  {e.state === 'active' && e.nextSendAt ? ` · step ${s.steps.findIndex((st) => st.id === e.nextStepId) + 1 || e.currentStep + 1} ${when(e.nextSendAt)}` : ''}
                  {e.state === 'paused' && e.pausedUntil ? ` · until ${when(e.pausedUntil)}` : ''}
                </span>
                {e.state === 'active' || e.state === 'paused' ? (
                  <Button type="button" variant="secondary" size="sm" onClick={() => stop.mutate(e.contactId)} aria-label={`Take ${e.name} out of ${s.name}`}>
                    Stop
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
        ) : null}
      </Card>
    </li>
  );
}

type DraftStep = { key: string; id?: string; templateId: string; delayDays: string; subject: string };

/**
 * MAIL-2: edits the steps of a sequence while it runs: template, delay and subject per step, add,
 * remove and reorder. Kept steps keep their id, so every enrolled lead keeps its place.
 */
function StepEditor({ workspaceId, s, onSaved }: { workspaceId: string; s: Sequence; onSaved: () => void }) {
  const templates = useQuery({ queryKey: ['outreach-templates', workspaceId], queryFn: () => campaignsApi.templates(workspaceId) });
  const [steps, setSteps] = useState<DraftStep[]>(() => s.steps.map((st) => ({ key: st.id, id: st.id, templateId: st.templateId ?? '', delayDays: String(st.delayDays), subject: st.position === 0 ? '' : st.subject })));
  const save = useMutation({
    mutationFn: () =>
      sequencesApi.update(workspaceId, s.id, {
        steps: steps.map((st) => ({ ...(st.id ? { id: st.id } : {}), ...(st.templateId ? { templateId: st.templateId } : {}), delayDays: Number(st.delayDays), ...(st.subject.trim() ? { subject: st.subject.trim() } : {}) })),
      }),
    onSuccess: onSaved,
  });
  const options = [{ value: '', label: 'Choose a template' }, ...(templates.data?.items ?? []).map((t) => ({ value: t.id, label: t.name }))];
  const set = (i: number, patch: Partial<DraftStep>) => setSteps(steps.map((st, j) => (j === i ? { ...st, ...patch } : st)));
  const move = (i: number, by: -1 | 1) => {
    const next = [...steps];
    [next[i], next[i + by]] = [next[i + by]!, next[i]!];
    setSteps(next);
  };
  const ready = steps.length > 0 && steps.every((st) => (st.id || st.templateId) && /^\d{1,3}$/.test(st.delayDays) && Number(st.delayDays) <= 365);
  const waiting = (id?: string) => s.steps.find((st) => st.id === id)?.waiting ?? 0;
  return (
    <form
      className="mt-3 space-y-3"
      noValidate
      aria-label={`Edit the steps of ${s.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) save.mutate();
      }}
    >
      {templates.isPending ? <SkeletonList rows={1} label="Loading templates…" /> : templates.isError ? <ErrorAlert>{errorMessage(templates.error)}</ErrorAlert> : null}
      <ol className="space-y-3">
        {steps.map((st, i) => (
          <li key={st.key} className="rounded border border-stone-200 p-3">
            <div className="grid gap-3 sm:grid-cols-[1fr_9rem]">
              <SelectField label={`Step ${i + 1}: template`} options={options} value={st.templateId} onChange={(e) => set(i, { templateId: e.target.value })} />
              <TextField label={i === 0 ? 'Days after enrolment' : `Days after step ${i}`} inputMode="numeric" value={st.delayDays} onChange={(e) => set(i, { delayDays: e.target.value })} />
            </div>
            <TextField
              className="mt-2"
              label={i === 0 ? 'Subject (empty: the template’s)' : 'Own subject (empty: a reply, “Re: <first subject>”)'}
              value={st.subject}
              maxLength={300}
              onChange={(e) => set(i, { subject: e.target.value })}
            />
            <div className="mt-2 flex flex-wrap items-center gap-2">
              {i > 0 ? (
                <Button type="button" variant="secondary" size="sm" onClick={() => move(i, -1)} aria-label={`Move step ${i + 1} up`}>
                  Up
                </Button>
              ) : null}
              {i < steps.length - 1 ? (
                <Button type="button" variant="secondary" size="sm" onClick={() => move(i, 1)} aria-label={`Move step ${i + 1} down`}>
                  Down
                </Button>
              ) : null}
              {steps.length > 1 ? (
                <Button type="button" variant="secondary" size="sm" onClick={() => setSteps(steps.filter((_, j) => j !== i))} aria-label={`Remove step ${i + 1}`}>
                  Remove
                </Button>
              ) : null}
              {waiting(st.id) ? <span className="text-xs text-stone-600">{waiting(st.id)} lead(s) wait for this step{steps.length > 1 ? '; removing it sends them the next one' : ''}.</span> : null}
            </div>
          </li>
        ))}
      </ol>
      <div className="flex flex-wrap gap-2">
        {steps.length < 10 ? (
          <Button type="button" variant="secondary" onClick={() => setSteps([...steps, { key: `new-${Date.now()}`, templateId: '', delayDays: '3', subject: '' }])}>
            Add a step
          </Button>
        ) : null}
        <Button type="submit" disabled={!ready} pending={save.isPending} pendingLabel="Saving…">
          Save steps
        </Button>
      </div>
      {save.isError ? <ErrorAlert>{errorMessage(save.error)}</ErrorAlert> : null}
    </form>
  );
}
