import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { errorMessage } from '../lib/api';
import { ErrorAlert } from './Alert';

/**
 * The frame of a page people reach from outside the app (the privacy pages, the links in an
 * email): the heading, then loading, the error (with `errorHint` after it), or `children`.
 */
export function PublicPage({ title, query, width, errorHint, children }: { title: string; query: UseQueryResult<unknown>; width: 'max-w-lg' | 'max-w-2xl'; errorHint?: string; children: ReactNode }) {
  return (
    <main className={`mx-auto ${width} px-4 py-12`}>
      <h1 className="text-2xl font-semibold text-stone-900">{title}</h1>
      {query.isPending ? (
        <p role="status" aria-busy="true" className="mt-4 text-stone-600">
          Loading…
        </p>
      ) : null}
      {query.error ? (
        <ErrorAlert className="mt-4">
          {errorMessage(query.error)}
          {errorHint}
        </ErrorAlert>
      ) : null}
      {children}
    </main>
  );
}
