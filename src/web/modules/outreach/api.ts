import type { z } from 'zod';
import { api } from '../../lib/api';
import type { optInPageSchema, unsubscribePageSchema } from '../../../server/modules/outreach/outreach.contract';

export type UnsubscribeInfo = z.infer<typeof unsubscribePageSchema>;
export type OptInInfo = z.infer<typeof optInPageSchema>;

export const outreachApi = {
  unsubscribeInfo: (token: string) => api.get<UnsubscribeInfo>(`/api/public/outreach/unsubscribe/${token}`),
  unsubscribe: (token: string) => api.post<UnsubscribeInfo>(`/api/public/outreach/unsubscribe/${token}`, { via: 'page' }),
  optInInfo: (token: string) => api.get<OptInInfo>(`/api/public/outreach/opt-in/${token}`),
  confirmOptIn: (token: string) => api.post<OptInInfo>(`/api/public/outreach/opt-in/${token}`),
};
