import { useQuery } from '@tanstack/react-query';
import { dataProviderKeys, fetchDataProvider } from './api';

export function useDataProvider(workspaceId: string, enabled = true) {
  return useQuery({ queryKey: dataProviderKeys.provider(workspaceId), queryFn: () => fetchDataProvider(workspaceId), enabled });
}
