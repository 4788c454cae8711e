import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { errorMessage } from '../../lib/api';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { outreachApi } from './api';

/**
 * MAIL-4: where the footer link of a marketing email leads. Opening it changes nothing (link
 * scanners open links); the button unsubscribes at once. It names the sender and nothing more.
 */
export function UnsubscribePage() {
  const { token } = useParams({ strict: false }) as { token: string };
  const queryClient = useQueryClient();
  const info = useQuery({ queryKey: ['unsubscribe', token], queryFn: () => outreachApi.unsubscribeInfo(token), retry: false });
  const confirm = useMutation({ mutationFn: () => outreachApi.unsubscribe(token), onSuccess: (data) => queryClient.setQueryData(['unsubscribe', token], data) });
  const data = info.data;
  return (
    <main className="mx-auto max-w-lg px-4 py-12">
      <h1 className="text-2xl font-semibold text-stone-900">Unsubscribe</h1>
      {info.isPending ? (
        <p role="status" aria-busy="true" className="mt-4 text-stone-600">
          Loading…
        </p>
      ) : null}
      {info.error ? <ErrorAlert className="mt-4">{errorMessage(info.error)} The link may be incomplete: copy the whole address from the email.</ErrorAlert> : null}
      {data?.unsubscribed ? (
        <StatusNote className="mt-4">
          You are unsubscribed. {data.workspaceName} will send you no more marketing email at this address.
        </StatusNote>
      ) : null}
      {data && !data.unsubscribed ? (
        <section className="mt-4 space-y-4">
          <p className="text-stone-700">Stop marketing email from {data.workspaceName} to this address?</p>
          {confirm.error ? <ErrorAlert>{errorMessage(confirm.error)}</ErrorAlert> : null}
          <Button pending={confirm.isPending} pendingLabel="Unsubscribing…" onClick={() => confirm.mutate()}>
            Unsubscribe
          </Button>
        </section>
      ) : null}
    </main>
  );
}
