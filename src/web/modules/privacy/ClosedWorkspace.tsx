import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { Button, buttonClass } from '../../ui/Button';
import { fetchClosure, reopenWorkspace } from './api';

export const longDate = (iso: string) => new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' });

/** PRIV-3: what members see while the workspace is closed; owners can reopen it until the purge. */
export function ClosedWorkspace({ workspaceId, isOwner }: { workspaceId: string; isOwner: boolean }) {
  const client = useQueryClient();
  const closure = useQuery({ queryKey: ['closure', workspaceId], queryFn: () => fetchClosure(workspaceId) });
  const reopen = useMutation({
    mutationFn: () => reopenWorkspace(workspaceId),
    onSuccess: async () => {
      await client.invalidateQueries();
    },
  });
  return (
    <div className="max-w-xl space-y-4">
      <h1 tabIndex={-1} data-page-heading="" className="text-2xl font-semibold text-stone-900 focus:outline-none">
        This workspace is closed
      </h1>
      {closure.isPending ? (
        <p className="text-sm text-stone-600" role="status">
          Loading…
        </p>
      ) : closure.data?.purgeAfter ? (
        <p className="text-stone-700">
          It will be deleted for good on <strong>{longDate(closure.data.purgeAfter)}</strong>: every contact, conversation, deal and file in it.{' '}
          {isOwner ? 'Until then you can reopen it and everything will be as it was.' : 'Until then an owner can reopen it.'}
        </p>
      ) : null}
      {closure.data?.kept.length ? <p className="text-sm text-stone-600">Kept after that, as the law requires: {closure.data.kept.join(' ')}</p> : null}
      {reopen.error ? <ErrorAlert>{errorMessage(reopen.error)}</ErrorAlert> : null}
      <div className="flex flex-wrap gap-3">
        {isOwner ? (
          <Button onClick={() => reopen.mutate()} pending={reopen.isPending} pendingLabel="Reopening…">
            Reopen the workspace
          </Button>
        ) : null}
        <Link to="/" className={buttonClass('secondary')}>
          Go to your workspaces
        </Link>
      </div>
    </div>
  );
}
