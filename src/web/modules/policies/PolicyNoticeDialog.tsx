import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { z } from 'zod';
import type { policyNoticeList } from '../../../server/modules/policies/policies.contract';
import { api, errorMessage } from '../../lib/api';
import { formatDate } from '../../lib/format';
import { ErrorAlert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { Dialog } from '../crm/Dialog';

const fetchNotices = () => api.get<z.infer<typeof policyNoticeList>>('/api/auth/policy-notices');
const acknowledge = (id: string) => api.post<void>(`/api/auth/policy-notices/${encodeURIComponent(id)}/acknowledge`);

/**
 * PRIV-7: a material privacy policy change, shown once signed in until the person acknowledges
 * it. "Later" hides it for this visit only; it comes back at the next sign-in.
 */
export function PolicyNoticeDialog() {
  const queryClient = useQueryClient();
  const notices = useQuery({ queryKey: ['policy-notices'], queryFn: fetchNotices, staleTime: 5 * 60_000 });
  const [later, setLater] = useState<string[]>([]);
  const notice = notices.data?.notices.find((n) => !later.includes(n.id));
  const ack = useMutation({ mutationFn: (id: string) => acknowledge(id), onSuccess: () => queryClient.invalidateQueries({ queryKey: ['policy-notices'] }) });
  if (!notice) return null;
  return (
    <Dialog open onClose={() => setLater((l) => [...l, notice.id])} title="Our privacy policy is changing" description={`${notice.title}, effective ${formatDate(notice.effectiveAt)}`} wide>
      <p className="text-sm font-medium text-stone-900">{notice.summary}</p>
      <details className="mt-3 rounded-md border border-stone-200 bg-stone-50 p-3 text-sm">
        <summary className="cursor-pointer font-medium text-stone-800">Read the new policy</summary>
        <pre className="mt-2 max-h-[40dvh] overflow-y-auto font-sans break-words whitespace-pre-wrap text-stone-800">{notice.body}</pre>
      </details>
      {ack.isError ? <ErrorAlert className="mt-3">{errorMessage(ack.error)}</ErrorAlert> : null}
      <div className="mt-4 flex flex-wrap gap-2">
        <Button onClick={() => ack.mutate(notice.id)} pending={ack.isPending} pendingLabel="Saving…">
          I have read it
        </Button>
        <Button variant="ghost" onClick={() => setLater((l) => [...l, notice.id])}>
          Later
        </Button>
      </div>
    </Dialog>
  );
}
