import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { announce } from '../../ui/Announcer';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { SwitchRow } from '../../ui/Switch';
import { crmKeys } from '../crm/api';
import { useCrmRole } from '../crm/useCrm';
import { Forbidden } from '../settings/Forbidden';
import { rulesKeys, updateCrmSettings } from './api';
import { useCrmSettings } from './useRules';

/** Roles: who sees which records. Owners and admins always see everything; clients see what is shared with them. */
export function RecordAccessSettings() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const { canManage, loading } = useCrmRole(workspaceId);
  const settings = useCrmSettings(workspaceId);
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: (staffOwnRecordsOnly: boolean) => updateCrmSettings(workspaceId, { staffOwnRecordsOnly }),
    onSuccess: async (s) => {
      client.setQueryData(rulesKeys.settings(workspaceId), s);
      announce(s.staffOwnRecordsOnly ? 'Staff now see only the records they own.' : 'Staff now see all records.');
      await client.invalidateQueries({ queryKey: crmKeys.all(workspaceId) });
    },
  });
  if (!loading && !canManage) return <Forbidden what="record access" />;
  return (
    <div>
      <PageHeading description="Owners and admins always see every contact, company and deal. Clients see only the records shared with them, and cannot change them.">Record access</PageHeading>
      <Card labelledBy="staff-access">
        <SectionHeading id="staff-access">Staff</SectionHeading>
        {settings.isPending ? (
          <SkeletonList rows={1} label="Loading…" />
        ) : settings.isError ? (
          <ErrorAlert>{errorMessage(settings.error)}</ErrorAlert>
        ) : (
          <SwitchRow
            label="Staff see only records they own"
            hint="When on, a staff member sees, changes and bulk-edits only the contacts, companies and deals assigned to them. The change is recorded in the audit log."
            checked={settings.data.staffOwnRecordsOnly}
            pending={save.isPending}
            onToggle={() => save.mutate(!settings.data.staffOwnRecordsOnly)}
          />
        )}
        {save.isError ? <ErrorAlert className="mt-3">{errorMessage(save.error)}</ErrorAlert> : null}
      </Card>
    </div>
  );
}
