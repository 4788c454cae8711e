import { Link, useNavigate } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { linkClass } from '../../ui/links';
import { Logo } from '../../ui/Logo';
import { announce } from '../../ui/Announcer';
import { AuthHeading } from '../accounts/FocusHeading';
import { useMe } from '../accounts/useMe';
import { createWorkspace, workspaceKeys } from './api';
import { BusinessProfileForm } from './BusinessProfileForm';
import { rememberWorkspace } from './useWorkspaces';

/** WS-1: the first workspace (or another one), with its business profile. */
export function OnboardingPage() {
  const me = useMe();
  const client = useQueryClient();
  const navigate = useNavigate();
  const existing = me.data?.workspaces ?? [];
  const first = existing.length === 0;

  return (
    <div className="min-h-dvh bg-stone-50">
      <header className="flex items-center justify-between px-4 py-5 sm:px-8">
        <Logo />
        {!first && existing[0] ? (
          <Link to="/w/$workspaceId" params={{ workspaceId: existing[0].id }} className={linkClass}>
            Back to {existing[0].name}
          </Link>
        ) : null}
      </header>
      <main id="main" className="mx-auto max-w-3xl px-4 pb-16">
        <div className="rounded-xl border border-stone-200 bg-white p-6 shadow-sm sm:p-8">
          <AuthHeading
            description={
              first
                ? `Welcome${me.data?.user ? `, ${me.data.user.name.split(' ')[0]}` : ''}! Tell us about your business. Only the name is required; you can change everything later in Settings.`
                : 'A separate workspace keeps its own contacts, team and settings. Only the name is required.'
            }
          >
            {first ? 'Set up your business' : 'Create a workspace'}
          </AuthHeading>
          <BusinessProfileForm
            mode="create"
            submitLabel="Create workspace"
            pendingLabel="Creating…"
            onSubmit={createWorkspace}
            onSaved={async (workspace) => {
              rememberWorkspace(workspace.id);
              client.setQueryData(workspaceKeys.one(workspace.id), workspace);
              await Promise.all([client.invalidateQueries({ queryKey: ['me'] }), client.invalidateQueries({ queryKey: workspaceKeys.all })]);
              announce(`Workspace ${workspace.name} created.`);
              await navigate({ to: '/w/$workspaceId', params: { workspaceId: workspace.id } });
            }}
          />
        </div>
      </main>
    </div>
  );
}
