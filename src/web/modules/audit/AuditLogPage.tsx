import { useParams } from '@tanstack/react-router';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { describeUserAgent, formatDateTime } from '../../lib/format';
import { ErrorAlert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { inputClass } from '../../ui/Field';
import { PageHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { Forbidden } from '../settings/Forbidden';
import { isManager, useWorkspace } from '../workspaces/useWorkspaces';
import { fetchAuditPage, type AuditEntry } from './api';

const PAGE_SIZE = 50;

/** WS-4: who did what, when and from where, newest first. Owners and admins only. */
export function AuditLogPage() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const workspace = useWorkspace(workspaceId);
  const [draft, setDraft] = useState('');
  const [action, setAction] = useState('');
  const allowed = workspace.data ? isManager(workspace.data.role) : true;

  const log = useInfiniteQuery({
    queryKey: ['audit', workspaceId, action],
    queryFn: ({ pageParam }) => fetchAuditPage(workspaceId, { limit: PAGE_SIZE, before: pageParam, action: action || undefined }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    enabled: allowed,
    staleTime: 0,
  });

  const entries = useMemo(() => log.data?.pages.flatMap((p) => p.entries) ?? [], [log.data]);
  const [knownActions, setKnownActions] = useState<string[]>([]);
  const seen = useMemo(() => [...new Set([...knownActions, ...entries.map((e) => e.action)])].sort(), [knownActions, entries]);
  if (seen.length !== knownActions.length) setKnownActions(seen);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAction(draft.trim());
  };
  const forbidden = !allowed || (isApiError(log.error) && log.error.status === 403);

  return (
    <div>
      <PageHeading description="Security- and data-relevant actions in this workspace: sign-ins, invitations, role changes and settings.">Audit log</PageHeading>
      {forbidden ? (
        <Forbidden what="the audit log" />
      ) : (
        <>
          <form onSubmit={submit} role="search" aria-label="Filter the audit log" className="mb-4 flex flex-wrap items-end gap-2">
            <div className="min-w-0 flex-1 sm:max-w-xs">
              <label htmlFor="audit-action" className="mb-1 block text-sm font-medium text-stone-800">
                Filter by action
              </label>
              <input
                id="audit-action"
                list="audit-actions"
                className={inputClass}
                placeholder="e.g. auth.sign_in"
                value={draft}
                onChange={(e) => setDraft(e.target.value)}
                autoComplete="off"
              />
              <datalist id="audit-actions">
                {seen.map((a) => (
                  <option key={a} value={a} />
                ))}
              </datalist>
            </div>
            <Button type="submit" variant="secondary">
              Filter
            </Button>
            {action ? (
              <Button
                variant="ghost"
                onClick={() => {
                  setDraft('');
                  setAction('');
                }}
              >
                Show all
              </Button>
            ) : null}
          </form>

          {log.isPending ? (
            <SkeletonList rows={4} label="Loading the audit log…" />
          ) : log.isError && entries.length === 0 ? (
            <ErrorAlert>{errorMessage(log.error)}</ErrorAlert>
          ) : entries.length === 0 ? (
            <EmptyState title={action ? `No entries for “${action}”` : 'Nothing recorded yet'}>
              {action ? 'Try another action, or show all entries.' : 'Sign-ins, invitations and changes to settings will appear here.'}
            </EmptyState>
          ) : (
            <>
              <div className="relative overflow-x-auto rounded-lg border border-stone-200 bg-white">
                <table className="w-full min-w-[40rem] text-left text-sm">
                  <caption className="sr-only">Audit log entries{action ? ` for ${action}` : ''}, newest first</caption>
                  <thead className="bg-stone-50 text-xs tracking-wide text-stone-600 uppercase">
                    <tr>
                      <th scope="col" className="px-4 py-3 font-medium">When</th>
                      <th scope="col" className="px-4 py-3 font-medium">Who</th>
                      <th scope="col" className="px-4 py-3 font-medium">Action</th>
                      <th scope="col" className="px-4 py-3 font-medium">Target</th>
                      <th scope="col" className="px-4 py-3 font-medium">From</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-stone-100">
                    {entries.map((entry) => (
                      <AuditRow key={entry.id} entry={entry} />
                    ))}
                  </tbody>
                </table>
              </div>
              <div className="mt-4 flex items-center gap-3" aria-live="polite">
                {log.hasNextPage ? (
                  <Button variant="secondary" onClick={() => log.fetchNextPage()} pending={log.isFetchingNextPage} pendingLabel="Loading…">
                    Load more
                  </Button>
                ) : (
                  <p className="text-sm text-stone-500">
                    {entries.length} {entries.length === 1 ? 'entry' : 'entries'} · that’s everything
                  </p>
                )}
                {log.isFetchNextPageError ? (
                  <p role="alert" className="text-sm text-red-700">
                    {errorMessage(log.error)}
                  </p>
                ) : null}
              </div>
            </>
          )}
        </>
      )}
    </div>
  );
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  return (
    <tr className="align-top">
      <td className="px-4 py-3 whitespace-nowrap text-stone-700">
        <time dateTime={entry.createdAt}>{formatDateTime(entry.createdAt)}</time>
      </td>
      <td className="px-4 py-3 text-stone-900">{entry.actorLabel ?? (entry.actorUserId ? 'A former member' : 'System')}</td>
      <td className="px-4 py-3">
        <code className="rounded bg-stone-100 px-1.5 py-0.5 font-mono text-xs text-stone-800">{entry.action}</code>
        {Object.keys(entry.details).length > 0 ? <Details details={entry.details} /> : null}
      </td>
      <td className="px-4 py-3 text-stone-700">{entry.targetType ? `${entry.targetType}${entry.targetId ? ` ${shortId(entry.targetId)}` : ''}` : '—'}</td>
      <td className="px-4 py-3 text-stone-700">
        {entry.ip ?? '—'}
        {entry.userAgent ? <span className="block text-xs text-stone-500">{describeUserAgent(entry.userAgent)}</span> : null}
      </td>
    </tr>
  );
}

function Details({ details }: { details: Record<string, unknown> }) {
  return (
    <dl className="mt-1 text-xs text-stone-600">
      {Object.entries(details).map(([key, value]) => (
        <div key={key} className="flex gap-1">
          <dt className="font-medium">{key}:</dt>
          <dd className="break-all">{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

const shortId = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id);
