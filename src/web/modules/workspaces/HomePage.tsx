import { Link, useParams } from '@tanstack/react-router';
import { buttonClass } from '../../ui/Button';
import { PageHeading } from '../../ui/PageHeading';
import { useMe } from '../accounts/useMe';
import { isManager, useWorkspace } from './useWorkspaces';

/** The workspace's home: for now an empty state that says where the CRM will appear. */
export function HomePage() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const workspace = useWorkspace(workspaceId);
  const me = useMe();
  const firstName = me.data?.user?.name.split(' ')[0];
  return (
    <div className="max-w-4xl">
      <PageHeading description={workspace.data ? workspace.data.name : undefined}>{firstName ? `Welcome, ${firstName}` : 'Home'}</PageHeading>
      <section aria-labelledby="crm-coming" className="rounded-xl border border-dashed border-stone-300 bg-white px-6 py-12 text-center">
        <svg viewBox="0 0 48 48" aria-hidden="true" className="mx-auto size-12 text-teal-700" fill="none" stroke="currentColor" strokeWidth="2">
          <rect x="6" y="10" width="36" height="28" rx="4" />
          <path d="M6 18h36M16 26h8M16 31h14" strokeLinecap="round" />
        </svg>
        <h2 id="crm-coming" className="mt-4 text-lg font-semibold text-stone-900">
          Your contacts, companies and deals will live here
        </h2>
        <p className="mx-auto mt-2 max-w-md text-sm text-stone-600">
          The CRM is coming soon: a shared address book, a pipeline for your deals and a timeline of every conversation. Nothing to do here yet.
        </p>
        {isManager(workspace.data?.role) ? (
          <div className="mt-6 flex flex-wrap justify-center gap-3">
            <Link to="/w/$workspaceId/settings/team" params={{ workspaceId }} className={buttonClass('primary')}>
              Invite your team
            </Link>
            <Link to="/w/$workspaceId/settings/business" params={{ workspaceId }} className={buttonClass('secondary')}>
              Review business profile
            </Link>
          </div>
        ) : null}
      </section>
    </div>
  );
}
