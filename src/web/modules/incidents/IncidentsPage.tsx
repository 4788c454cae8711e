import { useParams } from '@tanstack/react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { ErrorAlert, InfoNote, StatusNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { inputClass, TextAreaField, TextField } from '../../ui/Field';
import { PageHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { fetchContacts } from '../crm/api';
import { Forbidden } from '../settings/Forbidden';
import { fetchMembers } from '../workspaces/api';
import { isManager, useWorkspace } from '../workspaces/useWorkspaces';
import { createIncident, fetchDataCategories, fetchIncidents, fetchNotice, sendNotice, type Incident, type NewIncident } from './api';

/** "1 contact", "3 contacts". */
const count = (n: number, one: string, many: string) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

const HOUR = 3_600_000;

/** "41 h left to notify", "3 h past the deadline", "Notified 4 people". */
function deadlineText(incident: Incident, now: number): { text: string; tone: 'ok' | 'warn' | 'late' | 'done' } {
  const since = Math.max(0, Math.floor((now - Date.parse(incident.discoveredAt)) / HOUR));
  if (incident.notifiedAt) {
    const took = Math.floor((Date.parse(incident.notifiedAt) - Date.parse(incident.discoveredAt)) / HOUR);
    return { text: `Notified ${incident.notifiedCount ?? 0} ${incident.notifiedCount === 1 ? 'person' : 'people'} ${took} h after discovery`, tone: 'done' };
  }
  const left = Math.floor((Date.parse(incident.deadlineAt) - now) / HOUR);
  if (left < 0) return { text: `Discovered ${since} h ago — ${-left} h past the 72-hour deadline`, tone: 'late' };
  return { text: `Discovered ${since} h ago — ${left} h left to notify`, tone: left < 24 ? 'warn' : 'ok' };
}

const toneClass = { ok: 'bg-emerald-50 text-emerald-800 ring-emerald-200', warn: 'bg-amber-50 text-amber-900 ring-amber-200', late: 'bg-red-50 text-red-800 ring-red-200', done: 'bg-stone-100 text-stone-700 ring-stone-200' };

/** PRIV-6: record a personal-data breach, say whose data and which kinds, and tell the people affected within 72 hours. */
export function IncidentsPage() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const workspace = useWorkspace(workspaceId);
  const allowed = workspace.data ? isManager(workspace.data.role) : true;
  const list = useQuery({ queryKey: ['incidents', workspaceId], queryFn: () => fetchIncidents(workspaceId), enabled: allowed });
  const [creating, setCreating] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  const forbidden = !allowed || (isApiError(list.error) && list.error.status === 403);

  return (
    <div>
      <PageHeading
        description="A personal-data breach is recorded here: what happened, whose data, what was done. The people affected must be told within 72 hours of discovery."
        actions={!forbidden && !creating ? <Button onClick={() => setCreating(true)}>Record an incident</Button> : null}
      >
        Breach incidents
      </PageHeading>
      {forbidden ? (
        <Forbidden what="breach incidents" />
      ) : (
        <>
          {creating ? <IncidentForm workspaceId={workspaceId} onDone={() => setCreating(false)} /> : null}
          {list.isPending ? (
            <SkeletonList rows={2} label="Loading incidents…" />
          ) : list.isError ? (
            <ErrorAlert>{errorMessage(list.error)}</ErrorAlert>
          ) : list.data.incidents.length === 0 ? (
            creating ? null : <EmptyState title="No incidents recorded">If personal data is lost, stolen or seen by someone who should not see it, record it here straight away.</EmptyState>
          ) : (
            <ul className="space-y-4">
              {list.data.incidents.map((incident) => (
                <IncidentCard key={incident.id} workspaceId={workspaceId} incident={incident} now={now} />
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

function IncidentCard({ workspaceId, incident, now }: { workspaceId: string; incident: Incident; now: number }) {
  const [showNotice, setShowNotice] = useState(false);
  const deadline = deadlineText(incident, now);
  return (
    <li className="rounded-lg border border-stone-200 bg-white p-4">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h2 className="font-semibold text-stone-900">{incident.title}</h2>
          <p className="text-sm text-stone-600">Discovered {formatDateTime(incident.discoveredAt)}</p>
        </div>
        <span className={`rounded-full px-2.5 py-1 text-xs font-medium ring-1 ${toneClass[deadline.tone]}`} data-testid="incident-deadline">
          {deadline.text}
        </span>
      </div>
      <p className="mt-3 text-sm break-words whitespace-pre-line text-stone-800">{incident.nature}</p>
      <p className="mt-2 text-sm text-stone-600">
        Affected: {incident.scopeKind === 'all_users' ? 'every member of the workspace' : count(incident.userIds.length, 'member', 'members')}
        {incident.contactIds.length ? `, ${count(incident.contactIds.length, 'contact', 'contacts')}` : ''} · {count(incident.categories.length, 'kind of data', 'kinds of data')}
      </p>
      <div className="mt-3">
        <Button variant="secondary" size="sm" onClick={() => setShowNotice((v) => !v)} aria-expanded={showNotice}>
          {showNotice ? 'Hide the notice' : incident.notifiedAt ? 'See the notice sent' : 'Preview the notice'}
        </Button>
      </div>
      {showNotice ? <NoticePanel workspaceId={workspaceId} incident={incident} /> : null}
    </li>
  );
}

function NoticePanel({ workspaceId, incident }: { workspaceId: string; incident: Incident }) {
  const queryClient = useQueryClient();
  const notice = useQuery({ queryKey: ['incident-notice', workspaceId, incident.id], queryFn: () => fetchNotice(workspaceId, incident.id) });
  const send = useMutation({ mutationFn: () => sendNotice(workspaceId, incident.id), onSuccess: () => queryClient.invalidateQueries({ queryKey: ['incidents', workspaceId] }) });
  if (notice.isPending) return <SkeletonList rows={1} label="Drafting the notice…" />;
  if (notice.isError) return <ErrorAlert className="mt-3">{errorMessage(notice.error)}</ErrorAlert>;
  return (
    <div className="mt-3 space-y-3">
      <div className="rounded-md border border-stone-200 bg-stone-50 p-3">
        <p className="text-sm font-semibold text-stone-900">{notice.data.subject}</p>
        <pre className="mt-2 font-sans text-sm break-words whitespace-pre-wrap text-stone-800">{notice.data.text}</pre>
      </div>
      {incident.notifiedAt ? (
        <StatusNote>Sent to {incident.notifiedCount} people on {formatDateTime(incident.notifiedAt)}.</StatusNote>
      ) : (
        <div className="flex flex-wrap items-center gap-3">
          <Button onClick={() => send.mutate()} pending={send.isPending} pendingLabel="Sending…" disabled={notice.data.recipients === 0}>
            Send to {notice.data.recipients} {notice.data.recipients === 1 ? 'person' : 'people'}
          </Button>
          <span className="text-sm text-stone-600">
            {count(notice.data.affectedUsers, 'member', 'members')} and {count(notice.data.affectedContacts, 'contact', 'contacts')} affected. The notice is sent once.
          </span>
        </div>
      )}
      {send.isError ? <ErrorAlert>{errorMessage(send.error)}</ErrorAlert> : null}
    </div>
  );
}

const localNow = () => {
  const d = new Date(Date.now() - new Date().getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

function IncidentForm({ workspaceId, onDone }: { workspaceId: string; onDone: () => void }) {
  const queryClient = useQueryClient();
  const categories = useQuery({ queryKey: ['incident-categories', workspaceId], queryFn: () => fetchDataCategories(workspaceId) });
  const members = useQuery({ queryKey: ['members', workspaceId], queryFn: () => fetchMembers(workspaceId) });
  const [contactQuery, setContactQuery] = useState('');
  const contacts = useQuery({ queryKey: ['incident-contacts', workspaceId, contactQuery], queryFn: () => fetchContacts(workspaceId, { q: contactQuery, limit: 20 }), enabled: contactQuery.trim().length > 0 });
  const [form, setForm] = useState({ title: '', discoveredAt: localNow(), nature: '', consequences: '', measures: '', guidance: '', contactPoint: '' });
  const [chosenCategories, setChosenCategories] = useState<string[]>([]);
  const [scopeKind, setScopeKind] = useState<'all_users' | 'selected'>('all_users');
  const [userIds, setUserIds] = useState<string[]>([]);
  const [chosenContacts, setChosenContacts] = useState<{ id: string; label: string }[]>([]);
  const create = useMutation({
    mutationFn: (body: NewIncident) => createIncident(workspaceId, body),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['incidents', workspaceId] });
      onDone();
    },
  });
  const toggle = (list: string[], value: string) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);
  const field = (key: keyof typeof form) => ({ value: form[key], onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value })) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ ...form, discoveredAt: new Date(form.discoveredAt).toISOString(), categories: chosenCategories, scopeKind, userIds: scopeKind === 'selected' ? userIds : [], contactIds: chosenContacts.map((c) => c.id) });
  };

  return (
    <form onSubmit={submit} className="mb-6 space-y-4 rounded-lg border border-stone-200 bg-white p-4" aria-label="Record an incident">
      <h2 className="font-semibold text-stone-900">Record an incident</h2>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="Title" required maxLength={200} {...field('title')} />
        <TextField label="Discovered at" type="datetime-local" required {...field('discoveredAt')} />
      </div>
      <TextAreaField label="What happened" hint="The nature of the breach, in plain words." required maxLength={5000} rows={3} {...field('nature')} />
      <TextAreaField label="Likely consequences" optional maxLength={5000} rows={2} {...field('consequences')} />
      <TextAreaField label="Measures taken" optional maxLength={5000} rows={2} {...field('measures')} />
      <TextAreaField label="What people can do" optional maxLength={5000} rows={2} {...field('guidance')} />
      <TextField label="Contact point" hint="Who people can ask about it: a name, an email address, a phone number." required maxLength={500} {...field('contactPoint')} />

      <fieldset className="min-w-0">
        <legend className="mb-1 text-sm font-medium text-stone-800">Kinds of data involved</legend>
        {categories.isPending ? (
          <SkeletonList rows={1} label="Loading kinds of data…" />
        ) : categories.isError ? (
          <ErrorAlert>{errorMessage(categories.error)}</ErrorAlert>
        ) : (
          <div className="max-h-56 space-y-1 overflow-y-auto rounded-md border border-stone-200 p-2">
            {categories.data.categories.map((c) => (
              <label key={c.key} className="flex items-start gap-2 text-sm text-stone-800">
                <input type="checkbox" className="mt-1" checked={chosenCategories.includes(c.key)} onChange={() => setChosenCategories((l) => toggle(l, c.key))} />
                <span className="min-w-0 break-words">{c.description}</span>
              </label>
            ))}
          </div>
        )}
      </fieldset>

      <fieldset className="min-w-0">
        <legend className="mb-1 text-sm font-medium text-stone-800">Who is affected</legend>
        <div className="flex flex-wrap gap-4 text-sm">
          <label className="flex items-center gap-2">
            <input type="radio" name="scope" checked={scopeKind === 'all_users'} onChange={() => setScopeKind('all_users')} /> Every member of the workspace
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="scope" checked={scopeKind === 'selected'} onChange={() => setScopeKind('selected')} /> Chosen members
          </label>
        </div>
        {scopeKind === 'selected' ? (
          <div className="mt-2 space-y-1 rounded-md border border-stone-200 p-2">
            {members.data?.members.map((m) => (
              <label key={m.userId} className="flex items-center gap-2 text-sm text-stone-800">
                <input type="checkbox" checked={userIds.includes(m.userId)} onChange={() => setUserIds((l) => toggle(l, m.userId))} />
                <span className="min-w-0 truncate">
                  {m.name} · {m.email}
                </span>
              </label>
            )) ?? <SkeletonList rows={1} label="Loading members…" />}
          </div>
        ) : null}
        <div className="mt-3">
          <label htmlFor="incident-contact-search" className="mb-1 block text-sm font-medium text-stone-800">
            Contacts affected <span className="font-normal text-stone-500">(optional)</span>
          </label>
          <input id="incident-contact-search" className={inputClass} placeholder="Search contacts by name or email" value={contactQuery} onChange={(e) => setContactQuery(e.target.value)} autoComplete="off" />
          {contacts.data?.items.length ? (
            <ul className="mt-1 max-h-40 overflow-y-auto rounded-md border border-stone-200 text-sm">
              {contacts.data.items.map((c) => {
                const label = [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email || 'Unnamed contact';
                const chosen = chosenContacts.some((x) => x.id === c.id);
                return (
                  <li key={c.id}>
                    <label className="flex items-center gap-2 px-2 py-1">
                      <input type="checkbox" checked={chosen} onChange={() => setChosenContacts((l) => (chosen ? l.filter((x) => x.id !== c.id) : [...l, { id: c.id, label }]))} />
                      <span className="min-w-0 truncate">
                        {label}
                        {c.email ? ` · ${c.email}` : ''}
                      </span>
                    </label>
                  </li>
                );
              })}
            </ul>
          ) : null}
          {chosenContacts.length ? <p className="mt-1 text-sm text-stone-600">Chosen: {chosenContacts.map((c) => c.label).join(', ')}</p> : null}
        </div>
      </fieldset>

      <InfoNote>Nothing is sent yet: after recording, preview the notice and send it from the incident.</InfoNote>
      {create.isError ? <ErrorAlert>{errorMessage(create.error)}</ErrorAlert> : null}
      <div className="flex gap-2">
        <Button type="submit" pending={create.isPending}>
          Record incident
        </Button>
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
