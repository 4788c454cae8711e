import { Link, Outlet, useNavigate, useParams } from '@tanstack/react-router';
import { PolicyNoticeDialog } from '../policies/PolicyNoticeDialog';
import { InboxNavItem } from '../conversations/InboxNavItem';
import { useMutation } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { isApiError } from '../../lib/api';
import { setMoneyLocale, workspaceLocale } from '../../lib/money';
import { roleLabels } from '../../lib/format';
import { announce } from '../../ui/Announcer';
import { ErrorAlert } from '../../ui/Alert';
import { buttonClass } from '../../ui/Button';
import { DropdownPanel, useDisclosure } from '../../ui/Disclosure';
import { Logo } from '../../ui/Logo';
import { signOut } from '../accounts/api';
import { useMe, useRefreshSession } from '../accounts/useMe';
import { rememberWorkspace, useWorkspace } from './useWorkspaces';
import { ClosedWorkspace } from '../privacy/ClosedWorkspace';
import { CommandPalette } from '../views/CommandPalette';
import { AiNavItems } from '../agents/AiNavItems';
import { BillingBanner } from '../billing/BillingBanner';
import { NavItem, navLinkClass } from './NavItem';

type NavEntry = { path: string; label: string; icon: ReactNode; exact?: boolean; team?: boolean };

/** The side navigation, in order: records (H4), then the Inbox, work, the AI entries, and setup. `team`: hidden from clients. */
const records: NavEntry[] = [
  { path: '', label: 'Home', exact: true, icon: <path d="M3 9l7-6 7 6v8h-5v-5H8v5H3z" /> },
  {
    path: '/contacts',
    label: 'Contacts',
    icon: (
      <>
        <circle cx="10" cy="7" r="3" />
        <path d="M4 17c.8-3 3.2-4.5 6-4.5s5.2 1.5 6 4.5" />
      </>
    ),
  },
  { path: '/companies', label: 'Companies', icon: <path d="M4 17V4h8v13M12 8h4v9M3 17h14M7 7h2M7 10h2M7 13h2" /> },
  { path: '/deals', label: 'Deals', icon: <path d="M3 5h4v11H3zM8 5h4v7H8zM13 5h4v4h-4z" /> },
];
const work: NavEntry[] = [
  { path: '/tasks', label: 'Tasks', icon: <path d="M4 4h12v12H4zM7 10l2 2 4-4" /> },
  { path: '/calls', label: 'Calls', team: true, icon: <path d="M5 3h3l1.5 4-2 1.3a9 9 0 0 0 4.2 4.2L13 10.5l4 1.5v3a2 2 0 0 1-2 2A12 12 0 0 1 3 5a2 2 0 0 1 2-2z" /> },
  { path: '/campaigns', label: 'Campaigns', team: true, icon: <path d="M3 8v4h3l6 4V4L6 8H3zM15 7.5a3.5 3.5 0 0 1 0 5" /> },
  { path: '/sequences', label: 'Sequences', team: true, icon: <path d="M4 5h12M4 10h8M4 15h4M14 13l2 2-2 2" /> },
  { path: '/templates', label: 'Templates', team: true, icon: <path d="M3 5h14v10H3zM3 5l7 6 7-6" /> },
  { path: '/booking', label: 'Booking', icon: <path d="M4 5h12v11H4zM4 8h12M7 3v3M13 3v3" /> },
  { path: '/invoices', label: 'Invoices', team: true, icon: <path d="M5 2.5h10v15l-2.5-1.5L10 17.5 7.5 16 5 17.5zM8 7h4M8 10h4" /> },
];
const setup: NavEntry[] = [
  { path: '/import', label: 'Import', icon: <path d="M10 3v9M6 8l4 4 4-4M4 14v3h12v-3" /> },
  {
    path: '/settings',
    label: 'Settings',
    icon: (
      <>
        <circle cx="10" cy="10" r="2.5" />
        <path d="M10 2v2.5M10 15.5V18M2 10h2.5M15.5 10H18M4.3 4.3l1.8 1.8M13.9 13.9l1.8 1.8M4.3 15.7l1.8-1.8M13.9 6.1l1.8-1.8" />
      </>
    ),
  },
];

/** The signed-in frame: top bar (menu, workspace switcher, user menu), side navigation, content. */
export function AppShell() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const workspace = useWorkspace(workspaceId);
  const nav = useDisclosure();
  // Money everywhere in this workspace reads in its locale (₹12,50,000 in India, 1.250,50 € in
  // Germany). Set while rendering, before any page below formats an amount.
  setMoneyLocale(workspaceLocale(workspace.data?.country));

  useEffect(() => {
    if (workspace.isSuccess) rememberWorkspace(workspaceId);
  }, [workspace.isSuccess, workspaceId]);

  const noAccess = isApiError(workspace.error) && [403, 404].includes(workspace.error.status);
  // PRIV-3: a closed workspace answers 423 until it is reopened or purged.
  const closed = isApiError(workspace.error) && workspace.error.status === 423;
  const myRole = useMe().data?.workspaces.find((w) => w.id === workspaceId)?.role;
  // Clients see the records, tasks and booking; the rest of the navigation is the team's.
  const team = !!workspace.data && workspace.data.role !== 'client';

  return (
    <div className="min-h-dvh bg-stone-50">
      <a href="#main" className="sr-only z-50 rounded bg-white px-3 py-2 focus:not-sr-only focus:fixed focus:top-2 focus:left-2">
        Skip to content
      </a>
      <header className="sticky top-0 z-20 border-b border-stone-200 bg-white">
        <div className="flex h-14 items-center gap-2 px-3 sm:px-4">
          <button {...nav.buttonProps} className={`${buttonClass('ghost', 'sm')} md:hidden`}>
            <MenuIcon open={nav.open} />
            <span>Menu</span>
          </button>
          <Link to="/w/$workspaceId" params={{ workspaceId }} className="hidden rounded-md sm:inline-flex" aria-label="Kestrel home">
            <Logo withName={false} />
          </Link>
          <WorkspaceSwitcher currentId={workspaceId} currentName={workspace.data?.name} />
          <div className="ml-auto flex items-center gap-2">
            <CommandPalette workspaceId={workspaceId} />
            <UserMenu workspaceId={workspaceId} />
          </div>
        </div>
      </header>
      <div className="mx-auto flex max-w-7xl">
        <nav
          {...nav.panelProps}
          aria-label="Main"
          className={`${nav.open ? 'block' : 'hidden'} fixed inset-x-0 top-14 z-10 border-b border-stone-200 bg-white p-3 shadow-md md:sticky md:top-14 md:block md:h-[calc(100dvh-3.5rem)] md:w-56 md:shrink-0 md:border-r md:border-b-0 md:bg-transparent md:shadow-none`}
        >
          <ul className="space-y-1">
            {records.map((item) => (
              <NavItem key={item.path} workspaceId={workspaceId} {...item} />
            ))}
            <InboxNavItem workspaceId={workspaceId} linkClass={navLinkClass} team={team} />
            {work
              .filter((item) => team || !item.team)
              .map(({ team: _, ...item }) => (
                <NavItem key={item.path} workspaceId={workspaceId} {...item} />
              ))}
            <AiNavItems workspaceId={workspaceId} />
            {setup.map((item) => (
              <NavItem key={item.path} workspaceId={workspaceId} {...item} />
            ))}
          </ul>
        </nav>
        <main id="main" className="min-w-0 flex-1 px-4 py-6 sm:px-8 sm:py-8">
          {noAccess ? (
            <div className="max-w-xl">
              <h1 tabIndex={-1} data-page-heading="" className="mb-4 text-2xl font-semibold text-stone-900 focus:outline-none">
                Workspace not available
              </h1>
              <ErrorAlert>You are not a member of this workspace, or it no longer exists.</ErrorAlert>
              <Link to="/" className={`${buttonClass('secondary')} mt-4`}>
                Go to your workspaces
              </Link>
            </div>
          ) : closed ? (
            <ClosedWorkspace workspaceId={workspaceId} isOwner={myRole === 'owner'} />
          ) : (
            <>
              <BillingBanner workspaceId={workspaceId} />
              <Outlet />
            </>
          )}
        </main>
        <PolicyNoticeDialog />
      </div>
    </div>
  );
}

function WorkspaceSwitcher({ currentId, currentName }: { currentId: string; currentName: string | undefined }) {
  const me = useMe();
  const menu = useDisclosure();
  const workspaces = me.data?.workspaces ?? [];
  const name = currentName ?? workspaces.find((w) => w.id === currentId)?.name ?? 'Workspace';
  return (
    <div className="relative min-w-0">
      <button {...menu.buttonProps} className={`${buttonClass('ghost', 'sm')} max-w-[55vw] sm:max-w-xs`}>
        <span className="sr-only">Workspace: </span>
        <span className="truncate font-semibold text-stone-900">{name}</span>
        <ChevronIcon />
      </button>
      <DropdownPanel open={menu.open} panelProps={menu.panelProps} label="Workspaces">
        <p className="px-3 pt-2 pb-1 text-xs font-medium tracking-wide text-stone-500 uppercase">Your workspaces</p>
        <ul>
          {workspaces.map((w) => (
            <li key={w.id}>
              <Link
                to="/w/$workspaceId"
                params={{ workspaceId: w.id }}
                aria-current={w.id === currentId ? 'true' : undefined}
                className="flex items-center justify-between gap-2 rounded-md px-3 py-2 text-sm hover:bg-stone-100 aria-[current=true]:font-semibold"
                onClick={menu.close}
              >
                <span className="truncate">{w.name}</span>
                <span className="shrink-0 text-xs text-stone-500">{roleLabels[w.role]}</span>
              </Link>
            </li>
          ))}
        </ul>
        <div className="mt-1 border-t border-stone-100 pt-1">
          <Link to="/onboarding" className="flex rounded-md px-3 py-2 text-sm font-medium text-teal-800 hover:bg-stone-100" onClick={menu.close}>
            + Create workspace
          </Link>
        </div>
      </DropdownPanel>
    </div>
  );
}

function UserMenu({ workspaceId }: { workspaceId: string }) {
  const me = useMe();
  const menu = useDisclosure();
  const refresh = useRefreshSession();
  const navigate = useNavigate();
  const out = useMutation({
    mutationFn: signOut,
    onSuccess: async () => {
      await refresh({ clearOthers: true });
      announce('Signed out.');
      await navigate({ to: '/sign-in' });
    },
    onError: () => announce('Signing out did not work. Try again.'),
  });
  const user = me.data?.user;
  const initials = (user?.name ?? '?')
    .split(/\s+/)
    .map((p) => p[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return (
    <div className="relative">
      <button {...menu.buttonProps} className={`${buttonClass('ghost', 'sm')} rounded-full`}>
        <span aria-hidden="true" className="flex size-8 items-center justify-center rounded-full bg-teal-100 text-xs font-semibold text-teal-900">
          {initials}
        </span>
        <span className="sr-only">Account menu for {user?.name ?? 'you'}</span>
      </button>
      <DropdownPanel open={menu.open} panelProps={menu.panelProps} label="Account" align="right">
        <div className="px-3 py-2">
          <p className="truncate text-sm font-medium text-stone-900">{user?.name}</p>
          <p className="truncate text-xs text-stone-500">{user?.email}</p>
        </div>
        <ul className="border-t border-stone-100 pt-1">
          <MenuItem>
            <Link to="/w/$workspaceId/settings/profile" params={{ workspaceId }} className="block rounded-md px-3 py-2 text-sm hover:bg-stone-100" onClick={menu.close}>
              Your settings
            </Link>
          </MenuItem>
          <MenuItem>
            <button type="button" className="block w-full rounded-md px-3 py-2 text-left text-sm hover:bg-stone-100 disabled:text-stone-400" disabled={out.isPending} onClick={() => out.mutate()}>
              {out.isPending ? 'Signing out…' : 'Sign out'}
            </button>
          </MenuItem>
        </ul>
      </DropdownPanel>
    </div>
  );
}

const MenuItem = ({ children }: { children: ReactNode }) => <li>{children}</li>;

function MenuIcon({ open }: { open: boolean }) {
  return (
    <svg viewBox="0 0 20 20" aria-hidden="true" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round">
      {open ? <path d="M5 5l10 10M15 5L5 15" /> : <path d="M3 6h14M3 10h14M3 14h14" />}
    </svg>
  );
}
function ChevronIcon() {
  return (
    <svg viewBox="0 0 20 20" aria-hidden="true" className="size-4 shrink-0 text-stone-500" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round">
      <path d="M6 8l4 4 4-4" />
    </svg>
  );
}
