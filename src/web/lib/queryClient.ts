import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from './api';

/** Set by the router once it exists, so a lost session anywhere sends the person to sign in. */
let onSignedOut: (() => void) | null = null;
export function handleSignedOut(fn: () => void): void {
  onSignedOut = fn;
}

function isSessionGone(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401 && error.code !== 'second_factor_required';
}

export const queryClient = new QueryClient({
  queryCache: new QueryCache({
    onError: (error, query) => {
      // A query marked `meta.signInOptional` says 401 itself (the development mailbox on the sign-in pages).
      if (isSessionGone(error) && query.queryKey[0] !== 'me' && !query.meta?.signInOptional) onSignedOut?.();
    },
  }),
  mutationCache: new MutationCache({}),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // Client errors will not fix themselves by retrying; network and 5xx might.
      retry: (failureCount, error) => {
        if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
        return failureCount < 2;
      },
    },
    mutations: { retry: false },
  },
});
