import { api } from '../../lib/api';

/** The development mailbox: what the server would have emailed. Not part of the product API. */
export interface DevMessage {
  id: string;
  to: string;
  subject: string;
  text: string | null;
  html: string | null;
  status: string;
  createdAt: string;
}

export const fetchMailbox = () => api.get<{ enabled: boolean; messages: DevMessage[] }>('/api/dev/mailbox');

export const fetchMailboxStatus = () => api.get<{ available: boolean; readable: boolean }>('/api/dev/mailbox/status');
