import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';

/**
 * PRIV-9: the frame both public privacy pages share (the installation's and a workspace's): the
 * heading, then loading, the error, or what `children` makes of the page's data.
 */
export function PublicPrivacyPage<T>({ title, page, children }: { title: string; page: UseQueryResult<T>; children: (data: T) => ReactNode }) {
  return (
    <main className="mx-auto max-w-2xl px-4 py-12">
      <h1 className="text-2xl font-semibold text-stone-900">{title}</h1>
      {page.isPending ? (
        <p role="status" aria-busy="true" className="mt-4 text-stone-600">
          Loading…
        </p>
      ) : null}
      {page.error ? <ErrorAlert className="mt-4">{errorMessage(page.error)}</ErrorAlert> : null}
      {page.data ? children(page.data) : null}
    </main>
  );
}

/** The outside services that receive personal data, or a plain "none". */
export function Subprocessors({ items }: { items: { name: string; purpose: string }[] }) {
  if (items.length === 0) return <p>None: no outside service receives your data. It stays on the server this service runs on.</p>;
  return (
    <ul className="divide-y divide-stone-200 rounded-md border border-stone-200 bg-white">
      {items.map((s) => (
        <li key={`${s.name}-${s.purpose}`} className="px-4 py-3">
          <p className="font-medium text-stone-900">{s.name}</p>
          <p className="text-sm">{s.purpose}</p>
        </li>
      ))}
    </ul>
  );
}
