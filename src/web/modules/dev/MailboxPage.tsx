import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { formatDateTime, formatRelative } from '../../lib/format';
import { ErrorAlert, InfoNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { Logo } from '../../ui/Logo';
import { PageHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { linkClass } from '../../ui/links';
import { Tabs } from '../../ui/Tabs';
import { fetchMailbox, type DevMessage } from './api';
import { EmailHtml } from './EmailHtml';

/** Outside production: every email the server sent, to read sign-in codes and links without a real inbox. */
export function MailboxPage() {
  const mailbox = useQuery({ queryKey: ['dev-mailbox'], queryFn: fetchMailbox, retry: false, refetchInterval: (q) => (q.state.status === 'error' ? false : 5000), staleTime: 0, meta: { signInOptional: true } });
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const messages = [...(mailbox.data?.messages ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const selected = messages.find((m) => m.id === selectedId) ?? null;
  const notAvailable = isApiError(mailbox.error) && mailbox.error.status === 404;
  // SEC-1: only the instance's operator reads it (every sign-in code and reset link is in it).
  const signInNeeded = isApiError(mailbox.error) && mailbox.error.status === 401 && mailbox.error.code !== 'second_factor_required';

  return (
    <div className="min-h-dvh bg-stone-50">
      <header className="flex items-center gap-3 border-b border-stone-200 bg-white px-4 py-3 sm:px-8">
        <Logo />
        <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900">Development</span>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-4 py-6 sm:px-8">
        <PageHeading
          description="Copies of the emails this server sent. Only available outside production."
          actions={
            notAvailable || signInNeeded ? null : (
              <Button variant="secondary" onClick={() => mailbox.refetch()} pending={mailbox.isFetching && !mailbox.isPending} pendingLabel="Refreshing…">
                Refresh
              </Button>
            )
          }
        >
          Development mailbox
        </PageHeading>

        {mailbox.isPending ? (
          <SkeletonList label="Loading messages…" />
        ) : notAvailable ? (
          <InfoNote>The development mailbox is not available on this server. It is switched off in production, where emails go to real inboxes.</InfoNote>
        ) : signInNeeded ? (
          <InfoNote>
            The development mailbox holds sign-in codes and reset links, so only the operator of this Kestrel may read it.{' '}
            <a href="/sign-in?redirect=%2Fdev%2Fmailbox" className={linkClass}>
              Sign in
            </a>{' '}
            with the demo login printed when the server started, or as a user made operator with <code>kestrel user operator</code>.
          </InfoNote>
        ) : mailbox.isError ? (
          <ErrorAlert>{errorMessage(mailbox.error)}</ErrorAlert>
        ) : (
          <>
            {!mailbox.data.enabled ? (
              <InfoNote className="mb-4">This server also sends these emails through a real mail service; what you see here are the copies it kept.</InfoNote>
            ) : null}
            {messages.length === 0 ? (
              <EmptyState title="No emails yet">Sign up or ask for a sign-in code and the email will appear here within a few seconds.</EmptyState>
            ) : (
              <div className="grid gap-4 lg:grid-cols-[22rem_1fr]">
                <ul aria-label="Messages" className="max-h-[70vh] divide-y divide-stone-200 overflow-y-auto rounded-lg border border-stone-200 bg-white">
                  {messages.map((message) => (
                    <li key={message.id}>
                      <button
                        type="button"
                        aria-current={message.id === selectedId ? 'true' : undefined}
                        onClick={() => setSelectedId(message.id)}
                        className="block w-full px-4 py-3 text-left hover:bg-stone-50 aria-[current=true]:bg-teal-50"
                      >
                        <span className="block truncate text-sm font-medium text-stone-900">{message.subject}</span>
                        <span className="block truncate text-xs text-stone-600">
                          To {message.to} · {formatRelative(message.createdAt)}
                          {message.status !== 'sent' ? ` · ${message.status}` : ''}
                        </span>
                      </button>
                    </li>
                  ))}
                </ul>
                <section aria-label="Reading pane" className="min-w-0 rounded-lg border border-stone-200 bg-white p-4 sm:p-6">
                  {selected ? <MessageView key={selected.id} message={selected} /> : <p className="text-sm text-stone-600">Choose a message to read it.</p>}
                </section>
              </div>
            )}
          </>
        )}
      </main>
    </div>
  );
}

function MessageView({ message }: { message: DevMessage }) {
  const [view, setView] = useState<'html' | 'text'>(message.html ? 'html' : 'text');
  const [heading, setHeading] = useState<HTMLHeadingElement | null>(null);
  useEffect(() => heading?.focus(), [heading]);
  return (
    <article>
      <h2 ref={setHeading} tabIndex={-1} className="text-lg font-semibold text-stone-900 focus:outline-none">
        {message.subject}
      </h2>
      <p className="mt-1 text-sm text-stone-600">
        To {message.to} · {formatDateTime(message.createdAt)} · {message.status}
      </p>
      <div className="mt-4">
        {message.html ? (
          <Tabs
            label="Message format"
            tabs={[
              { key: 'html', label: 'HTML' },
              { key: 'text', label: 'Plain text' },
            ]}
            selected={view}
            onSelect={setView}
          >
            {view === 'html' ? <EmailHtml html={message.html} /> : <TextBody text={message.text} />}
          </Tabs>
        ) : (
          <TextBody text={message.text} />
        )}
      </div>
    </article>
  );
}


function TextBody({ text }: { text: string | null }) {
  if (!text) return <p className="text-sm text-stone-600">This email has no plain-text version.</p>;
  return <pre className="overflow-x-auto rounded-md bg-stone-50 p-4 font-mono text-sm whitespace-pre-wrap text-stone-800">{linkify(text)}</pre>;
}

/** Makes the links in a plain-text email clickable (sign-in and invitation links). */
function linkify(text: string) {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  return parts.map((part, i) =>
    /^https?:\/\//.test(part) ? (
      <a key={i} href={part} className="text-teal-700 underline">
        {part}
      </a>
    ) : (
      part
    ),
  );
}
