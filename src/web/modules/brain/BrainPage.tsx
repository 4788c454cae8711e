import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { PageHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { AiNotConnected, useAiReady } from '../ai/AiNotConnected';
import { providerLabels } from '../ai/api';
import { useBrowserKey } from '../ai/browser-key/BrowserKeySettings';
import { NoAiAccess } from '../agents/NoAiAccess';
import { useAiRole } from '../agents/useAgents';
import { exampleQuestions, type BrainStatus } from './api';
import { BrainThread } from './BrainThread';
import { ConversationList } from './ConversationList';
import { QuestionBox } from './QuestionBox';
import { useAsk } from './useAsk';
import { useBrainStatus, useConversation, useConversations, useDeleteConversation } from './useBrain';

/** AI-3: ask questions about the workspace's data; answers cite the records they come from; your history is kept. */
export function BrainPage() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const { c: conversationId } = useSearch({ from: '/w/$workspaceId/brain' });
  const navigate = useNavigate();
  const { role, hasAi } = useAiRole(workspaceId);
  const ai = useAiReady(workspaceId, hasAi);
  const conversations = useConversations(workspaceId, hasAi);
  const browserKey = useBrowserKey();
  const { asking, error, ask, stop, clearError } = useAsk(workspaceId, browserKey, (id, wasNew) => {
    if (wasNew) void navigate({ to: '/w/$workspaceId/brain', params: { workspaceId }, search: { c: id } });
  });
  if (role && !hasAi) return <NoAiAccess />;
  const current = conversations.data?.find((c) => c.id === conversationId);
  const mine = (id: string | null) => id === (conversationId ?? null);
  const thisError = error && mine(error.conversationId) ? error : null;
  // A personal key kept in this browser works whatever the workspace has connected (AI-1).
  const ready = ai.ready || browserKey !== null;
  const notConnected = browserKey === null && (ai.notConnected || isApiError(thisError?.error, 'ai_not_configured'));
  return (
    <div className="max-w-6xl">
      <PageHeading description="Ask about your contacts, companies, deals and their timelines. Every answer links to the records it comes from.">Ask</PageHeading>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[16rem_minmax(0,1fr)]">
        <aside aria-label="Your conversations" className="hidden lg:block">
          <ConversationList workspaceId={workspaceId} currentId={conversationId} />
        </aside>
        <details className="rounded-lg border border-stone-200 bg-white p-3 lg:hidden">
          <summary className="cursor-pointer text-sm font-medium text-stone-800">Your conversations{conversations.data ? ` (${conversations.data.length})` : ''}</summary>
          <div className="mt-3">
            <ConversationList workspaceId={workspaceId} currentId={conversationId} />
          </div>
        </details>
        <section aria-label={current?.title ?? 'New question'} className="min-w-0 space-y-4">
          {notConnected ? <AiNotConnected workspaceId={workspaceId} message={thisError?.error.message} browserKeyWorks /> : null}
          {browserKey ? (
            <p className="text-sm text-stone-600">
              Using your personal {providerLabels[browserKey.kind]} key kept in this browser ({browserKey.model}).{' '}
              <Link to="/w/$workspaceId/settings/ai-browser" params={{ workspaceId }} className="font-medium text-teal-800 underline underline-offset-2 hover:text-teal-950">
                Change it
              </Link>
            </p>
          ) : null}
          {conversationId ? (
            <Conversation workspaceId={workspaceId} conversationId={conversationId} asking={asking && mine(asking.conversationId) ? asking : null} />
          ) : asking && mine(asking.conversationId) ? (
            <BrainThread workspaceId={workspaceId} messages={[]} asking={asking} />
          ) : (
            <Welcome workspaceId={workspaceId} disabled={!ready || asking !== null} onPick={(q) => void ask(null, q)} />
          )}
          {thisError && !['ai_not_configured', 'validation_failed'].includes(thisError.error.code) ? <ErrorAlert title="No answer this time">{thisError.error.message}</ErrorAlert> : null}
          <QuestionBox
            onAsk={(q) => {
              clearError();
              return ask(conversationId ?? null, q);
            }}
            busy={asking !== null}
            disabled={!ready}
            onStop={stop}
            serverError={isApiError(thisError?.error, 'validation_failed') ? thisError?.error.fields.question ?? thisError?.error.message : undefined}
            placeholder={conversationId ? 'Ask a follow-up…' : 'e.g. Which deals in Texas have gone quiet since the demo?'}
          />
        </section>
      </div>
    </div>
  );
}

/** How answers find records, in plain words (the status's own message is for administrators). */
function howAskSearches(s: BrainStatus): string {
  if (s.semanticSearch) return 'Ask finds records by the words in them, by close spellings, and by what they mean (“cafés” finds a coffee shop).';
  const base = 'Ask finds records by the words in them and by close spellings.';
  if (s.index && (s.index.state === 'queued' || s.index.state === 'running')) return `${base} It is learning to find them by meaning too (${s.index.walked.toLocaleString()} of ${s.index.total.toLocaleString()} records so far).`;
  return base;
}

function Welcome({ workspaceId, disabled, onPick }: { workspaceId: string; disabled: boolean; onPick: (question: string) => void }) {
  const status = useBrainStatus(workspaceId);
  return (
    <div className="rounded-lg border border-dashed border-stone-300 bg-white px-4 py-8 text-center sm:px-6">
      <h2 className="font-medium text-stone-800">Ask anything about your workspace</h2>
      <p className="mt-1 text-sm text-stone-600">The answer searches your records and timelines, and cites each record it relies on. Try one of these:</p>
      <ul className="mt-4 flex flex-col items-center gap-2">
        {exampleQuestions.map((q) => (
          <li key={q} className="w-full max-w-md">
            <Button variant="secondary" className="w-full text-left whitespace-normal" disabled={disabled} onClick={() => onPick(q)}>
              {q}
            </Button>
          </li>
        ))}
      </ul>
      {status.data ? <p className="mx-auto mt-4 max-w-md text-xs text-stone-500">{howAskSearches(status.data)}</p> : null}
    </div>
  );
}

function Conversation({ workspaceId, conversationId, asking }: { workspaceId: string; conversationId: string; asking: Parameters<typeof BrainThread>[0]['asking'] }) {
  const conversation = useConversation(workspaceId, conversationId);
  const navigate = useNavigate();
  const remove = useDeleteConversation(workspaceId, () => navigate({ to: '/w/$workspaceId/brain', params: { workspaceId }, search: {} }));
  const [confirm, setConfirm] = useState(false);
  if (conversation.isPending) return <SkeletonList rows={3} label="Loading the conversation…" />;
  if (conversation.isError)
    return <ErrorAlert>{isApiError(conversation.error) && conversation.error.status === 404 ? 'This conversation is not here. It may have been deleted.' : errorMessage(conversation.error)}</ErrorAlert>;
  const c = conversation.data;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <h2 className="min-w-0 text-lg font-semibold break-words text-stone-900">{c.title}</h2>
        {confirm ? (
          <span role="group" aria-label="Confirm deletion" className="flex flex-wrap items-center gap-2 text-sm text-stone-700">
            Delete this conversation?
            <Button
              variant="danger"
              size="sm"
              pending={remove.isPending}
              pendingLabel="Deleting…"
              onClick={() => remove.mutate(c.id)}
            >
              Delete
            </Button>
            <Button variant="ghost" size="sm" onClick={() => setConfirm(false)} autoFocus>
              Keep it
            </Button>
          </span>
        ) : (
          <Button variant="ghost" size="sm" onClick={() => setConfirm(true)} disabled={asking !== null}>
            Delete conversation
          </Button>
        )}
      </div>
      {remove.isError ? <ErrorAlert>{errorMessage(remove.error)}</ErrorAlert> : null}
      <BrainThread workspaceId={workspaceId} messages={c.messages} asking={asking} />
    </div>
  );
}
