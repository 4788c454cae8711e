import type { z } from 'zod';
import type { DataProvider, DataProviderKind, DataProviderState, saveDataProviderBody, TestDataProviderResult } from '../../../server/modules/enrichment/enrichment.contract';
import { api, request } from '../../lib/api';

export type { DataProvider, DataProviderKind, DataProviderState, TestDataProviderResult };
export { dataProviderDefaultBaseUrls, saveDataProviderBody } from '../../../server/modules/enrichment/enrichment.contract';

const path = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}/data-provider`;

export const dataProviderKeys = { provider: (w: string) => ['data-provider', w] as const };

export const fetchDataProvider = (w: string) => api.get<DataProviderState>(path(w));
export const saveDataProvider = (w: string, body: z.input<typeof saveDataProviderBody>) => request<DataProvider>('PUT', path(w), { body });
export const removeDataProvider = (w: string) => api.delete(path(w));
export const testDataProvider = (w: string) => api.post<TestDataProviderResult>(`${path(w)}/test`);

export const dataProviderLabels: Record<DataProviderKind, string> = { people_data_labs: 'People Data Labs' };
