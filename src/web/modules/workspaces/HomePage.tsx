import { Link, useParams } from '@tanstack/react-router';
import { lazy, Suspense } from 'react';
import { buttonClass } from '../../ui/Button';
import { PageHeading } from '../../ui/PageHeading';
import { useMe } from '../accounts/useMe';
import { isManager, useWorkspace } from './useWorkspaces';

// The cockpit (and the CRM code it uses) loads with the home page's content, not with the app's first bundle.
const HomeCockpit = lazy(() => import('../home/HomeCockpit').then((m) => ({ default: m.HomeCockpit })));

/** The workspace's home: the day's cockpit, and first steps in a new workspace. */
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
    <div className="mx-auto max-w-7xl">
      <PageHeading description={workspace.data ? workspace.data.name : undefined}>{firstName ? `Welcome, ${firstName}` : 'Home'}</PageHeading>
      <Suspense fallback={<div role="status" aria-busy="true" aria-label="Loading…" className="h-24 animate-pulse rounded-lg border border-stone-200 bg-white motion-reduce:animate-none" />}>
        <HomeCockpit workspaceId={workspaceId} managerActions={managerActions} />
      </Suspense>
    </div>
  );
}
