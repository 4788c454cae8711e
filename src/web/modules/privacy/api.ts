import type { Erasure, PersonLookup } from '../../../server/modules/privacy/privacy.contract';
import type { z } from 'zod';
import type { accountDeletionSchema, exportSchema, requestedExportSchema, RetentionSettings, retentionSettingsSchema, workspaceClosureSchema } from '../../../server/modules/privacy/privacy.contract';
import { api } from '../../lib/api';

export type DataExport = z.infer<typeof exportSchema>;
export type RequestedExport = z.infer<typeof requestedExportSchema>;
export type { Erasure, PersonLookup };

const base = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}/privacy`;

export const requestExport = (workspaceId: string) => api.post<RequestedExport>(`${base(workspaceId)}/exports`);
export const fetchExport = (workspaceId: string, id: string) => api.get<DataExport>(`${base(workspaceId)}/exports/${encodeURIComponent(id)}`);
export const lookUpPerson = (workspaceId: string, who: { email?: string; phone?: string }) => api.post<PersonLookup>(`${base(workspaceId)}/lookup`, who);
export const erasePerson = (workspaceId: string, who: { email?: string; phone?: string }) => api.post<Erasure>(`${base(workspaceId)}/erase`, who);
/** PRIV-10: the person is a minor: erased at once, the report audited without their details. */
export const reportMinor = (workspaceId: string, who: { email?: string; phone?: string }) => api.post<Erasure>(`${base(workspaceId)}/minor-report`, who);

export type Retention = z.infer<typeof retentionSettingsSchema>;
export const fetchRetention = (workspaceId: string) => api.get<Retention>(`${base(workspaceId)}/retention`);
export const saveRetention = (workspaceId: string, settings: RetentionSettings) => api.put<Retention>(`${base(workspaceId)}/retention`, settings);

export interface PrivacyPage {
  workspaceName: string;
  subprocessors: { name: string; purpose: string; scope: 'operator' | 'workspace' }[];
}
export const fetchPrivacyPage = (workspaceId: string) => api.get<PrivacyPage>(`/api/public/privacy/${encodeURIComponent(workspaceId)}`);

export type WorkspaceClosure = z.infer<typeof workspaceClosureSchema>;
export type AccountDeletion = z.infer<typeof accountDeletionSchema>;
const ws = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}`;
export const fetchClosure = (workspaceId: string) => api.get<WorkspaceClosure>(`${ws(workspaceId)}/closure`);
export const closeWorkspace = (workspaceId: string, name: string) => api.post<WorkspaceClosure>(`${ws(workspaceId)}/close`, { name });
export const reopenWorkspace = (workspaceId: string) => api.post<WorkspaceClosure>(`${ws(workspaceId)}/reopen`);
export const deleteAccount = (confirm: { password?: string; code?: string }) => api.post<AccountDeletion>('/api/account/delete', confirm);

/** PRIV-2: "Download my data" — the signed-in person's own export, across their workspaces. */
export const requestMyExport = () => api.post<RequestedExport>('/api/account/exports');
export const fetchMyExport = (id: string) => api.get<DataExport>(`/api/account/exports/${encodeURIComponent(id)}`);
export const fetchMyLatestExport = () => api.get<{ export: DataExport | null }>('/api/account/exports/latest');

export interface OperatorPrivacy {
  operator: { name: string | null; email: string | null };
  subprocessors: { name: string; purpose: string }[];
  retention: { what: string; days: number }[];
  storage: string[];
}
export const fetchOperatorPrivacy = () => api.get<OperatorPrivacy>('/api/public/privacy');

/** PRIV-10: a report from outside that the workspace holds a child's data, and the owner's list of them. */
export type MinorReport = { id: string; email: string | null; phone: string | null; details: string | null; reporterEmail: string | null; createdAt: string };
export const sendMinorReport = (workspaceId: string, body: { email?: string; phone?: string; details?: string; reporterEmail?: string }) =>
  api.post<{ status: 'received' }>(`/api/public/privacy/${encodeURIComponent(workspaceId)}/minor-reports`, body);
export const fetchMinorReports = (workspaceId: string) => api.get<{ items: MinorReport[] }>(`${base(workspaceId)}/minor-reports`);
export const eraseReportedMinor = (workspaceId: string, id: string) => api.post<Erasure>(`${base(workspaceId)}/minor-reports/${encodeURIComponent(id)}/erase`);
export const dismissMinorReport = (workspaceId: string, id: string) => api.delete(`${base(workspaceId)}/minor-reports/${encodeURIComponent(id)}`);
