import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useMe } from '../accounts/useMe';
import { useWorkspace } from '../workspaces/useWorkspaces';
import { billingKey, fetchBilling } from './api';

/** BILL-1: at 80 % and 100 % of a plan limit, a banner across the app says so and links to billing. Nothing when billing is off (BILL-4). */
export function BillingBanner({ workspaceId }: { workspaceId: string }) {
  const me = useMe();
  const role = useWorkspace(workspaceId).data?.role;
  const on = me.data?.billingEnabled === true && !!role && role !== 'client';
  const summary = useQuery({ queryKey: billingKey(workspaceId), queryFn: () => fetchBilling(workspaceId), enabled: on, staleTime: 60_000 });
  const warned = summary.data?.usage.filter((u) => u.warning) ?? [];
  if (!on || !warned.length) return null;
  const full = warned.filter((u) => u.warning === 100);
  const names = (full.length ? full : warned).map((u) => u.label).join(', ');
  return (
    <div role="status" className={`mb-4 rounded-md border px-3 py-2 text-sm ${full.length ? 'border-red-200 bg-red-50 text-red-900' : 'border-amber-200 bg-amber-50 text-amber-900'}`}>
      {full.length ? `This workspace has reached its plan's limit of ${names}.` : `This workspace has used 80 % of its ${names}.`}{' '}
      <Link to="/w/$workspaceId/settings/billing" params={{ workspaceId }} className="font-medium underline">
        See plans and usage
      </Link>
    </div>
  );
}
