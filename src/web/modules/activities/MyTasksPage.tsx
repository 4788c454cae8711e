import { useQuery } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { ErrorAlert, InfoNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { SelectField } from '../../ui/Field';
import { PageHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { useMe } from '../accounts/useMe';
import { fetchMembers, workspaceKeys } from '../workspaces/api';
import { isManager, useWorkspace } from '../workspaces/useWorkspaces';
import { ActivityItem } from './ActivityItem';
import type { TasksFilter } from './api';
import { useTasks } from './useActivities';

type Due = '' | 'overdue' | 'today' | 'upcoming' | 'none';
type Status = 'open' | 'completed' | 'all';

const dueOptions: { value: Due; label: string }[] = [
  { value: '', label: 'Any time' },
  { value: 'overdue', label: 'Overdue' },
  { value: 'today', label: 'Due today' },
  { value: 'upcoming', label: 'Upcoming' },
  { value: 'none', label: 'No due date' },
];

/** CRM-4: the tasks given to me (or anyone), soonest due first, ticked off in place. */
export function MyTasksPage() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const workspace = useWorkspace(workspaceId);
  const role = workspace.data?.role;
  const me = useMe();
  const meId = me.data?.user?.id ?? null;
  const [assignee, setAssignee] = useState<'me' | 'anyone'>('me');
  const [status, setStatus] = useState<Status>('open');
  const [due, setDue] = useState<Due>('');
  const filter: TasksFilter = { assignee, status, ...(due ? { due } : {}) };
  const allowed = role !== 'client';
  const tasks = useTasks(workspaceId, filter);
  const members = useQuery({ queryKey: workspaceKeys.members(workspaceId), queryFn: () => fetchMembers(workspaceId), enabled: !!role && allowed, staleTime: 60_000 });
  const items = useMemo(() => tasks.data?.pages.flatMap((p) => p.items) ?? [], [tasks.data]);

  if (!allowed || (isApiError(tasks.error) && tasks.error.status === 403)) {
    return (
      <div>
        <PageHeading>Tasks</PageHeading>
        <InfoNote>Tasks are for the team of this workspace. Ask an owner if you need access.</InfoNote>
      </div>
    );
  }

  return (
    <div>
      <PageHeading description="Follow-ups from every contact, company and deal timeline, soonest due first.">Tasks</PageHeading>
      <div role="group" aria-label="Filter tasks" className="mb-4 grid gap-3 sm:grid-cols-3">
        <SelectField
          label="Whose"
          value={assignee}
          onChange={(e) => setAssignee(e.target.value as 'me' | 'anyone')}
          options={[
            { value: 'me', label: 'Mine' },
            { value: 'anyone', label: 'Everyone’s' },
          ]}
        />
        <SelectField
          label="State"
          value={status}
          onChange={(e) => setStatus(e.target.value as Status)}
          options={[
            { value: 'open', label: 'Open' },
            { value: 'completed', label: 'Done' },
            { value: 'all', label: 'All' },
          ]}
        />
        <SelectField label="Due" value={due} onChange={(e) => setDue(e.target.value as Due)} options={dueOptions} />
      </div>

      {tasks.isPending ? (
        <SkeletonList rows={4} label="Loading tasks…" />
      ) : tasks.isError && !items.length ? (
        <ErrorAlert title="Tasks could not be loaded.">
          {errorMessage(tasks.error)}{' '}
          <button type="button" className="font-medium underline" onClick={() => void tasks.refetch()}>
            Try again
          </button>
        </ErrorAlert>
      ) : !items.length ? (
        <EmptyState title={status === 'open' ? 'No open tasks here' : 'No tasks here'}>
          {status === 'open' && assignee === 'me' && !due ? 'You are all caught up. Add tasks from a contact, company or deal timeline.' : 'Try other filters.'}
        </EmptyState>
      ) : (
        <>
          <ul className="space-y-3" aria-label="Tasks">
            {items.map((a) => (
              <li key={a.id}>
                <ActivityItem workspaceId={workspaceId} activity={a} meId={meId} canManage={isManager(role)} members={members.data?.members ?? []} />
              </li>
            ))}
          </ul>
          {tasks.hasNextPage ? (
            <div className="mt-4 flex justify-center">
              <Button variant="secondary" pending={tasks.isFetchingNextPage} pendingLabel="Loading…" onClick={() => void tasks.fetchNextPage()}>
                Load more
              </Button>
            </div>
          ) : null}
        </>
      )}
    </div>
  );
}
