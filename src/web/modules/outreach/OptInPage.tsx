import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { errorMessage } from '../../lib/api';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { outreachApi } from './api';

/**
 * MAIL-4: where a double opt-in confirmation mail leads. Opening it changes nothing (link
 * scanners open links); the button confirms, and that is the consent recorded.
 */
export function OptInPage() {
  const { token } = useParams({ strict: false }) as { token: string };
  const queryClient = useQueryClient();
  const info = useQuery({ queryKey: ['opt-in', token], queryFn: () => outreachApi.optInInfo(token), retry: false });
  const confirm = useMutation({ mutationFn: () => outreachApi.confirmOptIn(token), onSuccess: (data) => queryClient.setQueryData(['opt-in', token], data) });
  const data = info.data;
  return (
    <main className="mx-auto max-w-lg px-4 py-12">
      <h1 className="text-2xl font-semibold text-stone-900">Confirm your subscription</h1>
      {info.isPending ? (
        <p role="status" aria-busy="true" className="mt-4 text-stone-600">
          Loading…
        </p>
      ) : null}
      {info.error ? <ErrorAlert className="mt-4">{errorMessage(info.error)} The link may be incomplete: copy the whole address from the email.</ErrorAlert> : null}
      {data?.confirmed ? <StatusNote className="mt-4">You are subscribed. {data.workspaceName} may now send you email at this address; every one has a link to stop.</StatusNote> : null}
      {data && !data.confirmed && data.expired ? <ErrorAlert className="mt-4">This link has expired. Subscribe again on {data.workspaceName}’s site to get a new one.</ErrorAlert> : null}
      {data && !data.confirmed && !data.expired ? (
        <section className="mt-4 space-y-4">
          <p className="text-stone-700">Receive email from {data.workspaceName} at this address?</p>
          {confirm.error ? <ErrorAlert>{errorMessage(confirm.error)}</ErrorAlert> : null}
          <Button pending={confirm.isPending} pendingLabel="Confirming…" onClick={() => confirm.mutate()}>
            Yes, subscribe me
          </Button>
        </section>
      ) : null}
    </main>
  );
}
