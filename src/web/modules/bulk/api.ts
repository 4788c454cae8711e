import type { BulkAction, BulkOperation, BulkSelection, CreateBulkOperationInput } from '../../../server/modules/bulk/bulk.contract';
import type { RecordType } from '../../../server/modules/crm/crm.contract';
import { api } from '../../lib/api';

export type { BulkAction, BulkOperation, BulkSelection, RecordType };

const ws = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}`;

export const bulkKeys = {
  operation: (w: string, id: string) => ['bulk', w, id] as const,
};

export const startBulkOperation = (w: string, body: CreateBulkOperationInput) => api.post<BulkOperation>(`${ws(w)}/bulk-operations`, body);
export const fetchBulkOperation = (w: string, id: string) => api.get<BulkOperation>(`${ws(w)}/bulk-operations/${encodeURIComponent(id)}`);
