import { api } from '../../lib/api';
import { uploadFileBody } from '../imports/api';
import type { CallLogOutcome, CallQueue, DncEntry, DncImport, DncPage, LogCallInput, LogCallResult, OfferedCall, SkippedCall } from '../../../server/modules/outreach/calls/calls.contract';

export type { CallLogOutcome, CallQueue, DncEntry, DncImport, DncPage, LogCallInput, OfferedCall, SkippedCall };

const base = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}/calls`;

export const callsApi = {
  queue: (ws: string, query: { viewId?: string | undefined; cursor?: string | undefined; scriptId?: string | undefined }) => api.get<CallQueue>(`${base(ws)}/queue`, { query: { ...query, limit: 25 } }),
  logCall: (ws: string, contactId: string, body: LogCallInput) => api.post<LogCallResult>(`${base(ws)}/contacts/${encodeURIComponent(contactId)}/log`, body),
  contactDoNotCall: (ws: string, contactId: string, reason?: string) => api.post<{ added: DncEntry[] }>(`${base(ws)}/contacts/${encodeURIComponent(contactId)}/do-not-call`, reason ? { reason } : {}),
  list: (ws: string, query: { q?: string; cursor?: string | undefined }) => api.get<DncPage>(`${base(ws)}/do-not-call`, { query }),
  add: (ws: string, body: { number: string; reason?: string | null }) => api.post<DncEntry>(`${base(ws)}/do-not-call`, body),
  imports: (ws: string) => api.get<{ items: DncImport[] }>(`${base(ws)}/do-not-call/imports`),
  importOne: (ws: string, id: string) => api.get<DncImport>(`${base(ws)}/do-not-call/imports/${encodeURIComponent(id)}`),
};

export const outcomeLabels: Record<CallLogOutcome, string> = {
  connected: 'Connected',
  left_voicemail: 'Left a voicemail',
  no_answer: 'No answer',
  busy: 'Busy',
  wrong_number: 'Wrong number',
  do_not_call: 'Asked not to be called',
};

export const skipLabels: Record<SkippedCall['reason'], string> = {
  do_not_call: 'Do not call',
  outside_hours: 'Outside calling hours',
  no_number: 'No number',
  unknown_zone: 'Time zone unknown',
  restricted: 'Restricted',
};

/** "14:05 EDT" in the contact's own zone. */
export const localClock = (iso: string, zone: string) =>
  new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', timeZone: zone, timeZoneName: 'short' });

/** CALL-3: "Thu 08:00" in a zone (the member's own when none is given). */
export const weekdayClock = (iso: string, zone?: string) =>
  new Date(iso).toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...(zone ? { timeZone: zone } : {}) });

/**
 * CALL-3: when calling opens, "Thu 08:00 their time (America/Chicago), 15:00 yours" — or just
 * "Thu 08:00" when the contact's zone shows the same clock as the member's.
 */
export function opensAtText(iso: string, zone: string): string {
  const theirs = weekdayClock(iso, zone);
  const yours = weekdayClock(iso);
  return theirs === yours ? theirs : `${theirs} their time (${zone.replaceAll('_', ' ')}), ${yours} yours`;
}

/** Sends the registry file itself as the request body (the server streams it to disk), with upload progress. */
export const uploadRegistry = (workspaceId: string, file: File, onProgress: (fraction: number) => void, kind: 'full' | 'additions' | 'deletions' = 'full') =>
  uploadFileBody<DncImport>(`${base(workspaceId)}/do-not-call/imports?${new URLSearchParams({ fileName: file.name, kind })}`, file, onProgress);
