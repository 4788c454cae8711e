import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { announce } from '../../ui/Announcer';
import {
  activityKeys,
  createActivity,
  deleteActivity,
  fetchTasks,
  fetchTimeline,
  setTaskDone,
  updateActivity,
  type Activity,
  type CreateActivityInput,
  type RecordType,
  type TasksFilter,
  type UpdateActivityInput,
} from './api';

export const TIMELINE_PAGE = 20;

/** CRM-4: a record's timeline, newest first, a page at a time. */
export function useTimeline(workspaceId: string, recordType: RecordType, recordId: string, kinds: string) {
  return useInfiniteQuery({
    queryKey: activityKeys.timeline(workspaceId, recordType, recordId, kinds),
    queryFn: ({ pageParam }) => fetchTimeline(workspaceId, { recordType, recordId, kinds: kinds || undefined, cursor: pageParam, limit: TIMELINE_PAGE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useTasks(workspaceId: string, filter: TasksFilter) {
  return useInfiniteQuery({
    queryKey: activityKeys.tasks(workspaceId, filter),
    queryFn: ({ pageParam }) => fetchTasks(workspaceId, { ...filter, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

const kindLabel: Record<string, string> = { note: 'Note', call: 'Call', email: 'Email', meeting: 'Meeting', task: 'Task' };

/**
 * Writes refresh every timeline and task list of the workspace: an item shows on several
 * records' timelines (a contact's, its company's, a deal's) and in task lists.
 */
export function useActivityMutations(workspaceId: string) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: activityKeys.all(workspaceId) });
  return {
    create: useMutation({
      mutationFn: (body: CreateActivityInput) => createActivity(workspaceId, body),
      onSuccess: async (a: Activity) => {
        announce(`${kindLabel[a.kind] ?? 'Item'} added to the timeline.`);
        await refresh();
      },
    }),
    update: useMutation({
      mutationFn: ({ id, body }: { id: string; body: UpdateActivityInput }) => updateActivity(workspaceId, id, body),
      onSuccess: async () => {
        announce('Saved.');
        await refresh();
      },
    }),
    remove: useMutation({
      mutationFn: (id: string) => deleteActivity(workspaceId, id),
      onSuccess: async () => {
        announce('Deleted.');
        await refresh();
      },
    }),
    setDone: useMutation({
      mutationFn: ({ id, done }: { id: string; done: boolean }) => setTaskDone(workspaceId, id, done),
      onSuccess: async (a: Activity) => {
        announce(a.completedAt ? 'Task done.' : 'Task reopened.');
        await refresh();
      },
    }),
  };
}
