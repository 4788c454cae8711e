import { useNavigate } from '@tanstack/react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../lib/api';
import { describeUserAgent, formatDateTime, formatRelative } from '../../lib/format';
import { announce } from '../../ui/Announcer';
import { ErrorAlert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { PageHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { useRefreshSession } from '../accounts/useMe';
import { fetchSessions, revokeSession, sessionsQueryKey, type SessionsResponse } from './api';

type Session = SessionsResponse['sessions'][number];

/** AUTH-5: every browser signed in to your account, with a way to sign each one out. */
export function SessionsSettings() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const refresh = useRefreshSession();
  const sessions = useQuery({ queryKey: sessionsQueryKey, queryFn: fetchSessions, staleTime: 0 });
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null);

  const revoke = useMutation({
    mutationFn: (session: Session) => revokeSession(session.id),
    onMutate: () => setRowError(null),
    onSuccess: async (_r, session) => {
      if (session.current) {
        await refresh({ clearOthers: true });
        announce('This device was signed out.');
        await navigate({ to: '/sign-in' });
        return;
      }
      client.setQueryData<SessionsResponse>(sessionsQueryKey, (prev) => (prev ? { sessions: prev.sessions.filter((s) => s.id !== session.id) } : prev));
      announce(`Signed out ${describeUserAgent(session.userAgent)}.`);
    },
    onError: (error, session) => setRowError({ id: session.id, message: errorMessage(error) }),
  });

  const revokeOthers = useMutation({
    mutationFn: async (others: Session[]) => {
      for (const session of others) await revokeSession(session.id);
    },
    onSettled: async () => {
      await client.invalidateQueries({ queryKey: sessionsQueryKey });
      announce('Other devices were signed out.');
    },
  });

  const list = [...(sessions.data?.sessions ?? [])].sort((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt.localeCompare(a.lastSeenAt));
  const others = list.filter((s) => !s.current);

  return (
    <div>
      <PageHeading
        description="Browsers and devices signed in to your account. Sign out any you don’t recognise."
        actions={
          others.length > 1 ? (
            <Button variant="secondary" onClick={() => revokeOthers.mutate(others)} pending={revokeOthers.isPending} pendingLabel="Signing out…">
              Sign out all other devices
            </Button>
          ) : null
        }
      >
        Sessions
      </PageHeading>
      {sessions.isPending ? (
        <SkeletonList label="Loading your sessions…" />
      ) : sessions.isError ? (
        <ErrorAlert>{errorMessage(sessions.error)}</ErrorAlert>
      ) : list.length === 0 ? (
        <EmptyState title="No active sessions">You will see every device you sign in from here.</EmptyState>
      ) : (
        <ul aria-label="Active sessions" className="divide-y divide-stone-200 overflow-hidden rounded-lg border border-stone-200 bg-white">
          {list.map((session) => {
            const device = describeUserAgent(session.userAgent);
            const pending = revoke.isPending && revoke.variables?.id === session.id;
            return (
              <li key={session.id} className="flex flex-wrap items-center gap-x-4 gap-y-2 p-4">
                <DeviceIcon />
                <div className="min-w-0 flex-1">
                  <p className="font-medium text-stone-900">
                    {device}
                    {session.current ? <span className="ml-2 rounded-full bg-teal-100 px-2 py-0.5 text-xs font-medium text-teal-900">This device</span> : null}
                  </p>
                  <p className="text-sm text-stone-600">
                    {session.ip ?? 'Unknown IP address'} · last active <time dateTime={session.lastSeenAt}>{formatRelative(session.lastSeenAt)}</time> · signed in{' '}
                    <time dateTime={session.createdAt}>{formatDateTime(session.createdAt)}</time>
                  </p>
                  {rowError?.id === session.id ? <p className="mt-1 text-sm text-red-700" role="alert">{rowError.message}</p> : null}
                </div>
                <Button
                  variant={session.current ? 'secondary' : 'danger'}
                  size="sm"
                  onClick={() => revoke.mutate(session)}
                  pending={pending}
                  pendingLabel="Signing out…"
                  aria-label={session.current ? 'Sign out this device' : `Sign out ${device}, last active ${formatRelative(session.lastSeenAt)}`}
                >
                  {session.current ? 'Sign out this device' : 'Revoke'}
                </Button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

function DeviceIcon() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" className="size-8 shrink-0 text-stone-400" fill="none" stroke="currentColor" strokeWidth="1.5">
      <rect x="3" y="4" width="18" height="12" rx="2" />
      <path d="M8 20h8M12 16v4" strokeLinecap="round" />
    </svg>
  );
}
