import { useQuery } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { SkeletonList } from '../../ui/Skeleton';
import { bookingApi } from './api';

const howLabel = { video: 'Video call', phone: 'Phone call', address: 'In person' } as const;

/** BOOK-1: a team's booking page (all its event types), or one member's (`?host=`): no sign-in. */
export function TeamBookingPage() {
  const { workspaceId } = useParams({ strict: false }) as { workspaceId: string };
  const host = new URLSearchParams(window.location.search).get('host') ?? undefined;
  const pages = useQuery({ queryKey: ['booking-pages', workspaceId, host ?? 'team'], queryFn: () => bookingApi.pages(workspaceId, host), retry: false });
  const title = pages.data ? (pages.data.hostName ? `Book a time with ${pages.data.hostName}` : `Book a time with ${pages.data.workspaceName}`) : 'Book a time';
  return (
    <main className="mx-auto max-w-2xl px-4 py-8">
      <h1 className="text-2xl font-semibold text-stone-900">{title}</h1>
      {pages.data?.hostName ? <p className="mt-1 text-sm text-stone-600">{pages.data.workspaceName}</p> : null}
      <div className="mt-6">
        {pages.isPending ? <SkeletonList rows={3} label="Loading booking pages…" /> : null}
        {pages.error ? <ErrorAlert>{errorMessage(pages.error)}</ErrorAlert> : null}
        {pages.data && !pages.data.pages.length ? <p className="text-stone-700">Nothing can be booked here just now.</p> : null}
        {pages.data?.pages.length ? (
          <ul className="space-y-3">
            {pages.data.pages.map((p) => (
              <li key={p.slug}>
                <a href={p.path} className="block rounded-lg border border-stone-200 bg-white p-4 hover:border-teal-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-teal-700">
                  <span className="block font-semibold text-teal-800 underline">{p.title}</span>
                  <span className="mt-1 block text-sm text-stone-600">
                    {p.durationMinutes} minutes · {howLabel[p.locationKind]} · {p.assignment === 'collective' ? `with ${p.hostNames.join(', ')}` : p.assignment === 'round_robin' ? `with one of ${p.hostNames.join(', ')}` : `with ${p.hostNames[0]}`}
                  </span>
                  {p.description ? <span className="mt-2 block text-sm text-stone-700">{p.description}</span> : null}
                </a>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <p className="mt-10 text-center text-sm text-stone-500">
        <a className="underline hover:text-stone-700" href={`/privacy/${encodeURIComponent(workspaceId)}`}>
          Privacy: how your details are handled
        </a>
      </p>
    </main>
  );
}
