import type { z } from 'zod';
import type { BillingSummary, InvoiceList, LedgerResponse, checkoutBody } from '../../../server/modules/billing/billing.contract';
import { api } from '../../lib/api';

export type { BillingSummary, InvoiceList, LedgerResponse };
const base = (workspaceId: string) => `/api/workspaces/${workspaceId}/billing`;

export const billingKey = (workspaceId: string) => ['billing', workspaceId] as const;
export const fetchBilling = (workspaceId: string) => api.get<BillingSummary>(base(workspaceId));
export const fetchLedger = (workspaceId: string) => api.get<LedgerResponse>(`${base(workspaceId)}/ledger?limit=50`);
export const fetchInvoices = (workspaceId: string) => api.get<InvoiceList>(`${base(workspaceId)}/invoices`);
export const startCheckout = (workspaceId: string, body: z.input<typeof checkoutBody>) => api.post<{ url: string }>(`${base(workspaceId)}/checkout`, body);
export const openPortal = (workspaceId: string) => api.post<{ url: string }>(`${base(workspaceId)}/portal`);
export const cancelAtPeriodEnd = (workspaceId: string) => api.post<{ cancelAtPeriodEnd: boolean; periodEnd: string | null }>(`${base(workspaceId)}/cancel`);
