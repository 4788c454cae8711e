import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { fetchPrivacyPage } from './api';

/**
 * PRIV-9: the public privacy page of a workspace, linked from its chat widget and booking page.
 * The list of services comes from the live configuration, so it is never out of date.
 */
export function PrivacyPage() {
  const { workspaceId } = useParams({ strict: false }) as { workspaceId: string };
  const page = useQuery({ queryKey: ['privacy-page', workspaceId], queryFn: () => fetchPrivacyPage(workspaceId), retry: false });
  const data = page.data;
  return (
    <main className="mx-auto max-w-2xl px-4 py-12">
      <h1 className="text-2xl font-semibold text-stone-900">{data ? `Privacy at ${data.workspaceName}` : 'Privacy'}</h1>
      {page.isPending ? (
        <p role="status" aria-busy="true" className="mt-4 text-stone-600">
          Loading…
        </p>
      ) : null}
      {page.error ? <ErrorAlert className="mt-4">{errorMessage(page.error)}</ErrorAlert> : null}
      {data ? (
        <section className="mt-6 space-y-4 text-stone-700">
          <p>
            {data.workspaceName} uses Kestrel to keep its customer records, answer chats and take bookings. What you tell it stays in its
            database; you can ask {data.workspaceName} to show you everything it holds about you, to give you a copy, or to erase it.
          </p>
          <h2 className="text-lg font-semibold text-stone-900">Services that process your data</h2>
          {data.subprocessors.length === 0 ? (
            <p>None: no outside service receives your data. It stays on the server this service runs on.</p>
          ) : (
            <ul className="divide-y divide-stone-200 rounded-md border border-stone-200 bg-white">
              {data.subprocessors.map((s) => (
                <li key={`${s.name}-${s.purpose}`} className="px-4 py-3">
                  <p className="font-medium text-stone-900">{s.name}</p>
                  <p className="text-sm">{s.purpose}</p>
                </li>
              ))}
            </ul>
          )}
          <p className="text-sm text-stone-500">This list is read from the service’s live settings each time the page opens. No advertising or tracking services are used.</p>
          <p className="text-sm">
            <Link to="/privacy" className="font-medium text-teal-800 underline">
              How this service itself handles data
            </Link>
          </p>
        </section>
      ) : null}
    </main>
  );
}
