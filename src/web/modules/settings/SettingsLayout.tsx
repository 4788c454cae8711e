import { useEffect, useRef } from 'react';
import { Link, Outlet, useLocation, useParams } from '@tanstack/react-router';
import { isManager, useWorkspace } from '../workspaces/useWorkspaces';
import { useMe } from '../accounts/useMe';

const tabClass =
  'whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium text-stone-600 hover:bg-stone-100 hover:text-stone-900 aria-[current=page]:bg-white aria-[current=page]:text-teal-900 aria-[current=page]:shadow-sm';

/** Who sees a section: `team` is everyone but clients; `billing` the team when the server has billing on. */
type Audience = 'everyone' | 'team' | 'staff' | 'managers' | 'billing';

/** The sections, in order; each is its own route under /w/<id>/settings/. */
const sections: { path: string; label: string; for?: Audience }[] = [
  { path: 'profile', label: 'Profile' },
  { path: 'sessions', label: 'Sessions' },
  { path: 'team', label: 'Team' },
  { path: 'billing', label: 'Billing', for: 'billing' },
  { path: 'ai-usage', label: 'AI usage', for: 'team' },
  // Staff see how the agents are set up (read-only); owners and admins get the AI section further on.
  { path: 'ai', label: 'AI', for: 'staff' },
  { path: 'ai-browser', label: 'AI in this browser', for: 'team' },
  { path: 'business', label: 'Business', for: 'managers' },
  { path: 'website-assistant', label: 'Website assistant', for: 'managers' },
  { path: 'channels', label: 'Channels', for: 'managers' },
  { path: 'saved-replies', label: 'Saved replies', for: 'team' },
  { path: 'sending-accounts', label: 'Sending accounts', for: 'managers' },
  { path: 'audit', label: 'Audit log', for: 'managers' },
  { path: 'data', label: 'Data', for: 'managers' },
  { path: 'incidents', label: 'Breach incidents', for: 'managers' },
  { path: 'pipelines', label: 'Pipelines', for: 'managers' },
  { path: 'custom-fields', label: 'Custom fields', for: 'managers' },
  { path: 'tags', label: 'Tags', for: 'managers' },
  { path: 'scoring', label: 'Lead scoring', for: 'managers' },
  { path: 'territories', label: 'Territories', for: 'managers' },
  { path: 'access', label: 'Record access', for: 'managers' },
  { path: 'ai', label: 'AI', for: 'managers' },
];

/** Settings sections, each its own route. Owner/admin-only sections are hidden from staff and clients. */
export function SettingsLayout() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const workspace = useWorkspace(workspaceId);
  const manager = isManager(workspace.data?.role);
  // BILL-4: no billing screens unless the server has billing on.
  const billing = useMe().data?.billingEnabled === true && !!workspace.data && workspace.data.role !== 'client';
  const role = workspace.data?.role;
  const sees: Record<Audience, boolean> = { everyone: true, team: !!role && role !== 'client', staff: role === 'staff', managers: manager, billing };
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
          {sections
            .filter((section) => sees[section.for ?? 'everyone'])
            .map((section) => (
              <li key={`${section.path}-${section.for ?? 'everyone'}`}>
                <Link to={`/w/${workspaceId}/settings/${section.path}` as '/'} className={tabClass}>
                  {section.label}
                </Link>
              </li>
            ))}
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}
