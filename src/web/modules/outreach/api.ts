import type { z } from 'zod';
import { api } from '../../lib/api';
import type { unsubscribePageSchema } from '../../../server/modules/outreach/outreach.contract';

export type UnsubscribeInfo = z.infer<typeof unsubscribePageSchema>;

export const outreachApi = {
  unsubscribeInfo: (token: string) => api.get<UnsubscribeInfo>(`/api/public/outreach/unsubscribe/${token}`),
  unsubscribe: (token: string) => api.post<UnsubscribeInfo>(`/api/public/outreach/unsubscribe/${token}`, { via: 'page' }),
};
