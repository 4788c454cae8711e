import type { z } from 'zod';
import { api } from '../../lib/api';
import type { Campaign } from '../../../server/modules/outreach/campaigns/campaigns.contract';
import type { optInPageSchema, templateSchema, unsubscribePageSchema } from '../../../server/modules/outreach/outreach.contract';

export type UnsubscribeInfo = z.infer<typeof unsubscribePageSchema>;
export type OptInInfo = z.infer<typeof optInPageSchema>;

export const outreachApi = {
  unsubscribeInfo: (token: string) => api.get<UnsubscribeInfo>(`/api/public/outreach/unsubscribe/${token}`),
  unsubscribe: (token: string) => api.post<UnsubscribeInfo>(`/api/public/outreach/unsubscribe/${token}`, { via: 'page' }),
  optInInfo: (token: string) => api.get<OptInInfo>(`/api/public/outreach/opt-in/${token}`),
  confirmOptIn: (token: string) => api.post<OptInInfo>(`/api/public/outreach/opt-in/${token}`),
};

// ---------------------------------------------------------------- campaigns (MAIL-2, MAIL-3)

export type { Campaign };
export type Template = z.infer<typeof templateSchema>;
export interface NewCampaign {
  name: string;
  templateId: string;
  viewId?: string;
  tagId?: string;
  sendAt?: string;
  advertisement?: boolean;
}

const ws = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}/outreach`;

export const campaignsApi = {
  list: (w: string) => api.get<{ items: Campaign[] }>(`${ws(w)}/campaigns`),
  create: (w: string, body: NewCampaign) => api.post<Campaign>(`${ws(w)}/campaigns`, body),
  act: (w: string, id: string, action: 'pause' | 'resume' | 'cancel') => api.post<Campaign>(`${ws(w)}/campaigns/${encodeURIComponent(id)}/${action}`, {}),
  templates: (w: string) => api.get<{ items: Template[] }>(`${ws(w)}/templates`),
};

// ---------------------------------------------------------------- sequences (MAIL-2)

export type { Sequence, Enrolment } from '../../../server/modules/outreach/sequences/sequences.contract';
import type { Enrolment, Sequence } from '../../../server/modules/outreach/sequences/sequences.contract';
export interface NewSequence {
  name: string;
  status?: 'draft' | 'active';
  steps: { templateId: string; delayDays: number; subject?: string }[];
}
/** MAIL-2: an edit of a running sequence: kept steps by id, new ones without. */
export interface SequenceEdit {
  name?: string;
  status?: 'draft' | 'active';
  steps?: { id?: string; templateId?: string; delayDays: number; subject?: string }[];
}
export interface EnrolResult {
  enrolled: number;
  alreadyEnrolled: number;
  skipped: { reason: string; count: number }[];
}

export const sequencesApi = {
  list: (w: string) => api.get<{ items: Sequence[] }>(`${ws(w)}/sequences`),
  create: (w: string, body: NewSequence) => api.post<Sequence>(`${ws(w)}/sequences`, body),
  update: (w: string, id: string, body: SequenceEdit) => api.patch<Sequence>(`${ws(w)}/sequences/${encodeURIComponent(id)}`, body),
  enrol: (w: string, id: string, viewId: string) => api.post<EnrolResult>(`${ws(w)}/sequences/${encodeURIComponent(id)}/enrolments`, { viewId }),
  enrolments: (w: string, id: string) => api.get<{ items: Enrolment[] }>(`${ws(w)}/sequences/${encodeURIComponent(id)}/enrolments`),
  stop: (w: string, id: string, contactId: string) => api.post<Enrolment>(`${ws(w)}/sequences/${encodeURIComponent(id)}/enrolments/${encodeURIComponent(contactId)}/stop`, {}),
};
