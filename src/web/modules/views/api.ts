import type { z } from 'zod';
import type { RecordType } from '../../../server/modules/crm/crm.contract';
import type {
  createSavedViewBody,
  GroupCounts,
  SavedView,
  SearchResult,
  updateSavedViewBody,
  ViewDefinition,
  ViewField,
  ViewPage,
} from '../../../server/modules/views/views.contract';
import { ApiError, api } from '../../lib/api';

export type { FilterCondition, FilterGroup, FilterOp, GroupCounts, SavedView, SearchResult, ViewDefinition, ViewField, ViewPage, ViewRow } from '../../../server/modules/views/views.contract';
export type { RecordType };

const ws = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}`;

export const fetchViewFields = (workspaceId: string, object: RecordType) =>
  api.get<{ object: RecordType; fields: ViewField[] }>(`${ws(workspaceId)}/views/fields`, { query: { object } });

export const queryView = (workspaceId: string, view: ViewDefinition, cursor: string | undefined, limit = 50, signal?: AbortSignal) =>
  api.post<ViewPage>(`${ws(workspaceId)}/views/query`, { view, ...(cursor ? { cursor } : {}), limit, withTotal: !cursor }, signal ? { signal } : {});

export const fetchGroupCounts = (workspaceId: string, view: ViewDefinition & { groupBy: string }) => api.post<GroupCounts>(`${ws(workspaceId)}/views/groups`, { view });

export const fetchSavedViews = (workspaceId: string, object: RecordType) => api.get<{ views: SavedView[] }>(`${ws(workspaceId)}/views`, { query: { object } });
export const createSavedView = (workspaceId: string, body: z.input<typeof createSavedViewBody>) => api.post<SavedView>(`${ws(workspaceId)}/views`, body);
export const updateSavedView = (workspaceId: string, id: string, body: z.input<typeof updateSavedViewBody>) => api.patch<SavedView>(`${ws(workspaceId)}/views/${encodeURIComponent(id)}`, body);
export const deleteSavedView = (workspaceId: string, id: string) => api.delete(`${ws(workspaceId)}/views/${encodeURIComponent(id)}`);

export const searchRecords = (workspaceId: string, q: string, signal?: AbortSignal) =>
  api.get<{ results: SearchResult[] }>(`${ws(workspaceId)}/search`, { query: { q, limit: 20 }, ...(signal ? { signal } : {}) });

/** A saved view exports through a plain link: the browser streams it to disk. */
export const exportLink = (workspaceId: string, format: 'csv' | 'json', target: { viewId: string } | { object: RecordType }) =>
  `${ws(workspaceId)}/export?${new URLSearchParams({ format, ...target }).toString()}`;

/**
 * The view on screen (maybe unsaved) goes as a POST; the CSRF header rules out a plain form, so
 * the file is collected here and handed to the browser as a download.
 */
export async function downloadExport(workspaceId: string, format: 'csv' | 'json', view: ViewDefinition, csrfToken: string | null): Promise<void> {
  const response = await fetch(`${ws(workspaceId)}/export`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}) },
    body: JSON.stringify({ format, view }),
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { code: string; message: string; details?: Record<string, unknown> } } | null;
    throw new ApiError(response.status, body?.error?.code ?? `http_${response.status}`, body?.error?.message ?? 'The export could not be made. Try again.', body?.error?.details ?? {});
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `${view.object}.${format}`;
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
