import { Link, useParams } from '@tanstack/react-router';
import { lazy, Suspense } from 'react';
import { buttonClass } from '../../ui/Button';
import { PageHeading } from '../../ui/PageHeading';
import { useMe } from '../accounts/useMe';
import { isManager, useWorkspace } from './useWorkspaces';

// The CRM code loads with the home page's content, not with the app's first bundle.
const HomeOverview = lazy(() => import('../crm/HomeOverview').then((m) => ({ default: m.HomeOverview })));

/** The workspace's home: counts of records, quick actions, and first steps in a new workspace. */
export function HomePage() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const workspace = useWorkspace(workspaceId);
  const me = useMe();
  const firstName = me.data?.user?.name.split(' ')[0];
  const managerActions = isManager(workspace.data?.role) ? (
    <>
      <Link to="/w/$workspaceId/settings/team" params={{ workspaceId }} className={buttonClass('secondary')}>
        Invite your team
      </Link>
      <Link to="/w/$workspaceId/settings/business" params={{ workspaceId }} className={buttonClass('ghost')}>
        Review business profile
      </Link>
    </>
  ) : null;
  return (
    <div className="max-w-4xl">
      <PageHeading description={workspace.data ? workspace.data.name : undefined}>{firstName ? `Welcome, ${firstName}` : 'Home'}</PageHeading>
      <Suspense fallback={<div role="status" aria-busy="true" aria-label="Loading…" className="h-24 animate-pulse rounded-lg border border-stone-200 bg-white motion-reduce:animate-none" />}>
        <HomeOverview workspaceId={workspaceId} managerActions={managerActions} />
      </Suspense>
    </div>
  );
}
