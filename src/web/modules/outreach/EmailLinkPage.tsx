import { useMutation, useQuery, useQueryClient, type UseMutationResult, type UseQueryResult } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { PublicPage } from '../../ui/PublicPage';

/**
 * MAIL-4: a page a link in an email leads to (unsubscribe, confirm a subscription). Opening it
 * changes nothing — link scanners open links — and only the button acts; the server's answer to
 * it replaces what the page shows.
 */
export function useEmailLink<T>(key: string, read: (token: string) => Promise<T>, act: (token: string) => Promise<T>) {
  const { token } = useParams({ strict: false }) as { token: string };
  const queryClient = useQueryClient();
  const info = useQuery({ queryKey: [key, token], queryFn: () => read(token), retry: false });
  const confirm = useMutation({ mutationFn: () => act(token), onSuccess: (data) => queryClient.setQueryData([key, token], data) });
  return { info, confirm };
}

/** The page around it: the title, then loading, a link that does not work, or `children`. */
export function EmailLinkPage({ title, info, children }: { title: string; info: UseQueryResult<unknown>; children: ReactNode }) {
  return (
    <PublicPage title={title} query={info} width="max-w-lg" errorHint=" The link may be incomplete: copy the whole address from the email.">
      {children}
    </PublicPage>
  );
}

/** The question and the one button that acts on it. */
export function EmailLinkAction({ question, confirm, label, pendingLabel }: { question: ReactNode; confirm: UseMutationResult<unknown, Error, void>; label: string; pendingLabel: string }) {
  return (
    <section className="mt-4 space-y-4">
      <p className="text-stone-700">{question}</p>
      {confirm.error ? <ErrorAlert>{errorMessage(confirm.error)}</ErrorAlert> : null}
      <Button pending={confirm.isPending} pendingLabel={pendingLabel} onClick={() => confirm.mutate()}>
        {label}
      </Button>
    </section>
  );
}
