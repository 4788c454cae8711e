import type { z } from 'zod';
import type {
  Company,
  Contact,
  createCompanyBody,
  createContactBody,
  createCustomFieldBody,
  createDealBody,
  createPipelineBody,
  createTagBody,
  CustomField,
  Deal,
  listCompaniesQuery,
  listContactsQuery,
  listDealsQuery,
  moveDealBody,
  Pipeline,
  RecordType,
  Tag,
  updateCompanyBody,
  updateContactBody,
  updateCustomFieldBody,
  updateDealBody,
} from '../../../server/modules/crm/crm.contract';
import type { addStageBody, BoardTotals, CrmSummary, updateStageBody, updateTagBody } from '../../../server/modules/crm/crm-settings.contract';
import { api, request } from '../../lib/api';

export type { BoardTotals, Company, Contact, CrmSummary, CustomField, Deal, Pipeline, RecordType, Tag };
export type Stage = Pipeline['stages'][number];
export type TagSummary = Contact['tags'][number];
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
type Query<S extends z.ZodType> = Partial<z.output<S>>;

const ws = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}`;
const one = (id: string) => encodeURIComponent(id);

// ---- records
export const fetchContacts = (w: string, query: Query<typeof listContactsQuery> = {}) => api.get<Page<Contact>>(`${ws(w)}/contacts`, { query });
export const fetchContact = (w: string, id: string) => api.get<Contact>(`${ws(w)}/contacts/${one(id)}`);
export const createContact = (w: string, body: z.input<typeof createContactBody>) => api.post<Contact>(`${ws(w)}/contacts`, body);
export const updateContact = (w: string, id: string, body: z.input<typeof updateContactBody>) => api.patch<Contact>(`${ws(w)}/contacts/${one(id)}`, body);
export const deleteContact = (w: string, id: string) => api.delete(`${ws(w)}/contacts/${one(id)}`);

export const fetchCompanies = (w: string, query: Query<typeof listCompaniesQuery> = {}) => api.get<Page<Company>>(`${ws(w)}/companies`, { query });
export const fetchCompany = (w: string, id: string) => api.get<Company>(`${ws(w)}/companies/${one(id)}`);
export const createCompany = (w: string, body: z.input<typeof createCompanyBody>) => api.post<Company>(`${ws(w)}/companies`, body);
export const updateCompany = (w: string, id: string, body: z.input<typeof updateCompanyBody>) => api.patch<Company>(`${ws(w)}/companies/${one(id)}`, body);
export const deleteCompany = (w: string, id: string) => api.delete(`${ws(w)}/companies/${one(id)}`);

export const fetchDeals = (w: string, query: Query<typeof listDealsQuery> = {}) => api.get<Page<Deal>>(`${ws(w)}/deals`, { query });
export const fetchDeal = (w: string, id: string) => api.get<Deal>(`${ws(w)}/deals/${one(id)}`);
export const createDeal = (w: string, body: z.input<typeof createDealBody>) => api.post<Deal>(`${ws(w)}/deals`, body);
export const updateDeal = (w: string, id: string, body: z.input<typeof updateDealBody>) => api.patch<Deal>(`${ws(w)}/deals/${one(id)}`, body);
export const moveDeal = (w: string, id: string, body: z.input<typeof moveDealBody>) => api.post<Deal>(`${ws(w)}/deals/${one(id)}/move`, body);
export const deleteDeal = (w: string, id: string) => api.delete(`${ws(w)}/deals/${one(id)}`);

export const fetchSummary = (w: string) => api.get<CrmSummary>(`${ws(w)}/crm/summary`);

// ---- pipelines
export const fetchPipelines = (w: string) => api.get<{ pipelines: Pipeline[] }>(`${ws(w)}/pipelines`);
export const createPipeline = (w: string, body: z.input<typeof createPipelineBody>) => api.post<Pipeline>(`${ws(w)}/pipelines`, body);
export const renamePipeline = (w: string, id: string, name: string) => api.patch<Pipeline>(`${ws(w)}/pipelines/${one(id)}`, { name });
export const addStage = (w: string, id: string, body: z.input<typeof addStageBody>) => api.post<Pipeline>(`${ws(w)}/pipelines/${one(id)}/stages`, body);
export const updateStage = (w: string, id: string, stageId: string, body: z.input<typeof updateStageBody>) =>
  api.patch<Pipeline>(`${ws(w)}/pipelines/${one(id)}/stages/${one(stageId)}`, body);
export const deleteStage = (w: string, id: string, stageId: string) => api.delete(`${ws(w)}/pipelines/${one(id)}/stages/${one(stageId)}`);
export const reorderStages = (w: string, id: string, stageIds: string[]) => request<Pipeline>('PUT', `${ws(w)}/pipelines/${one(id)}/stage-order`, { body: { stageIds } });
export const fetchBoardTotals = (w: string, id: string) => api.get<BoardTotals>(`${ws(w)}/pipelines/${one(id)}/totals`);

// ---- tags
export const fetchTags = (w: string) => api.get<{ tags: Tag[] }>(`${ws(w)}/tags`);
export const createTag = (w: string, body: z.input<typeof createTagBody>) => api.post<Tag>(`${ws(w)}/tags`, body);
export const updateTag = (w: string, id: string, body: z.input<typeof updateTagBody>) => api.patch<Tag>(`${ws(w)}/tags/${one(id)}`, body);
export const deleteTag = (w: string, id: string) => api.delete(`${ws(w)}/tags/${one(id)}`);
export const tagRecord = (w: string, type: RecordType, id: string, tagId: string) => api.post<{ tags: TagSummary[] }>(`${ws(w)}/${type}/${one(id)}/tags`, { tagId });
export const untagRecord = (w: string, type: RecordType, id: string, tagId: string) => api.delete(`${ws(w)}/${type}/${one(id)}/tags/${one(tagId)}`);

// ---- custom fields
export const fetchCustomFields = (w: string, object?: RecordType) => api.get<{ fields: CustomField[] }>(`${ws(w)}/custom-fields`, { query: { object } });
export const createCustomField = (w: string, body: z.input<typeof createCustomFieldBody>) => api.post<CustomField>(`${ws(w)}/custom-fields`, body);
export const updateCustomField = (w: string, id: string, body: z.input<typeof updateCustomFieldBody>) => api.patch<CustomField>(`${ws(w)}/custom-fields/${one(id)}`, body);
export const deleteCustomField = (w: string, id: string) => api.delete(`${ws(w)}/custom-fields/${one(id)}`);

/** Query keys: every CRM key starts with ['crm', workspaceId] so one invalidation refreshes a workspace. */
export const crmKeys = {
  all: (w: string) => ['crm', w] as const,
  record: (w: string, type: RecordType, id: string) => ['crm', w, type, 'one', id] as const,
  list: (w: string, type: RecordType, query: object = {}) => ['crm', w, type, 'list', query] as const,
  lists: (w: string, type: RecordType) => ['crm', w, type, 'list'] as const,
  summary: (w: string) => ['crm', w, 'summary'] as const,
  pipelines: (w: string) => ['crm', w, 'pipelines'] as const,
  totals: (w: string, pipelineId: string) => ['crm', w, 'totals', pipelineId] as const,
  tags: (w: string) => ['crm', w, 'tags'] as const,
  fields: (w: string) => ['crm', w, 'custom-fields'] as const,
};
