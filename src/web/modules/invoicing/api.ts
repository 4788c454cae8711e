import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { api, request } from '../../lib/api';
import type {
  DocumentBody, ExpenseBody, expenseList, InvoiceDocument, movementSchema, paymentAccountList, paymentIssueList, paymentLinkSchema, paymentList, paymentResult, Product, ProductBody, seriesSchema, SettingsBody, settingsSchema, UpdateDocumentBody,
} from '../../../server/modules/invoicing/invoicing.contract';

export type { DocumentBody, InvoiceDocument, Product, ProductBody, SettingsBody };
export type Settings = z.infer<typeof settingsSchema>;
export type Series = z.infer<typeof seriesSchema>;
export type Movement = z.infer<typeof movementSchema>;
export type Payments = z.infer<typeof paymentList>;
export type Expenses = z.infer<typeof expenseList>;
export type { ExpenseBody };
export type PaymentAccounts = z.infer<typeof paymentAccountList>;
export type PaymentLink = z.infer<typeof paymentLinkSchema>;
export type PaymentIssues = z.infer<typeof paymentIssueList>;
export type DocumentSummary = Omit<InvoiceDocument, 'lines'>;
export type DocumentType = InvoiceDocument['documentType'];
export type DocumentStatus = InvoiceDocument['status'];

const base = (ws: string) => `/api/workspaces/${ws}/invoicing`;

export const invoicingApi = {
  settings: (ws: string) => api.get<Settings>(`${base(ws)}/settings`),
  saveSettings: (ws: string, body: SettingsBody) => request<Settings>('PUT', `${base(ws)}/settings`, { body }),
  uploadLogo: (ws: string, dataBase64: string) => request<Settings>('PUT', `${base(ws)}/settings/logo`, { body: { dataBase64 } }),
  removeLogo: (ws: string) => request<Settings>('DELETE', `${base(ws)}/settings/logo`),
  logoUrl: (ws: string) => `${base(ws)}/settings/logo`,
  series: (ws: string) => api.get<{ items: Series[] }>(`${base(ws)}/series`),
  createSeries: (ws: string, body: { documentType: DocumentType; prefix: string; digits: number }) => api.post<Series>(`${base(ws)}/series`, body),
  products: (ws: string, lowStock?: boolean) => api.get<{ items: Product[]; stockValuePaise: number }>(`${base(ws)}/products`, { query: { lowStock: lowStock ? 'true' : undefined } }),
  createProduct: (ws: string, body: ProductBody) => api.post<Product>(`${base(ws)}/products`, body),
  updateProduct: (ws: string, id: string, body: Partial<ProductBody> & { version: number }) => api.patch<Product>(`${base(ws)}/products/${id}`, body),
  recordMovement: (ws: string, id: string, body: { kind: 'purchase' | 'adjustment' | 'return'; quantityMilli: number; unitCostPaise?: number; note?: string }) =>
    api.post<{ movement: Movement; product: Product }>(`${base(ws)}/products/${id}/stock-movements`, body),
  documents: (ws: string, query: { documentType?: DocumentType; status?: DocumentStatus; overdue?: 'true' }) =>
    api.get<{ items: DocumentSummary[] }>(`${base(ws)}/documents`, { query: { ...query, limit: 200 } }),
  document: (ws: string, id: string) => api.get<InvoiceDocument>(`${base(ws)}/documents/${id}`),
  createDocument: (ws: string, body: DocumentBody) => api.post<InvoiceDocument>(`${base(ws)}/documents`, body),
  updateDocument: (ws: string, id: string, body: UpdateDocumentBody) => api.patch<InvoiceDocument>(`${base(ws)}/documents/${id}`, body),
  issue: (ws: string, id: string, version: number) => api.post<InvoiceDocument>(`${base(ws)}/documents/${id}/issue`, { version }),
  cancel: (ws: string, id: string, version: number) => api.post<InvoiceDocument>(`${base(ws)}/documents/${id}/cancel`, { version }),
  payments: (ws: string, id: string) => api.get<Payments>(`${base(ws)}/documents/${id}/payments`),
  recordPayment: (ws: string, id: string, body: { method: string; amountPaise: number; paidOn?: string; reference?: string }) =>
    api.post<z.infer<typeof paymentResult>>(`${base(ws)}/documents/${id}/payments`, body),
  send: (ws: string, id: string, body: { to: string; message?: string }) => api.post<{ queued: true; to: string; paymentLinkUrl: string | null }>(`${base(ws)}/documents/${id}/send`, body),
  expenses: (ws: string, month?: string) => api.get<Expenses>(`${base(ws)}/expenses`, { query: { month } }),
  createExpense: (ws: string, body: Partial<ExpenseBody> & Pick<ExpenseBody, 'spentOn' | 'category' | 'description' | 'amountPaise'>) => api.post<Expenses['items'][number]>(`${base(ws)}/expenses`, body),
  attachBill: (ws: string, id: string, body: { dataBase64: string; fileName?: string }) => request<Expenses['items'][number]>('PUT', `${base(ws)}/expenses/${id}/attachment`, { body }),
  billUrl: (ws: string, id: string) => `${base(ws)}/expenses/${id}/attachment`,
  sendWhatsapp: (ws: string, id: string, body: { template?: { name: string; language: string } }) =>
    api.post<{ conversationId: string; messageId: string; template: string | null; paymentLinkUrl: string | null }>(`${base(ws)}/documents/${id}/send-whatsapp`, body),
  deleteExpense: (ws: string, id: string) => request<{ deleted: true }>('DELETE', `${base(ws)}/expenses/${id}`),
  remind: (ws: string, id: string, body: { to: string; message?: string }) => api.post<{ queued: true; to: string; paymentLinkUrl: string | null }>(`${base(ws)}/documents/${id}/remind`, body),
  paymentAccounts: (ws: string) => api.get<PaymentAccounts>(`${base(ws)}/payment-accounts`),
  savePaymentAccount: (ws: string, provider: string, body: { keyId?: string; secretKey: string; webhookSecret: string }) => request<PaymentAccounts>('PUT', `${base(ws)}/payment-accounts/${provider}`, { body }),
  removePaymentAccount: (ws: string, provider: string) => request<PaymentAccounts>('DELETE', `${base(ws)}/payment-accounts/${provider}`),
  paymentLinks: (ws: string, id: string) => api.get<{ items: PaymentLink[] }>(`${base(ws)}/documents/${id}/payment-links`),
  createPaymentLink: (ws: string, id: string, body: { amountPaise?: number; provider?: 'stripe' | 'razorpay' }) => api.post<PaymentLink>(`${base(ws)}/documents/${id}/payment-links`, body),
  paymentIssues: (ws: string, id: string) => api.get<PaymentIssues>(`${base(ws)}/documents/${id}/payment-issues`),
  resolvePaymentIssue: (ws: string, id: string, issueId: string, resolution: 'refunded' | 'credit') => api.post<PaymentIssues['items'][number]>(`${base(ws)}/documents/${id}/payment-issues/${issueId}/resolve`, { resolution }),
  pdfUrl: (ws: string, id: string) => `${base(ws)}/documents/${id}/pdf`,
};

export const invoicingKeys = {
  all: (ws: string) => ['invoicing', ws] as const,
  settings: (ws: string) => ['invoicing', ws, 'settings'] as const,
  series: (ws: string) => ['invoicing', ws, 'series'] as const,
  products: (ws: string) => ['invoicing', ws, 'products'] as const,
  documents: (ws: string, filter: object) => ['invoicing', ws, 'documents', filter] as const,
  document: (ws: string, id: string) => ['invoicing', ws, 'document', id] as const,
  payments: (ws: string, id: string) => ['invoicing', ws, 'payments', id] as const,
  paymentLinks: (ws: string, id: string) => ['invoicing', ws, 'payment-links', id] as const,
  paymentIssues: (ws: string, id: string) => ['invoicing', ws, 'payment-issues', id] as const,
  paymentAccounts: (ws: string) => ['invoicing', ws, 'payment-accounts'] as const,
  expenses: (ws: string, month: string) => ['invoicing', ws, 'expenses', month] as const,
};

/** The GST identity, or null while the business has not entered it (the server answers 409). */
export function useInvoicingSettings(ws: string) {
  return useQuery({
    queryKey: invoicingKeys.settings(ws),
    queryFn: async () => {
      try {
        return await invoicingApi.settings(ws);
      } catch (e) {
        if (e instanceof Error && 'code' in e && (e as { code: string }).code === 'invoicing_not_set_up') return null;
        throw e;
      }
    },
  });
}

export const useSeries = (ws: string) => useQuery({ queryKey: invoicingKeys.series(ws), queryFn: () => invoicingApi.series(ws) });
export const useProducts = (ws: string) => useQuery({ queryKey: invoicingKeys.products(ws), queryFn: () => invoicingApi.products(ws) });
