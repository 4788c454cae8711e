import { useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState, type Ref } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { inputClass } from '../../ui/Field';
import { SkeletonList } from '../../ui/Skeleton';
import { Tabs } from '../../ui/Tabs';
import { useMe } from '../accounts/useMe';
import { fetchMembers, workspaceKeys } from '../workspaces/api';
import { isManager, useWorkspace } from '../workspaces/useWorkspaces';
import { ActivityForm } from './ActivityForm';
import { kindLabels } from './ActivityIcon';
import { ActivityItem } from './ActivityItem';
import type { ComposableKind, RecordType } from './api';
import { useActivityMutations, useTimeline } from './useActivities';

export type TimelineRecordType = RecordType;

export interface TimelineProps {
  workspaceId: string;
  recordType: RecordType;
  recordId: string;
  /** The composer's tab, when the page drives it (the record header's quick actions). */
  kind?: ComposableKind;
  onKindChange?: (kind: ComposableKind) => void;
  composerRef?: Ref<HTMLDivElement>;
}

const composerTabs: { key: ComposableKind; label: string }[] = [
  { key: 'note', label: 'Note' },
  { key: 'call', label: 'Call' },
  { key: 'email', label: 'Email' },
  { key: 'meeting', label: 'Meeting' },
  { key: 'task', label: 'Task' },
];

const filters = [
  { value: '', label: 'Everything' },
  { value: 'note', label: 'Notes' },
  { value: 'call', label: 'Calls' },
  { value: 'email', label: 'Emails' },
  { value: 'meeting', label: 'Meetings' },
  { value: 'task', label: 'Tasks' },
  { value: 'chat,whatsapp', label: 'Messages' },
];

/**
 * CRM-4: a record's timeline — every note, call, email, meeting and task on this contact,
 * company or deal (including items logged on a related record), newest first, with a composer
 * to add one. Clients of the workspace do not see timelines.
 */
export function Timeline({ workspaceId, recordType, recordId, kind: kindProp, onKindChange, composerRef }: TimelineProps) {
  const headingId = useId();
  const [ownKind, setOwnKind] = useState<ComposableKind>('note');
  const kind = kindProp ?? ownKind;
  const setKind = onKindChange ?? setOwnKind;
  const [filter, setFilter] = useState('');
  const me = useMe();
  const workspace = useWorkspace(workspaceId);
  const role = workspace.data?.role;
  const isClient = role === 'client';
  const meId = me.data?.user?.id ?? null;
  const members = useQuery({ queryKey: workspaceKeys.members(workspaceId), queryFn: () => fetchMembers(workspaceId), enabled: !!role && !isClient, staleTime: 60_000 });
  const timeline = useTimeline(workspaceId, recordType, recordId, filter);
  const { create } = useActivityMutations(workspaceId);
  const items = useMemo(() => timeline.data?.pages.flatMap((p) => p.items) ?? [], [timeline.data]);
  const memberList = members.data?.members ?? [];
  const filterId = `${headingId}-filter`;

  if (isClient || (isApiError(timeline.error) && timeline.error.status === 403)) {
    return (
      <section aria-labelledby={headingId}>
        <h2 id={headingId} className="mb-3 text-lg font-semibold text-stone-900">
          Timeline
        </h2>
        <EmptyState title="The timeline is for the team">Notes, calls and tasks on this record are visible to team members only.</EmptyState>
      </section>
    );
  }

  return (
    <section aria-labelledby={headingId} className="space-y-4">
      <h2 id={headingId} className="text-lg font-semibold text-stone-900">
        Timeline
      </h2>

      <div ref={composerRef} className="rounded-lg border border-stone-200 bg-white p-2 sm:p-4">
        <Tabs tabs={composerTabs} selected={kind} onSelect={setKind} label="Add to the timeline">
          <ActivityForm
            key={kind}
            kind={kind}
            links={[{ recordType, recordId }]}
            members={memberList}
            meId={meId}
            pending={create.isPending}
            onCreate={(body) => create.mutateAsync(body)}
          />
        </Tabs>
      </div>

      <div className="flex flex-wrap items-center justify-between gap-2">
        <label htmlFor={filterId} className="text-sm font-medium text-stone-700">
          Show
        </label>
        <select id={filterId} className={`${inputClass} w-auto`} value={filter} onChange={(e) => setFilter(e.target.value)}>
          {filters.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
      </div>

      {timeline.isPending ? (
        <SkeletonList rows={3} label="Loading the timeline…" />
      ) : timeline.isError && !items.length ? (
        <ErrorAlert title={isApiError(timeline.error) && timeline.error.status === 404 ? 'This record is not available.' : 'The timeline could not be loaded.'}>
          {errorMessage(timeline.error)}{' '}
          <button type="button" className="font-medium underline" onClick={() => void timeline.refetch()}>
            Try again
          </button>
        </ErrorAlert>
      ) : !items.length ? (
        <EmptyState title={filter ? `No ${filters.find((f) => f.value === filter)?.label.toLowerCase() ?? 'items'} yet` : 'Nothing on the timeline yet'}>
          {filter ? 'Choose “Everything” to see all items.' : 'Add a note, log a call, email or meeting, or create a task above.'}
        </EmptyState>
      ) : (
        <>
          <ol className="space-y-3" aria-label={`Timeline, newest first${filter ? `, ${filters.find((f) => f.value === filter)?.label ?? ''}` : ''}`}>
            {items.map((a) => (
              <li key={a.id}>
                <ActivityItem workspaceId={workspaceId} activity={a} meId={meId} canManage={isManager(role)} members={memberList} hideRecord={{ recordType, recordId }} />
              </li>
            ))}
          </ol>
          {timeline.isFetchNextPageError ? <ErrorAlert>{errorMessage(timeline.error)}</ErrorAlert> : null}
          {timeline.hasNextPage ? (
            <div className="flex justify-center">
              <Button variant="secondary" pending={timeline.isFetchingNextPage} pendingLabel="Loading…" onClick={() => void timeline.fetchNextPage()}>
                Load more
              </Button>
            </div>
          ) : items.length > 5 ? (
            <p className="text-center text-xs text-stone-500">That is everything{filter ? ` (${kindLabels[filter as ComposableKind]?.toLowerCase() ?? 'filtered'})` : ''}.</p>
          ) : null}
        </>
      )}
    </section>
  );
}
