import { useQuery } from '@tanstack/react-query';
import { bulkKeys, fetchBulkOperation, type BulkOperation } from './api';

const running = (op: BulkOperation | undefined) => !op || op.status === 'queued' || op.status === 'running';

/** CRM-9: a bulk operation, polled about once a second until its job has finished. */
export function useBulkOperation(workspaceId: string, operationId: string | null, initial?: BulkOperation) {
  return useQuery({
    queryKey: bulkKeys.operation(workspaceId, operationId ?? 'none'),
    queryFn: () => fetchBulkOperation(workspaceId, operationId!),
    enabled: !!operationId,
    initialData: initial && initial.id === operationId ? initial : undefined,
    refetchInterval: (q) => (running(q.state.data) ? 800 : false),
  });
}
