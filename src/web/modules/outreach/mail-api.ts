import type { z } from 'zod';
import { api } from '../../lib/api';
import type {
  domainCheckSchema,
  draftPreviewSchema,
  outreachSettingsSchema,
  SendingAccount,
  sendingAccountBody,
  sendingAccountPatch,
  sendingAccountRemovalSchema,
  templateBody,
  templateSchema,
  testSendResult,
} from '../../../server/modules/outreach/outreach.contract';

export { mergeFieldNames } from '../../../server/modules/outreach/outreach.contract';
export type { SendingAccount };
export type DomainCheck = z.infer<typeof domainCheckSchema>;
export type OutreachTemplate = z.infer<typeof templateSchema>;
export type DraftPreview = z.infer<typeof draftPreviewSchema>;
export type OutreachSettings = z.infer<typeof outreachSettingsSchema>;
export interface Connection {
  provider: string;
  status: 'pending' | 'connected' | 'disconnected' | 'failed';
  scopes: string[];
  lastError: string | null;
}

const ws = (w: string) => `/api/workspaces/${encodeURIComponent(w)}`;
const one = encodeURIComponent;

/** MAIL-1: sending accounts, the domain check, the Gmail/Outlook connections behind them. */
export type SendingAccountRemoval = z.infer<typeof sendingAccountRemovalSchema>;

export const accountsApi = {
  list: (w: string) => api.get<{ items: SendingAccount[] }>(`${ws(w)}/outreach/sending-accounts`),
  create: (w: string, body: z.input<typeof sendingAccountBody>) => api.post<SendingAccount>(`${ws(w)}/outreach/sending-accounts`, body),
  update: (w: string, id: string, body: z.input<typeof sendingAccountPatch>) => api.patch<SendingAccount>(`${ws(w)}/outreach/sending-accounts/${one(id)}`, body),
  remove: (w: string, id: string) => api.delete(`${ws(w)}/outreach/sending-accounts/${one(id)}`),
  /** MAIL-1: what removing it changes (streams, campaigns, sequences, the account taking over, the mailbox). */
  removal: (w: string, id: string) => api.get<SendingAccountRemoval>(`${ws(w)}/outreach/sending-accounts/${one(id)}/removal`),
  disconnect: (w: string, provider: 'gmail' | 'outlook') => api.delete(`${ws(w)}/integrations/${provider}`),
  test: (w: string, id: string) => api.post<z.infer<typeof testSendResult>>(`${ws(w)}/outreach/sending-accounts/${one(id)}/test`, {}),
  checkDomain: (w: string, id: string) => api.post<DomainCheck>(`${ws(w)}/outreach/sending-accounts/${one(id)}/check-domain`, {}),
  connections: (w: string) => api.get<{ items: Connection[] }>(`${ws(w)}/integrations`),
  connect: (w: string, provider: 'gmail' | 'outlook') => api.post<{ authorizationUrl: string }>(`${ws(w)}/integrations/${provider}/connect`),
  settings: (w: string) => api.get<OutreachSettings>(`${ws(w)}/outreach/settings`),
  updateSettings: (w: string, body: OutreachSettings) => api.patch<OutreachSettings>(`${ws(w)}/outreach/settings`, body),
};

/** MAIL-2: templates and their preview with a real contact. */
export const templatesApi = {
  list: (w: string) => api.get<{ items: OutreachTemplate[] }>(`${ws(w)}/outreach/templates`),
  callScripts: (w: string) => api.get<{ items: OutreachTemplate[] }>(`${ws(w)}/outreach/templates`, { query: { kind: 'call_script' } }),
  create: (w: string, body: z.input<typeof templateBody>) => api.post<OutreachTemplate>(`${ws(w)}/outreach/templates`, body),
  update: (w: string, id: string, body: Partial<z.input<typeof templateBody>>) => api.patch<OutreachTemplate>(`${ws(w)}/outreach/templates/${one(id)}`, body),
  remove: (w: string, id: string) => api.delete(`${ws(w)}/outreach/templates/${one(id)}`),
  preview: (w: string, body: { contactId: string; subject: string; html: string }) => api.post<DraftPreview>(`${ws(w)}/outreach/template-preview`, body),
};
