import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { PublicPage } from '../../ui/PublicPage';

/**
 * PRIV-9: the frame both public privacy pages share (the installation's and a workspace's): the
 * heading, then loading, the error, or what `children` makes of the page's data.
 */
export function PublicPrivacyPage<T>({ title, page, children }: { title: string; page: UseQueryResult<T>; children: (data: T) => ReactNode }) {
  return (
    <PublicPage title={title} query={page} width="max-w-2xl">
      {page.data ? children(page.data) : null}
    </PublicPage>
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
