import { useEffect, useRef } from 'react';
import { Link, Outlet, useLocation, useParams } from '@tanstack/react-router';
import { isManager, useWorkspace } from '../workspaces/useWorkspaces';
import { useMe } from '../accounts/useMe';

const tabClass =
  'whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium text-stone-600 hover:bg-stone-100 hover:text-stone-900 aria-[current=page]:bg-white aria-[current=page]:text-teal-900 aria-[current=page]:shadow-sm';

/** Settings sections, each its own route. Owner/admin-only sections are hidden from staff and clients. */
export function SettingsLayout() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const workspace = useWorkspace(workspaceId);
  const manager = isManager(workspace.data?.role);
  // BILL-4: no billing screens unless the server has billing on.
  const billing = useMe().data?.billingEnabled === true && !!workspace.data && workspace.data.role !== 'client';
  const params = { workspaceId };
  // Fifteen sections do not fit one row: they wrap on wider screens and scroll sideways on a phone,
  // where the open section is brought into view.
  const nav = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  useEffect(() => {
    nav.current?.querySelector('[aria-current="page"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [pathname, manager, billing]);
  return (
    <div className="max-w-4xl">
      <p className="mb-2 text-sm font-medium text-stone-500">Settings</p>
      <nav ref={nav} aria-label="Settings" className="relative -mx-1 mb-6 overflow-x-auto px-1 sm:overflow-visible">
        <ul className="inline-flex min-w-full gap-1 rounded-lg bg-stone-100 p-1 sm:flex sm:flex-wrap">
          <li>
            <Link to="/w/$workspaceId/settings/profile" params={params} className={tabClass}>
              Profile
            </Link>
          </li>
          <li>
            <Link to="/w/$workspaceId/settings/sessions" params={params} className={tabClass}>
              Sessions
            </Link>
          </li>
          <li>
            <Link to="/w/$workspaceId/settings/team" params={params} className={tabClass}>
              Team
            </Link>
          </li>
          {billing ? (
            <li>
              <Link to="/w/$workspaceId/settings/billing" params={params} className={tabClass}>
                Billing
              </Link>
            </li>
          ) : null}
          {workspace.data && workspace.data.role !== 'client' ? (
            <li>
              <Link to="/w/$workspaceId/settings/ai-usage" params={params} className={tabClass}>
                AI usage
              </Link>
            </li>
          ) : null}
          {workspace.data?.role === 'staff' ? (
            <li>
              {/* Staff see how the agents are set up (read-only); owners and admins get the tab below. */}
              <Link to="/w/$workspaceId/settings/ai" params={params} className={tabClass}>
                AI
              </Link>
            </li>
          ) : null}
          {workspace.data && workspace.data.role !== 'client' ? (
            <li>
              <Link to="/w/$workspaceId/settings/ai-browser" params={params} className={tabClass}>
                AI in this browser
              </Link>
            </li>
          ) : null}
          {manager ? (
            <>
              <li>
                <Link to="/w/$workspaceId/settings/business" params={params} className={tabClass}>
                  Business
                </Link>
              </li>
              <li>
                <Link to={`/w/${params.workspaceId}/settings/website-assistant` as '/'} className={tabClass}>
                  Website assistant
                </Link>
              </li>
              <li>
                <Link to={`/w/${params.workspaceId}/settings/channels` as '/'} className={tabClass}>
                  Channels
                </Link>
              </li>
              <li>
                <Link to={`/w/${params.workspaceId}/settings/sending-accounts` as '/'} className={tabClass}>
                  Sending accounts
                </Link>
              </li>
              <li>
                <Link to="/w/$workspaceId/settings/audit" params={params} className={tabClass}>
                  Audit log
                </Link>
              </li>
              <li>
                <Link to="/w/$workspaceId/settings/data" params={params} className={tabClass}>
                  Data
                </Link>
              </li>
              <li>
                <Link to="/w/$workspaceId/settings/incidents" params={params} className={tabClass}>
                  Breach incidents
                </Link>
              </li>
              <li>
                <Link to="/w/$workspaceId/settings/pipelines" params={params} className={tabClass}>
                  Pipelines
                </Link>
              </li>
              <li>
                <Link to="/w/$workspaceId/settings/custom-fields" params={params} className={tabClass}>
                  Custom fields
                </Link>
              </li>
              <li>
                <Link to="/w/$workspaceId/settings/tags" params={params} className={tabClass}>
                  Tags
                </Link>
              </li>
              <li>
                <Link to="/w/$workspaceId/settings/scoring" params={params} className={tabClass}>
                  Lead scoring
                </Link>
              </li>
              <li>
                <Link to="/w/$workspaceId/settings/territories" params={params} className={tabClass}>
                  Territories
                </Link>
              </li>
              <li>
                <Link to="/w/$workspaceId/settings/access" params={params} className={tabClass}>
                  Record access
                </Link>
              </li>
              <li>
                <Link to="/w/$workspaceId/settings/ai" params={params} className={tabClass}>
                  AI
                </Link>
              </li>
            </>
          ) : null}
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}
