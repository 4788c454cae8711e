import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../lib/api';
import { formatDate } from '../../lib/format';
import { ErrorAlert } from '../../ui/Alert';
import { announce } from '../../ui/Announcer';
import { Button } from '../../ui/Button';
import { invoicingApi, invoicingKeys, type InvoiceDocument } from './api';

/**
 * INV-3, INV-5: money a provider took that did not fit this invoice (it was cancelled, or already
 * paid): shown as needing attention with what to do, until an owner or admin says it was refunded
 * or kept as the customer's credit. Nothing shows while there is none.
 */
export function PaymentIssuesSection({ workspaceId, doc }: { workspaceId: string; doc: InvoiceDocument }) {
  const queryClient = useQueryClient();
  const issues = useQuery({ queryKey: invoicingKeys.paymentIssues(workspaceId, doc.id), queryFn: () => invoicingApi.paymentIssues(workspaceId, doc.id) });
  const resolve = useMutation({
    mutationFn: (v: { id: string; resolution: 'refunded' | 'credit' }) => invoicingApi.resolvePaymentIssue(workspaceId, doc.id, v.id, v.resolution),
    onSuccess: async (i) => {
      await queryClient.invalidateQueries({ queryKey: invoicingKeys.paymentIssues(workspaceId, doc.id) });
      announce(i.resolution === 'refunded' ? 'Marked as refunded.' : "Marked as kept as the customer's credit.");
    },
  });
  if (issues.isPending) return null;
  if (issues.isError) return <ErrorAlert>{errorMessage(issues.error)}</ErrorAlert>;
  if (issues.data.items.length === 0) return null;
  const open = issues.data.items.filter((i) => !i.resolvedAt);
  const settled = issues.data.items.filter((i) => i.resolvedAt);
  return (
    <section aria-labelledby="issues-heading" className={`rounded-lg border p-4 ${open.length ? 'border-amber-300 bg-amber-50' : 'border-stone-200 bg-white'}`}>
      <h2 id="issues-heading" className="mb-2 font-semibold text-stone-900">{open.length ? 'Needs attention' : 'Payments settled by hand'}</h2>
      {resolve.isError ? <ErrorAlert className="mb-2">{errorMessage(resolve.error)}</ErrorAlert> : null}
      <ul className="space-y-3 text-sm">
        {open.map((i) => (
          <li key={i.id} className="space-y-2">
            <p className="font-medium text-stone-900">{i.why}</p>
            <p className="text-stone-700">{i.todo}</p>
            <p className="text-xs text-stone-500">{formatDate(i.createdAt)} · payment {i.providerPaymentId}</p>
            <div className="flex flex-wrap gap-2">
              <Button size="sm" variant="secondary" onClick={() => resolve.mutate({ id: i.id, resolution: 'refunded' })} pending={resolve.isPending && resolve.variables?.id === i.id && resolve.variables.resolution === 'refunded'}>I refunded it</Button>
              <Button size="sm" variant="secondary" onClick={() => resolve.mutate({ id: i.id, resolution: 'credit' })} pending={resolve.isPending && resolve.variables?.id === i.id && resolve.variables.resolution === 'credit'}>Keep as credit</Button>
            </div>
          </li>
        ))}
        {settled.map((i) => (
          <li key={i.id} className="text-stone-600">{i.why} {i.resolution === 'refunded' ? 'Refunded' : 'Kept as credit'} on {formatDate(i.resolvedAt!)}.</li>
        ))}
      </ul>
    </section>
  );
}
