import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { onCsrfRefresh } from '../../lib/api';
import { queryClient } from '../../lib/queryClient';
import { fetchMe } from './api';

export const meQuery = queryOptions({ queryKey: ['me'], queryFn: fetchMe, staleTime: 60_000 });

// A stale CSRF token (new session elsewhere) is fixed by asking /me again.
onCsrfRefresh(async () => {
  await queryClient.fetchQuery({ ...meQuery, staleTime: 0 });
});

export function useMe() {
  return useQuery(meQuery);
}

/**
 * After sign-in, sign-out or anything that changes the session, fetch /me again (new CSRF
 * token, new workspaces) and drop everything cached for the previous person.
 */
export function useRefreshSession() {
  const client = useQueryClient();
  return useCallback(
    async (options: { clearOthers?: boolean } = {}) => {
      if (options.clearOthers) client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
      return client.fetchQuery({ ...meQuery, staleTime: 0 });
    },
    [client],
  );
}
