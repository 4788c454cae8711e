import type { z } from 'zod';
import type { createActivityBody, tasksQuery, updateActivityBody } from '../../../server/modules/activities/activities.contract';
import type { Activity, ActivityPage } from '../../../server/modules/activities/activities.contract';
import { api } from '../../lib/api';

export type { Activity, ActivityKind, ActivityPage, CallOutcome, ComposableKind, LinkedRecord, RecordLink } from '../../../server/modules/activities/activities.contract';
export { callOutcomes, composableKinds } from '../../../server/modules/activities/activities.contract';
export type RecordType = 'contacts' | 'companies' | 'deals';
export type CreateActivityInput = z.input<typeof createActivityBody>;
export type UpdateActivityInput = z.input<typeof updateActivityBody>;
export type TasksFilter = Partial<Omit<z.input<typeof tasksQuery>, 'limit'>> & { limit?: number };

const ws = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}`;

export const activityKeys = {
  all: (workspaceId: string) => ['activities', workspaceId] as const,
  timeline: (workspaceId: string, recordType: RecordType, recordId: string, kinds: string) => ['activities', workspaceId, 'timeline', recordType, recordId, kinds] as const,
  tasks: (workspaceId: string, filter: TasksFilter) => ['activities', workspaceId, 'tasks', filter] as const,
};

export const fetchTimeline = (workspaceId: string, q: { recordType: RecordType; recordId: string; kinds?: string; cursor?: string; limit?: number }) =>
  api.get<ActivityPage>(`${ws(workspaceId)}/timeline`, { query: q });

export const fetchTasks = (workspaceId: string, filter: TasksFilter & { cursor?: string }) => api.get<ActivityPage>(`${ws(workspaceId)}/tasks`, { query: filter });

export const createActivity = (workspaceId: string, body: CreateActivityInput) => api.post<Activity>(`${ws(workspaceId)}/activities`, body);

export const updateActivity = (workspaceId: string, id: string, body: UpdateActivityInput) => api.patch<Activity>(`${ws(workspaceId)}/activities/${encodeURIComponent(id)}`, body);

export const deleteActivity = (workspaceId: string, id: string) => api.delete(`${ws(workspaceId)}/activities/${encodeURIComponent(id)}`);

export const setTaskDone = (workspaceId: string, id: string, done: boolean) =>
  api.post<Activity>(`${ws(workspaceId)}/activities/${encodeURIComponent(id)}/${done ? 'complete' : 'reopen'}`, {});
