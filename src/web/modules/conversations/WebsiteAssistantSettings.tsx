import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../../lib/api';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { ConfirmRemove } from '../../ui/ConfirmRemove';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../ui/Field';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { Forbidden } from '../settings/Forbidden';
import { isManager, useWorkspace } from '../workspaces/useWorkspaces';
import { addKnowledge, fetchKnowledge, fetchKnowledgePage, fetchWidgetSettings, removeKnowledge, saveWidgetSettings, type WidgetSettings } from './api';

const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);
const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Weekday = (typeof weekdays)[number];
const dayNames: Record<Weekday, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };
type DayHours = { open: boolean; from: string; to: string };
/** CONV-1: the week as the form shows it: a day is open or closed, with one range (Monday–Friday 9–5 to start with). */
const weekOf = (hours: WidgetSettings['businessHours']): Record<Weekday, DayHours> =>
  Object.fromEntries(
    weekdays.map((d) => {
      const range = hours ? hours.days[d]?.[0] : d === 'sat' || d === 'sun' ? undefined : ['09:00', '17:00'];
      return [d, { open: !!range, from: range?.[0] ?? '09:00', to: range?.[1] ?? '17:00' }];
    }),
  ) as Record<Weekday, DayHours>;
/** "Saturday: " for a server message about `businessHours.days.sat…`. */
const dayOfField = (field: string) => {
  const day = /\.days\.(\w+)/.exec(field)?.[1];
  return day && day in dayNames ? `${dayNames[day as Weekday]}: ` : '';
};
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** CONV-1, CONV-2: Settings → Website assistant — look, hours, questions, privacy, origins, knowledge, the script tag. */
export function WebsiteAssistantSettings() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const workspace = useWorkspace(workspaceId);
  const allowed = workspace.data ? isManager(workspace.data.role) : true;
  const settings = useQuery({ queryKey: ['widget-settings', workspaceId], queryFn: () => fetchWidgetSettings(workspaceId), enabled: allowed });
  if (!allowed) return <Forbidden what="the website assistant" />;
  return (
    <div>
      <PageHeading description="The chat on your website: the assistant answers from your knowledge and hands over to your team.">Website assistant</PageHeading>
      {settings.isPending ? <SkeletonList rows={4} /> : settings.error ? <ErrorAlert>{errorMessage(settings.error)}</ErrorAlert> : <SettingsForm workspaceId={workspaceId} initial={settings.data} />}
      {settings.data ? <KnowledgeEditor workspaceId={workspaceId} /> : null}
    </div>
  );
}

/** Every time zone the browser knows, with the one in use first if it is not among them. */
function zoneOptions(current: string) {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return (zones.includes(current) ? zones : [current, ...zones]).map((z) => ({ value: z, label: z.replace(/_/g, ' ') }));
}

function SettingsForm({ workspaceId, initial }: { workspaceId: string; initial: WidgetSettings }) {
  const queryClient = useQueryClient();
  const [s, setS] = useState(initial);
  const [origins, setOrigins] = useState(initial.allowedOrigins.join('\n'));
  const [questions, setQuestions] = useState(initial.questions.join('\n'));
  const [hoursOn, setHoursOn] = useState(!!initial.businessHours);
  const [week, setWeek] = useState(() => weekOf(initial.businessHours));
  const [timeZone, setTimeZone] = useState(initial.businessHours?.timeZone ?? browserZone());
  const setDay = (d: Weekday, change: Partial<DayHours>) => setWeek((w) => ({ ...w, [d]: { ...w[d], ...change } }));
  const [copied, setCopied] = useState(false);
  useEffect(() => setS(initial), [initial]);
  const save = useMutation({
    mutationFn: () =>
      saveWidgetSettings(workspaceId, {
        title: s.title,
        greeting: s.greeting,
        accentColor: s.accentColor,
        position: s.position,
        allowedOrigins: lines(origins),
        questions: lines(questions),
        privacyNotice: s.privacyNotice || null,
        privacyUrl: s.privacyUrl || null,
        assistantEnabled: s.assistantEnabled,
        autoAssign: s.autoAssign,
        assignCap: s.assignCap,
        businessHours: hoursOn ? { timeZone, days: Object.fromEntries(weekdays.filter((d) => week[d].open).map((d) => [d, [[week[d].from, week[d].to]]])) } : null,
      }),
    onSuccess: (data) => queryClient.setQueryData(['widget-settings', workspaceId], data),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  /** The server's word on the hours (a range closing before it opens, an unknown zone), by the day it concerns. */
  const hoursErrors = save.error instanceof ApiError ? Object.entries(save.error.fields).filter(([field]) => field.startsWith('businessHours')) : [];
  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
      <Card>
        <form onSubmit={submit} className="space-y-4" aria-label="Website assistant settings">
          <TextField label="Title" value={s.title} maxLength={80} onChange={(e) => setS({ ...s, title: e.target.value })} />
          <TextAreaField label="Greeting" value={s.greeting} maxLength={500} rows={2} onChange={(e) => setS({ ...s, greeting: e.target.value })} />
          <div className="flex flex-wrap gap-4">
            <label className="text-sm font-medium text-stone-800">
              Colour
              <input type="color" value={s.accentColor} onChange={(e) => setS({ ...s, accentColor: e.target.value })} className="mt-1 block h-9 w-16 rounded border border-stone-300" />
            </label>
            <SelectField label="Position" value={s.position} onChange={(e) => setS({ ...s, position: e.target.value as 'right' })} options={[{ value: 'right', label: 'Bottom right' }, { value: 'left', label: 'Bottom left' }]} />
          </div>
          <CheckboxField label="Business hours (outside them, visitors leave a message and an email)" checked={hoursOn} onChange={(e) => setHoursOn(e.target.checked)} />
          {hoursOn ? (
            <fieldset className="space-y-2 rounded-md border border-stone-200 p-3">
              <legend className="px-1 text-sm font-medium text-stone-800">Opening hours</legend>
              {weekdays.map((d) => (
                <div key={d} className="flex flex-wrap items-center gap-2 text-sm">
                  <label className="flex w-full items-center gap-2 text-stone-800 sm:w-32">
                    <input type="checkbox" checked={week[d].open} onChange={(e) => setDay(d, { open: e.target.checked })} />
                    {dayNames[d]}
                  </label>
                  {week[d].open ? (
                    <>
                      <input type="time" aria-label={`${dayNames[d]} from`} value={week[d].from} onChange={(e) => setDay(d, { from: e.target.value })} className="rounded border border-stone-300 px-2 py-1" />
                      <span aria-hidden="true">–</span>
                      <input type="time" aria-label={`${dayNames[d]} to`} value={week[d].to} onChange={(e) => setDay(d, { to: e.target.value })} className="rounded border border-stone-300 px-2 py-1" />
                    </>
                  ) : (
                    <span className="text-stone-500">Closed</span>
                  )}
                </div>
              ))}
              <SelectField label="Time zone" value={timeZone} onChange={(e) => setTimeZone(e.target.value)} options={zoneOptions(timeZone)} />
              {hoursErrors.map(([field, message]) => (
                <p key={field} className="text-sm text-red-700" role="alert">
                  {dayOfField(field)}
                  {message}
                </p>
              ))}
            </fieldset>
          ) : null}
          <TextAreaField label="Qualifying questions (one per line)" hint="The assistant asks them one at a time." value={questions} rows={3} onChange={(e) => setQuestions(e.target.value)} />
          <TextAreaField label="Privacy notice" value={s.privacyNotice ?? ''} maxLength={1000} rows={2} onChange={(e) => setS({ ...s, privacyNotice: e.target.value })} />
          <TextField label="Privacy policy link" type="url" value={s.privacyUrl ?? ''} onChange={(e) => setS({ ...s, privacyUrl: e.target.value })} optional />
          <TextAreaField label="Allowed sites (one origin per line)" hint="For example https://www.example.com — other sites cannot use your widget." value={origins} rows={2} onChange={(e) => setOrigins(e.target.value)} />
          <CheckboxField label="The AI assistant answers (otherwise live chat only)" checked={s.assistantEnabled} onChange={(e) => setS({ ...s, assistantEnabled: e.target.checked })} />
          <CheckboxField label="Assign conversations that need a person round-robin" checked={s.autoAssign} onChange={(e) => setS({ ...s, autoAssign: e.target.checked })} />
          {s.autoAssign ? <TextField label="At most this many open conversations per person" type="number" min={1} max={100} value={String(s.assignCap)} onChange={(e) => setS({ ...s, assignCap: Number(e.target.value) || 1 })} /> : null}
          {save.error ? <ErrorAlert>{errorMessage(save.error)}</ErrorAlert> : null}
          {save.isSuccess ? <StatusNote>Saved.</StatusNote> : null}
          <Button type="submit" pending={save.isPending}>
            Save
          </Button>
        </form>
      </Card>
      <div className="space-y-4">
        <Card>
          <SectionHeading>Add to your site</SectionHeading>
          <p className="mb-2 text-sm text-stone-600">Paste this tag into your site's pages, before &lt;/body&gt;.</p>
          <code className="block break-all rounded bg-stone-100 p-2 text-xs" aria-label="Script tag">
            {initial.scriptTag}
          </code>
          <Button
            size="sm"
            variant="secondary"
            className="mt-2"
            onClick={() => void navigator.clipboard?.writeText(initial.scriptTag).then(() => setCopied(true))}
          >
            {copied ? 'Copied' : 'Copy'}
          </Button>
        </Card>
        <Card>
          <SectionHeading>Preview</SectionHeading>
          <div className="overflow-hidden rounded-xl border border-stone-200 shadow" aria-label="Widget preview">
            <div className="px-3 py-2 font-semibold text-white" style={{ background: s.accentColor }}>
              {s.title}
            </div>
            {hoursOn ? <p className="bg-amber-50 px-3 py-1.5 text-xs text-amber-900">Outside your hours: “We're away right now. Leave a message and your email, and we'll reply later.”</p> : null}
            <div className="space-y-2 bg-stone-50 p-3 text-sm">
              <p className="text-center text-stone-600">{s.greeting}</p>
              <p className="ml-auto w-fit rounded-lg px-2 py-1 text-white" style={{ background: s.accentColor }}>
                How much is a cake?
              </p>
              {s.privacyNotice || s.privacyUrl ? (
                <p className="text-xs text-stone-500">
                  {s.privacyNotice}{' '}
                  {s.privacyUrl ? <span className="underline">Privacy notice</span> : null}
                </p>
              ) : null}
            </div>
          </div>
          {/* Where the chat button sits on the visitor's screen. */}
          <div className={`mt-3 flex ${s.position === 'left' ? 'justify-start' : 'justify-end'}`} aria-hidden="true">
            <span className="block h-10 w-10 rounded-full shadow" style={{ background: s.accentColor }} />
          </div>
        </Card>
      </div>
    </div>
  );
}

function KnowledgeEditor({ workspaceId }: { workspaceId: string }) {
  const queryClient = useQueryClient();
  const key = ['knowledge', workspaceId];
  const list = useQuery({ queryKey: key, queryFn: () => fetchKnowledge(workspaceId) });
  const [kind, setKind] = useState<'faq' | 'page'>('faq');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [url, setUrl] = useState('');
  const add = useMutation({
    mutationFn: () => addKnowledge(workspaceId, { kind, title, body, url: url || null }),
    onSuccess: () => {
      setTitle('');
      setBody('');
      setUrl('');
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const [pageUrl, setPageUrl] = useState('');
  const fetchPage = useMutation({
    mutationFn: () => fetchKnowledgePage(workspaceId, pageUrl),
    onSuccess: () => {
      setPageUrl('');
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const remove = useMutation({ mutationFn: (id: string) => removeKnowledge(workspaceId, id), onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }) });
  return (
    <Card className="mt-6">
      <SectionHeading description="The assistant answers only from these, and shows which it used. Without an answer here it asks a person. The products and services in Invoicing are here too, with their prices.">Knowledge</SectionHeading>
      {list.isPending ? <p className="mb-2 text-sm text-stone-600">Loading knowledge…</p> : null}
      {list.error ? <ErrorAlert className="mb-2">{errorMessage(list.error)}</ErrorAlert> : null}
      {list.data ? (
        <p className="mb-2 text-sm text-stone-600" role="status">
          {list.data.meaning.available ? `Found by meaning as well as by words (embeddings: ${list.data.meaning.model}). New and changed entries are indexed within a minute.` : list.data.meaning.reason}
        </p>
      ) : null}
      {list.data && !list.data.items.length ? <p className="mb-4 text-sm text-stone-600">No knowledge yet: add an FAQ entry or a page below.</p> : null}
      <ul className="mb-4 divide-y divide-stone-100" aria-label="Knowledge entries">
        {list.data?.items.map((k) => (
          <li key={k.id} className="flex flex-wrap items-start gap-2 py-2 sm:flex-nowrap">
            <span className="rounded bg-stone-100 px-1.5 text-xs uppercase text-stone-600">{k.kind}</span>
            {/* At phone width the action goes under the entry rather than squeezing its title. */}
            <span className="min-w-0 flex-1 basis-48">
              <span className="block font-medium text-stone-900">{k.title}</span>
              {list.data?.meaning.available ? (
                <span className={`text-xs ${k.indexedByMeaning ? 'text-emerald-700' : 'text-amber-800'}`}>{k.indexedByMeaning ? 'Indexed by meaning' : 'Indexing by meaning…'}</span>
              ) : null}
              <span className="line-clamp-2 text-sm text-stone-600">{k.body}</span>
            </span>
            {k.kind === 'product' ? (
              // CONV-2: written from the product, so changed there.
              <Link to={`/w/${workspaceId}/invoices/products` as '/'} className="px-2 py-1 text-sm text-teal-800 underline">
                Change in Products
              </Link>
            ) : (
              <ConfirmRemove label="Remove" ariaLabel={`Remove ${k.title}`} question={`Remove "${k.title}"? The assistant stops answering from it.`} pending={remove.isPending && remove.variables === k.id} onConfirm={() => remove.mutate(k.id)} />
            )}
          </li>
        ))}
      </ul>
      {remove.error ? <ErrorAlert className="mb-4">{errorMessage(remove.error)}</ErrorAlert> : null}
      <form
        className="mb-6 flex flex-wrap items-end gap-2"
        aria-label="Add a page from its address"
        onSubmit={(e) => {
          e.preventDefault();
          fetchPage.mutate();
        }}
      >
        <TextField label="Add a page of your site by its address" type="url" placeholder="https://www.example.com/prices" value={pageUrl} onChange={(e) => setPageUrl(e.target.value)} containerClassName="min-w-0 flex-1" required />
        <Button type="submit" variant="secondary" pending={fetchPage.isPending} pendingLabel="Fetching…">
          Fetch page
        </Button>
        {fetchPage.error ? <ErrorAlert className="w-full">{errorMessage(fetchPage.error)}</ErrorAlert> : null}
      </form>
      <form
        className="space-y-3"
        aria-label="Add knowledge"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <SelectField label="Kind" value={kind} onChange={(e) => setKind(e.target.value as 'faq')} options={[{ value: 'faq', label: 'FAQ entry' }, { value: 'page', label: 'Page of your site (pasted text)' }]} />
        <TextField label={kind === 'faq' ? 'Question' : 'Page title'} value={title} maxLength={300} onChange={(e) => setTitle(e.target.value)} required />
        <TextAreaField label={kind === 'faq' ? 'Answer' : 'Page text'} value={body} rows={4} onChange={(e) => setBody(e.target.value)} required />
        {kind === 'page' ? <TextField label="Page address" type="url" value={url} onChange={(e) => setUrl(e.target.value)} optional /> : null}
        {add.error ? <ErrorAlert>{errorMessage(add.error)}</ErrorAlert> : null}
        <Button type="submit" pending={add.isPending}>
          Add
        </Button>
      </form>
    </Card>
  );
}
