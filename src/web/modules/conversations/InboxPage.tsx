import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, errorMessage } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { ErrorAlert } from '../../ui/Alert';
import { Button, buttonClass } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { inputClass } from '../../ui/Field';
import { SkeletonList } from '../../ui/Skeleton';
import { Forbidden } from '../settings/Forbidden';
import { isManager, useWorkspace } from '../workspaces/useWorkspaces';
import {
  eraseConversation,
  fetchCanned,
  fetchConversation,
  fetchInbox,
  inboxKeys,
  joinConversation,
  postMessage,
  retryMessage,
  returnConversation,
  updateConversation,
  type ConversationDetail,
  type InboxView,
  mediaUrl,
  type StaffMessage,
  type TemplateChoice,
} from './api';
import { AwayNotice, ChannelIcon, channelLabel, DeliveryStatus, EmailedNote, remaining, useNow, visitorFallback } from './ChannelBits';
import { consentLabels, lifecycleLabels } from '../crm/format';

const views: { id: InboxView; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'mine', label: 'Mine' },
  { id: 'unassigned', label: 'Unassigned' },
];
/** CONV-4: snoozing brings the conversation back tomorrow at 9:00 (this browser's time), open and unread. */
function statusChange(status: 'open' | 'pending' | 'snoozed' | 'resolved') {
  if (status !== 'snoozed') return { status };
  const until = new Date();
  until.setDate(until.getDate() + 1);
  until.setHours(9, 0, 0, 0);
  return { status, snoozedUntil: until.toISOString() };
}

const statusLabel: Record<string, string> = { open: 'Open', pending: 'With assistant', snoozed: 'Snoozed', resolved: 'Resolved' };

const StatusOptions = () => (
  <>
    {Object.entries(statusLabel).map(([k, v]) => (
      <option key={k} value={k}>
        {v}
      </option>
    ))}
  </>
);

/** CONV-4: the shared inbox — list, conversation, contact card on desktop; one pane at a time on a phone. */
export function InboxPage() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const search = useSearch({ strict: false }) as { c?: string };
  const navigate = useNavigate();
  const workspace = useWorkspace(workspaceId);
  const [view, setView] = useState<InboxView>('all');
  const [status, setStatus] = useState<string>('');
  const [channel, setChannel] = useState<string>('');
  const team = workspace.data ? workspace.data.role !== 'client' : true;
  const list = useQuery({ queryKey: [...inboxKeys.all(workspaceId), 'list', view, status, channel], queryFn: () => fetchInbox(workspaceId, { view, status: status || undefined, channel: channel || undefined }), enabled: team });
  const selected = search.c;
  const select = (id: string | undefined) => void navigate({ to: `/w/${workspaceId}/inbox` as '/', search: (id ? { c: id } : {}) as never });

  if (!team) return <Forbidden what="the inbox" />;
  // minmax(0,1fr): a long last message is cut short in its row, never widening the pane past a phone's screen.
  return (
    <div className="-m-4 grid h-[calc(100dvh-3.5rem)] grid-cols-[minmax(0,1fr)] md:-m-6 md:grid-cols-[20rem_minmax(0,1fr)] xl:grid-cols-[20rem_minmax(0,1fr)_18rem]">
      <section aria-labelledby="inbox-heading" className={`${selected ? 'hidden md:flex' : 'flex'} min-h-0 flex-col border-r border-stone-200 bg-white`}>
        <div className="border-b border-stone-200 p-3">
          <h1 id="inbox-heading" className="text-lg font-semibold text-stone-900">
            Inbox
          </h1>
          <div className="mt-2 flex flex-wrap gap-1" role="group" aria-label="Show">
            {views.map((v) => (
              <button key={v.id} type="button" aria-pressed={view === v.id} onClick={() => setView(v.id)} className={buttonClass(view === v.id ? 'primary' : 'secondary', 'sm')}>
                {v.label}
              </button>
            ))}
          </div>
          <div className="mt-2 grid grid-cols-2 gap-2">
            <label className="block text-sm text-stone-700">
              Status{' '}
              <select value={status} onChange={(e) => setStatus(e.target.value)} className={`${inputClass} mt-1`}>
                <option value="">Any</option>
                <StatusOptions />
              </select>
            </label>
            <label className="block text-sm text-stone-700">
              Channel{' '}
              <select value={channel} onChange={(e) => setChannel(e.target.value)} className={`${inputClass} mt-1`}>
                <option value="">All</option>
                {Object.entries(channelLabel).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
          </div>
        </div>
        <div className="min-h-0 flex-1 overflow-y-auto">
          {list.isPending ? (
            <SkeletonList rows={5} />
          ) : list.error ? (
            <ErrorAlert className="m-3">{errorMessage(list.error)}</ErrorAlert>
          ) : list.data.items.length === 0 ? (
            <EmptyState title="No conversations">Chats from your website, email, WhatsApp, Messenger and Instagram appear here live. Set them up in Settings → Website assistant and Settings → Channels.</EmptyState>
          ) : (
            <ul aria-label="Conversations">
              {list.data.items.map((c) => (
                <li key={c.id}>
                  <button
                    type="button"
                    onClick={() => select(c.id)}
                    aria-current={selected === c.id ? 'true' : undefined}
                    className={`block w-full border-b border-stone-100 px-3 py-2 text-left hover:bg-stone-50 ${selected === c.id ? 'bg-amber-50' : ''}`}
                  >
                    <span className="flex items-center gap-2">
                      <ChannelIcon channel={c.channel} />
                      <span className="flex-1 truncate font-medium text-stone-900">{c.visitorName ?? c.visitorEmail ?? visitorFallback(c.channel)}</span>
                      {c.unread > 0 ? <span className="rounded-full bg-red-600 px-2 text-xs font-semibold text-white" aria-label={`${c.unread} unread`}>{c.unread}</span> : null}
                    </span>
                    {c.subject ? <span className="block truncate text-sm font-medium text-stone-800">{c.subject}</span> : null}
                    <span className="block truncate text-sm text-stone-600">{c.lastMessagePreview ?? ' '}</span>
                    <span className="mt-0.5 flex flex-wrap gap-x-1 text-xs text-stone-500">
                      <span>{statusLabel[c.status]}</span>
                      {c.handoffRequested && c.holder === 'human' && !c.assigneeUserId ? (
                        <>
                          <span aria-hidden="true">·</span>
                          <span className="font-semibold text-amber-800">Wants a person</span>
                        </>
                      ) : null}
                      {c.assigneeName ? (
                        <>
                          <span aria-hidden="true">·</span>
                          <span>{c.assigneeName}</span>
                        </>
                      ) : null}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      </section>
      {selected ? (
        <Thread key={selected} workspaceId={workspaceId} id={selected} manager={isManager(workspace.data?.role)} onBack={() => select(undefined)} />
      ) : (
        <div className="hidden items-center justify-center text-stone-500 md:flex">Choose a conversation.</div>
      )}
    </div>
  );
}

function Thread({ workspaceId, id, manager, onBack }: { workspaceId: string; id: string; manager: boolean; onBack: () => void }) {
  const queryClient = useQueryClient();
  const detail = useQuery({ queryKey: [...inboxKeys.all(workspaceId), 'conversation', id], queryFn: () => fetchConversation(workspaceId, id) });
  const canned = useQuery({ queryKey: [...inboxKeys.all(workspaceId), 'canned'], queryFn: () => fetchCanned(workspaceId) });
  const [text, setText] = useState('');
  const [kind, setKind] = useState<'reply' | 'note'>('reply');
  const log = useRef<HTMLOListElement>(null);
  const refresh = (d?: ConversationDetail) => {
    if (d) queryClient.setQueryData([...inboxKeys.all(workspaceId), 'conversation', id], d);
    void queryClient.invalidateQueries({ queryKey: inboxKeys.all(workspaceId) });
  };
  const act = useMutation({ mutationFn: (f: () => Promise<ConversationDetail>) => f(), onSuccess: refresh });
  const retry = useMutation({ mutationFn: (messageId: string) => retryMessage(workspaceId, id, messageId), onSettled: () => refresh() });
  const [template, setTemplate] = useState<TemplateChoice | null>(null);
  const now = useNow();
  const send = useMutation({
    mutationFn: () => postMessage(workspaceId, id, kind, kind === 'reply' && template ? '' : text.trim(), kind === 'reply' && template ? template : undefined),
    onSuccess: () => {
      setText('');
      setTemplate(null);
      refresh();
    },
    // A refused WhatsApp message is kept, marked "Not delivered": show it.
    onError: () => refresh(),
  });
  const count = detail.data?.messages.length ?? 0;
  useEffect(() => {
    log.current?.lastElementChild?.scrollIntoView({ block: 'end' });
  }, [count]);

  if (detail.isPending) return <SkeletonList rows={6} />;
  if (detail.error) return <ErrorAlert className="m-4">{errorMessage(detail.error)}</ErrorAlert>;
  const { conversation: c, visitor, messages } = detail.data;
  const wa = detail.data.whatsapp;
  const closesAt = wa?.windowClosesAt ? Date.parse(wa.windowClosesAt) : null;
  const windowClosed = !!wa && (closesAt === null || closesAt <= now);
  const useTemplate = kind === 'reply' && windowClosed;
  // CONV-6 Messenger and Instagram: 24 hours of standard replies, then (if the app may) 7 days tagged as a person's.
  const messaging = detail.data.messaging;
  const messagingLabel = channelLabel[detail.data.conversation.channel];
  const standardUntil = messaging?.windowClosesAt ? Date.parse(messaging.windowClosesAt) : null;
  const humanUntil = messaging?.humanAgentClosesAt ? Date.parse(messaging.humanAgentClosesAt) : null;
  const messagingNote = !messaging
    ? null
    : standardUntil !== null && standardUntil > now
      ? { closed: false, text: `${messagingLabel} window: ${remaining(standardUntil, now)} left for replies.` }
      : humanUntil !== null && humanUntil > now
        ? { closed: false, text: `${messagingLabel}'s 24-hour window has closed: replies go out tagged as a person's (Human Agent) for ${remaining(humanUntil, now)} more.` }
        : { closed: true, text: `${messagingLabel} allows replies within 24 hours of the customer's last message; that window has closed. You can reply when they write again.` };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (useTemplate ? template && template.params.every((p) => p.trim()) : text.trim()) send.mutate();
  };
  const contactPanel = (
    <>
      <ContactCard workspaceId={workspaceId} detail={detail.data} />
      {manager ? (
        <Button
          variant="secondary"
          size="sm"
          className="mt-6"
          onClick={() => {
            if (window.confirm("Erase this visitor's transcript and details? This cannot be undone.")) act.mutate(() => eraseConversation(workspaceId, id));
          }}
        >
          Erase transcript
        </Button>
      ) : null}
    </>
  );
  return (
    <>
      <section aria-label="Conversation" className="flex min-h-0 flex-col bg-stone-50">
        <div className="flex flex-wrap items-center gap-2 border-b border-stone-200 bg-white p-3">
          <button type="button" onClick={onBack} className={`${buttonClass('ghost', 'sm')} md:hidden`}>
            ← Back
          </button>
          <h2 className="flex min-w-[10rem] flex-1 items-center gap-2 font-semibold text-stone-900">
            <ChannelIcon channel={c.channel} />
            <span className="truncate">{visitor.name ?? visitor.email ?? visitor.phone ?? visitorFallback(detail.data.conversation.channel)}</span>
          </h2>
          {c.holder === 'assistant' || c.assigneeUserId === null ? (
            <Button size="sm" onClick={() => act.mutate(() => joinConversation(workspaceId, id))}>
              Join
            </Button>
          ) : c.channel === 'web' ? (
            <Button size="sm" variant="secondary" onClick={() => act.mutate(() => returnConversation(workspaceId, id))}>
              Return to assistant
            </Button>
          ) : null}
          <label className="text-sm text-stone-700">
            <span className="sr-only">Status</span>
            <select value={c.status} onChange={(e) => act.mutate(() => updateConversation(workspaceId, id, statusChange(e.target.value as 'open')))} className={`${inputClass} py-1`}>
              <StatusOptions />
            </select>
          </label>
          <label className="text-sm text-stone-700">
            <span className="sr-only">Priority</span>
            <select value={c.priority} onChange={(e) => act.mutate(() => updateConversation(workspaceId, id, { priority: e.target.value as 'normal' }))} className={`${inputClass} py-1`}>
              {['low', 'normal', 'high', 'urgent'].map((p) => (
                <option key={p} value={p}>
                  {p[0]!.toUpperCase() + p.slice(1)} priority
                </option>
              ))}
            </select>
          </label>
        </div>
        {/* Below the width where the contact column shows, the same card opens here. */}
        <details className="max-h-[50dvh] overflow-y-auto border-b border-stone-200 bg-white px-3 py-2 text-sm xl:hidden">
          <summary className="cursor-pointer rounded font-medium text-stone-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-700">Contact details</summary>
          <div className="mt-2">{contactPanel}</div>
        </details>
        {c.subject ? (
          <p className="border-b border-stone-200 bg-white px-3 py-2 text-sm text-stone-800">
            <span className="text-stone-500">Subject: </span>
            {c.subject}
          </p>
        ) : null}
        {act.error ? <ErrorAlert className="m-3">{errorMessage(act.error)}</ErrorAlert> : null}
        {retry.error ? <ErrorAlert className="m-3">{errorMessage(retry.error)}</ErrorAlert> : null}
        <ol ref={log} aria-label="Messages" aria-live="polite" className="min-h-0 flex-1 space-y-2 overflow-y-auto p-4">
          {messages.map((m) => (
            <MessageItem key={m.id} workspaceId={workspaceId} m={m} media={m.meta.media ? mediaUrl(workspaceId, id, m.id) : null} onRetry={retry.isPending ? null : () => retry.mutate(m.id)} />
          ))}
        </ol>
        <form onSubmit={submit} className="border-t border-stone-200 bg-white p-3">
          <div className="mb-2 flex gap-1" role="group" aria-label="Write">
            <button type="button" aria-pressed={kind === 'reply'} onClick={() => setKind('reply')} className={buttonClass(kind === 'reply' ? 'primary' : 'secondary', 'sm')}>
              Reply
            </button>
            <button type="button" aria-pressed={kind === 'note'} onClick={() => setKind('note')} className={buttonClass(kind === 'note' ? 'primary' : 'secondary', 'sm')}>
              Internal note
            </button>
            {canned.data?.items.length ? (
              <select aria-label="Insert a saved reply" value="" onChange={(e) => setText((t) => t + (canned.data!.items.find((r) => r.id === e.target.value)?.body ?? ''))} className={`${inputClass} ml-auto w-auto py-1`}>
                <option value="">Saved replies…</option>
                {canned.data.items.map((r) => (
                  <option key={r.id} value={r.id}>
                    /{r.shortcut}
                  </option>
                ))}
              </select>
            ) : null}
          </div>
          {detail.data.away && kind === 'reply' ? <AwayNotice away={detail.data.away} name={visitor.name} /> : null}
          {wa && kind === 'reply' ? (
            <p className={`mb-2 text-sm ${windowClosed ? 'font-medium text-amber-900' : 'text-stone-600'}`} role="status">
              {windowClosed
                ? "WhatsApp's 24-hour window has closed: only an approved template can be sent until the customer writes again."
                : `WhatsApp window: ${remaining(closesAt!, now)} left for free replies.`}
            </p>
          ) : null}
          {messagingNote && kind === 'reply' ? (
            <p className={`mb-2 text-sm ${messagingNote.closed ? 'font-medium text-amber-900' : 'text-stone-600'}`} role="status">
              {messagingNote.text}
            </p>
          ) : null}
          {useTemplate ? (
            <TemplatePicker templates={wa!.templates} value={template} onChange={setTemplate} pending={send.isPending} />
          ) : (
            <>
              <label htmlFor="inbox-compose" className="sr-only">
                {kind === 'note' ? 'Internal note (the visitor never sees it)' : 'Reply to the visitor'}
              </label>
              <div className="flex gap-2">
                <textarea
                  id="inbox-compose"
                  value={text}
                  onChange={(e) => setText(e.target.value)}
                  maxLength={4000}
                  rows={2}
                  placeholder={kind === 'note' ? 'Internal note — only your team sees it' : 'Write a reply…'}
                  className={`${inputClass} ${kind === 'note' ? 'bg-amber-50' : ''}`}
                />
                <Button type="submit" pending={send.isPending} pendingLabel="Sending…">
                  {kind === 'note' ? 'Add note' : 'Send'}
                </Button>
              </div>
            </>
          )}
          {send.error ? <ErrorAlert className="mt-2">{errorMessage(send.error)}</ErrorAlert> : null}
        </form>
      </section>
      <aside aria-label="Contact" className="hidden min-h-0 overflow-y-auto border-l border-stone-200 bg-white p-4 xl:block">
        {contactPanel}
      </aside>
    </>
  );
}

function MessageItem({ workspaceId, m, media, onRetry }: { workspaceId: string; m: StaffMessage; media: string | null; onRetry: (() => void) | null }) {
  if (m.author === 'system') return <li className="text-center text-sm text-stone-600">{m.body}</li>;
  const mine = m.author === 'staff' || m.author === 'assistant';
  const style = m.author === 'note' ? 'border-amber-300 bg-amber-50' : m.author === 'visitor' ? 'border-stone-200 bg-white' : 'border-sky-200 bg-sky-50';
  return (
    <li className={`max-w-[80%] rounded-lg border p-2 ${style} ${mine || m.author === 'note' ? 'ml-auto' : ''}`}>
      <span className="block text-xs font-semibold text-stone-600">
        {m.author === 'note' && m.meta.closer ? 'Closer suggested' : m.author === 'note' ? `Note · ${m.authorName ?? ''}` : m.author === 'visitor' ? 'Visitor' : (m.authorName ?? 'Assistant')} · {formatDateTime(m.createdAt)}
      </span>
      {m.meta.autoReply ? <span className="block text-xs font-medium text-stone-500">Automatic reply</span> : null}
      {media && m.meta.media?.mimeType.startsWith('image/') ? (
        <a href={media} target="_blank" rel="noreferrer" className="mb-1 block">
          <img src={media} alt={m.meta.media.caption ?? 'Photo from the customer'} loading="lazy" className="max-h-48 rounded" />
        </a>
      ) : media ? (
        <a href={media} target="_blank" rel="noreferrer" className="block text-sm text-sky-800 underline">
          Open {m.meta.media?.kind ?? 'attachment'}
        </a>
      ) : null}
      {m.meta.template ? <span className="block text-xs font-medium text-stone-500">Template · {m.meta.template.name}</span> : null}
      <span className="whitespace-pre-wrap text-stone-900">{m.body}</span>
      <DeliveryStatus m={m} onRetry={onRetry} />
      <EmailedNote m={m} />
      {m.meta.closer?.proposals.some((p) => p.status === 'pending') ? (
        <Link to="/w/$workspaceId/approvals" params={{ workspaceId }} className="mt-1 block text-sm font-medium text-sky-800 underline">
          Review in Approvals
        </Link>
      ) : null}
      {m.sources.length ? <span className="mt-1 block text-xs text-stone-600">Sources: {m.sources.map((s) => s.title).join(', ')}</span> : null}
    </li>
  );
}

/** The contact's CRM card beside the conversation (CONV-4), or what the visitor told so far. */
function ContactCard({ workspaceId, detail }: { workspaceId: string; detail: ConversationDetail }) {
  const contactId = detail.conversation.contactId;
  const contact = useQuery({
    queryKey: ['contact-card', workspaceId, contactId],
    queryFn: () => api.get<{ id: string; firstName: string | null; lastName: string | null; email: string | null; lifecycle: string; source: string | null; consentState: string }>(`/api/workspaces/${workspaceId}/contacts/${contactId}`),
    enabled: !!contactId,
  });
  const v = detail.visitor;
  return (
    <div>
      <h2 className="font-semibold text-stone-900">Contact</h2>
      {contact.data ? (
        <dl className="mt-2 space-y-1 text-sm">
          <dt className="sr-only">Name</dt>
          <dd>
            <Link to={`/w/${workspaceId}/contacts/${contact.data.id}` as '/'} className="font-medium text-sky-800 underline">
              {[contact.data.firstName, contact.data.lastName].filter(Boolean).join(' ') || contact.data.email}
            </Link>
          </dd>
          <dt className="text-stone-500">Email</dt>
          <dd>{contact.data.email}</dd>
          <dt className="text-stone-500">Lifecycle</dt>
          <dd>{lifecycleLabels[contact.data.lifecycle as keyof typeof lifecycleLabels] ?? contact.data.lifecycle}</dd>
          <dt className="text-stone-500">Source</dt>
          <dd>{contact.data.source ?? '—'}</dd>
          <dt className="text-stone-500">Consent</dt>
          <dd>{consentLabels[contact.data.consentState as keyof typeof consentLabels] ?? contact.data.consentState}</dd>
        </dl>
      ) : (
        <p className="mt-2 text-sm text-stone-600">{v.email || v.phone ? [v.name, v.email, v.phone].filter(Boolean).join(' · ') : 'The visitor has not left contact details yet.'}</p>
      )}
      {detail.conversation.channel === 'web' ? (
        <>
          <h3 className="mt-4 text-sm font-semibold text-stone-900">Visit</h3>
          <dl className="mt-1 space-y-1 text-xs text-stone-600">
            <dt className="sr-only">Page</dt>
            <dd className="break-all">{v.pageUrl ?? '—'}</dd>
            <dt className="sr-only">Browser</dt>
            <dd className="break-all">{v.userAgent ?? ''}</dd>
          </dl>
        </>
      ) : null}
    </div>
  );
}

type Template = NonNullable<ConversationDetail['whatsapp']>['templates'][number];

/** CONV-6: outside WhatsApp's window, the approved templates with a field per {{n}} parameter and a preview. */
function TemplatePicker({ templates, value, onChange, pending }: { templates: Template[]; value: TemplateChoice | null; onChange: (t: TemplateChoice | null) => void; pending: boolean }) {
  if (!templates.length) return <p className="text-sm text-stone-700">No approved templates. Add one in WhatsApp Manager, then press "Test connection" in Settings → Channels to sync it.</p>;
  const chosen = value ? templates.find((t) => t.name === value.name && t.language === value.language) : undefined;
  const preview = chosen ? chosen.body.replace(/\{\{(\d+)\}\}/g, (m, n: string) => value!.params[Number(n) - 1] || m) : '';
  return (
    <div className="space-y-2">
      <label className="block text-sm text-stone-700">
        Approved template
        <select
          value={chosen ? `${chosen.name}|${chosen.language}` : ''}
          onChange={(e) => {
            const t = templates.find((x) => `${x.name}|${x.language}` === e.target.value);
            onChange(t ? { name: t.name, language: t.language, params: Array.from({ length: t.paramCount }, () => '') } : null);
          }}
          className={`${inputClass} mt-1`}
        >
          <option value="">Choose a template…</option>
          {templates.map((t) => (
            <option key={`${t.name}|${t.language}`} value={`${t.name}|${t.language}`}>
              {t.name} ({t.language})
            </option>
          ))}
        </select>
      </label>
      {chosen && value
        ? value.params.map((p, i) => (
            <label key={i} className="block text-sm text-stone-700">
              {`Parameter {{${i + 1}}}`}
              <input value={p} maxLength={1000} onChange={(e) => onChange({ ...value, params: value.params.map((x, j) => (j === i ? e.target.value : x)) })} className={`${inputClass} mt-1`} />
            </label>
          ))
        : null}
      {chosen ? <p className="rounded border border-stone-200 bg-stone-50 p-2 text-sm whitespace-pre-wrap text-stone-800" aria-label="Preview">{preview}</p> : null}
      <div className="flex justify-end">
        <Button type="submit" pending={pending} pendingLabel="Sending…" disabled={!chosen || value!.params.some((p) => !p.trim())}>
          Send template
        </Button>
      </div>
    </div>
  );
}
