import type { z } from 'zod';
import type { createIncidentBody, dataCategoryList, Incident, incidentList, noticePreview } from '../../../server/modules/incidents/incidents.contract';
import { api } from '../../lib/api';

export type { Incident, NoticePreview } from '../../../server/modules/incidents/incidents.contract';
export type IncidentList = z.infer<typeof incidentList>;
export type DataCategories = z.infer<typeof dataCategoryList>;
export type NewIncident = z.input<typeof createIncidentBody>;

const base = (w: string) => `/api/workspaces/${encodeURIComponent(w)}/incidents`;
export const fetchIncidents = (w: string) => api.get<IncidentList>(base(w));
export const fetchDataCategories = (w: string) => api.get<DataCategories>(`${base(w)}/categories`);
export const createIncident = (w: string, body: NewIncident) => api.post<Incident>(base(w), body);
export const fetchNotice = (w: string, id: string) => api.get<z.infer<typeof noticePreview>>(`${base(w)}/${encodeURIComponent(id)}/notice`);
export const sendNotice = (w: string, id: string) => api.post<Incident>(`${base(w)}/${encodeURIComponent(id)}/notice`);
