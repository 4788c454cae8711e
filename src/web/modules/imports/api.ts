import type { QueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { Import, ImportMapping, ImportObject, ImportPreview, importOptionsSchema } from '../../../server/modules/imports/imports.contract';
import { api, ApiError } from '../../lib/api';
import { queryClient } from '../../lib/queryClient';
import { meQuery } from '../accounts/useMe';

export type { Import, ImportMapping, ImportObject, ImportPreview, ImportTarget, PreviewRow } from '../../../server/modules/imports/imports.contract';
export type ImportOptions = z.input<typeof importOptionsSchema>;

/** The largest file the server accepts by default (IMPORT_MAX_BYTES); checked here first to save a long upload. */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

const base = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}/imports`;

export const importKeys = {
  list: (workspaceId: string) => ['imports', workspaceId] as const,
  one: (workspaceId: string, id: string) => ['imports', workspaceId, id] as const,
};

/**
 * After an import ends or is undone every count and list of records is out of date: record
 * lists and the home summary (crm keys), tables and their group counts (views), tags it made.
 */
export function refreshRecords(client: QueryClient, workspaceId: string): Promise<unknown> {
  return Promise.all([
    client.invalidateQueries({ queryKey: ['crm', workspaceId] }),
    client.invalidateQueries({ queryKey: ['view-rows', workspaceId] }),
    client.invalidateQueries({ queryKey: ['view-groups', workspaceId] }),
  ]);
}

export const fetchImports = (workspaceId: string) => api.get<{ items: Import[] }>(base(workspaceId)).then((r) => r.items);
export const fetchImport = (workspaceId: string, id: string) => api.get<Import>(`${base(workspaceId)}/${encodeURIComponent(id)}`);
export const previewImport = (workspaceId: string, id: string, body: { object: ImportObject; mapping?: ImportMapping; options?: ImportOptions }) =>
  api.post<ImportPreview>(`${base(workspaceId)}/${encodeURIComponent(id)}/preview`, body);
export const startImport = (workspaceId: string, id: string, body: { object: ImportObject; mapping: ImportMapping; options: ImportOptions }) =>
  api.post<Import>(`${base(workspaceId)}/${encodeURIComponent(id)}/start`, body);
export const undoImport = (workspaceId: string, id: string) => api.post<Import>(`${base(workspaceId)}/${encodeURIComponent(id)}/undo`);
export const discardImport = (workspaceId: string, id: string) => api.delete(`${base(workspaceId)}/${encodeURIComponent(id)}`);
export const reportUrl = (workspaceId: string, id: string) => `${base(workspaceId)}/${encodeURIComponent(id)}/report.csv`;

/**
 * Sends the file itself as the request body (the server streams it to disk), reporting upload
 * progress. XMLHttpRequest rather than fetch: fetch cannot tell how much has been sent.
 */
export function uploadImport(workspaceId: string, file: File, object: ImportObject, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<Import> {
  return uploadFileBody<Import>(`${base(workspaceId)}?${new URLSearchParams({ fileName: file.name, object })}`, file, onProgress, signal);
}

/** POSTs a file as the raw body with the session's CSRF token; answers the 201's JSON or throws the API's error. */
export function uploadFileBody<T>(url: string, file: File, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json');
    const token = queryClient.getQueryData(meQuery.queryKey)?.csrfToken;
    if (token) xhr.setRequestHeader('x-csrf-token', token);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status === 201) return resolve(body as T);
      const error = (body as { error?: { code: string; message: string; details?: Record<string, unknown> } } | undefined)?.error;
      reject(
        error
          ? new ApiError(xhr.status, error.code, error.message, error.details ?? {})
          : new ApiError(xhr.status, `http_${xhr.status}`, xhr.status === 413 ? 'The file is too large to import.' : 'The upload did not go through. Try again.'),
      );
    };
    xhr.onerror = () => reject(new ApiError(0, 'network_error', 'Could not reach the server. Check your connection and try again.'));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}
