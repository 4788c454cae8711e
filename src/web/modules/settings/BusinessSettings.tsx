import { useParams } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { Card, PageHeading } from '../../ui/PageHeading';
import { LoadingBlock } from '../../ui/Spinner';
import { announce } from '../../ui/Announcer';
import { updateWorkspace, workspaceKeys } from '../workspaces/api';
import { BusinessProfileForm } from '../workspaces/BusinessProfileForm';
import { isManager, useWorkspace } from '../workspaces/useWorkspaces';
import { Forbidden } from './Forbidden';

/** WS-1: the business profile and territory, editable by owners and admins. */
export function BusinessSettings() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const client = useQueryClient();
  const workspace = useWorkspace(workspaceId);
  return (
    <div>
      <PageHeading description="Your business details, used on invoices, emails and booking pages, and the territory you serve.">Business profile</PageHeading>
      {workspace.isPending ? (
        <LoadingBlock label="Loading the business profile…" />
      ) : workspace.isError ? (
        <ErrorAlert>{errorMessage(workspace.error)}</ErrorAlert>
      ) : !isManager(workspace.data.role) ? (
        <Forbidden what="the business profile settings" />
      ) : (
        <Card>
          <BusinessProfileForm
            workspace={workspace.data}
            mode="update"
            submitLabel="Save changes"
            onSubmit={(body) => updateWorkspace(workspaceId, body)}
            onSaved={async (updated) => {
              client.setQueryData(workspaceKeys.one(workspaceId), { ...updated, role: updated.role ?? workspace.data.role });
              announce('Business profile saved.');
              await Promise.all([client.invalidateQueries({ queryKey: ['me'] }), client.invalidateQueries({ queryKey: workspaceKeys.all })]);
            }}
          />
        </Card>
      )}
    </div>
  );
}
