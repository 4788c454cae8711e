import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState, type ReactNode } from 'react';
import { errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { Button, buttonClass } from '../../ui/Button';
import { crmKeys, fetchSummary, type CrmSummary } from './api';
import { CreateCompanyDialog } from './CreateCompanyDialog';
import { CreateContactDialog } from './CreateContactDialog';
import { CreateDealDialog } from './CreateDealDialog';
import { pathTo } from './RecordParts';
import { useCrmRole } from './useCrm';

const count = (c: CrmSummary['contacts']) => `${c.count.toLocaleString()}${c.capped ? '+' : ''}`;

/** The home page's CRM part: how much is in the workspace, and the things people start their day with. */
export function HomeOverview({ workspaceId, managerActions }: { workspaceId: string; managerActions?: ReactNode }) {
  const { canEdit } = useCrmRole(workspaceId);
  const summary = useQuery({ queryKey: crmKeys.summary(workspaceId), queryFn: () => fetchSummary(workspaceId) });
  const [adding, setAdding] = useState<'contact' | 'company' | 'deal' | null>(null);

  const actions = canEdit ? (
    <div className="flex flex-wrap gap-2">
      <Button onClick={() => setAdding('contact')}>Add contact</Button>
      <Button variant="secondary" onClick={() => setAdding('company')}>
        Add company
      </Button>
      <Button variant="secondary" onClick={() => setAdding('deal')}>
        Add deal
      </Button>
      <Link {...pathTo(`/w/${workspaceId}/import`)} className={buttonClass('secondary')}>
        Import contacts
      </Link>
    </div>
  ) : null;
  const dialogs = (
    <>
      <CreateContactDialog workspaceId={workspaceId} open={adding === 'contact'} onClose={() => setAdding(null)} />
      <CreateCompanyDialog workspaceId={workspaceId} open={adding === 'company'} onClose={() => setAdding(null)} />
      <CreateDealDialog workspaceId={workspaceId} open={adding === 'deal'} onClose={() => setAdding(null)} />
    </>
  );

  if (summary.isPending) {
    return (
      <div role="status" aria-busy="true" aria-label="Loading your workspace…" className="grid animate-pulse gap-3 sm:grid-cols-3 motion-reduce:animate-none">
        {[0, 1, 2].map((i) => (
          <div key={i} className="h-24 rounded-lg border border-stone-200 bg-white" />
        ))}
      </div>
    );
  }
  if (summary.isError) return <ErrorAlert>{errorMessage(summary.error)}</ErrorAlert>;

  const s = summary.data;
  const empty = s.contacts.count === 0 && s.companies.count === 0 && s.openDeals.count === 0;
  if (empty) {
    return (
      <section aria-labelledby="crm-empty" className="rounded-xl border border-dashed border-stone-300 bg-white px-6 py-12 text-center">
        <svg viewBox="0 0 48 48" aria-hidden="true" className="mx-auto size-12 text-teal-700" fill="none" stroke="currentColor" strokeWidth="2">
          <rect x="6" y="10" width="36" height="28" rx="4" />
          <path d="M6 18h36M16 26h8M16 31h14" strokeLinecap="round" />
        </svg>
        <h2 id="crm-empty" className="mt-4 text-lg font-semibold text-stone-900">
          Your contacts, companies and deals will live here
        </h2>
        <p className="mx-auto mt-2 max-w-md text-sm text-stone-600">Add the first person you are talking to, bring in a spreadsheet of leads, or start tracking a deal.</p>
        <div className="mt-6 flex flex-wrap justify-center gap-3">
          {actions}
          {managerActions}
        </div>
        {dialogs}
      </section>
    );
  }

  return (
    <div className="space-y-6">
      <ul aria-label="Your records" className="grid gap-3 sm:grid-cols-3">
        <Stat label="Contacts" value={count(s.contacts)} to={`/w/${workspaceId}/contacts`} />
        <Stat label="Companies" value={count(s.companies)} to={`/w/${workspaceId}/companies`} />
        <Stat label="Open deals" value={count(s.openDeals)} to={`/w/${workspaceId}/deals`} />
      </ul>
      <section aria-labelledby="quick-actions" className="rounded-lg border border-stone-200 bg-white p-4 shadow-sm sm:p-6">
        <h2 id="quick-actions" className="mb-3 text-lg font-semibold text-stone-900">
          Get going
        </h2>
        {actions}
        <ul className="mt-4 flex flex-wrap gap-x-6 gap-y-2 text-sm">
          <li>
            <Link {...pathTo(`/w/${workspaceId}/tasks`)} className="font-medium text-teal-700 hover:underline">
              My open tasks →
            </Link>
          </li>
          <li>
            <Link to="/w/$workspaceId/deals/board" params={{ workspaceId }} search={{}} className="font-medium text-teal-700 hover:underline">
              Deals board →
            </Link>
          </li>
        </ul>
        {dialogs}
      </section>
    </div>
  );
}

function Stat({ label, value, to }: { label: string; value: string; to: string }) {
  return (
    <li>
      <Link {...pathTo(to)} className="block rounded-lg border border-stone-200 bg-white p-4 shadow-sm hover:border-teal-300 hover:bg-teal-50/40">
        <span className="block text-sm text-stone-600">{label}</span>
        <span className="mt-1 block text-2xl font-semibold text-stone-900">{value}</span>
      </Link>
    </li>
  );
}
