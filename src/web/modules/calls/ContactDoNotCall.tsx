import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { SideCard } from '../crm/RecordParts';
import { callsApi } from './api';

/** CALL-2: on a contact's page, "don't call me" honoured with one click; shows when they are already on the list. */
export function ContactDoNotCall({ workspaceId, contactId, phone }: { workspaceId: string; contactId: string; phone: string }) {
  const qc = useQueryClient();
  const key = ['calls', workspaceId, 'dnc', 'number', phone];
  const listed = useQuery({ queryKey: key, queryFn: () => callsApi.list(workspaceId, { q: phone }), retry: false });
  const entry = listed.data?.items.find((e) => e.number === phone);
  const mark = useMutation({
    mutationFn: () => callsApi.contactDoNotCall(workspaceId, contactId),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['calls', workspaceId] }),
  });
  if (listed.isError) return null;
  return (
    <SideCard title="Calls">
      {mark.isError ? <ErrorAlert className="mb-2">{errorMessage(mark.error)}</ErrorAlert> : null}
      {entry ? (
        <p className="text-sm text-stone-700">On the do-not-call list{entry.reason ? `: ${entry.reason}` : ''}. They are not offered in the call list.</p>
      ) : (
        <>
          <p className="mb-2 text-sm text-stone-600">If they ask not to be called, put all their numbers on the do-not-call list.</p>
          <Button size="sm" variant="danger" pending={mark.isPending} pendingLabel="Adding…" onClick={() => mark.mutate()} disabled={listed.isPending}>
            Do not call
          </Button>
        </>
      )}
    </SideCard>
  );
}
