import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { fetchPrivacyPage } from './api';
import { MinorReportForm } from './MinorReportForm';
import { PublicPrivacyPage, Subprocessors } from './PublicPrivacyPage';

/**
 * PRIV-9: the public privacy page of a workspace, linked from its chat widget and booking page.
 * The list of services comes from the live configuration, so it is never out of date.
 */
export function PrivacyPage() {
  const { workspaceId } = useParams({ strict: false }) as { workspaceId: string };
  const page = useQuery({ queryKey: ['privacy-page', workspaceId], queryFn: () => fetchPrivacyPage(workspaceId), retry: false });
  return (
    <PublicPrivacyPage title={page.data ? `Privacy at ${page.data.workspaceName}` : 'Privacy'} page={page}>
      {(data) => (
        <section className="mt-6 space-y-4 text-stone-700">
          <p>
            {data.workspaceName} uses Kestrel to keep its customer records, answer chats and take bookings. What you tell it stays in its
            database; you can ask {data.workspaceName} to show you everything it holds about you, to give you a copy, or to erase it.
          </p>
          <h2 className="text-lg font-semibold text-stone-900">Services that process your data</h2>
          <Subprocessors items={data.subprocessors} />
          <p className="text-sm text-stone-500">This list is read from the service’s live settings each time the page opens. No advertising or tracking services are used.</p>
          <MinorReportForm workspaceId={workspaceId} workspaceName={data.workspaceName} />
          <p className="text-sm">
            <Link to="/privacy" className="font-medium text-teal-800 underline">
              How this service itself handles data
            </Link>
          </p>
        </section>
      )}
    </PublicPrivacyPage>
  );
}
