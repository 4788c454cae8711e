import { Link } from '@tanstack/react-router';

const tabClass =
  'rounded-md px-3 py-1.5 text-sm font-medium whitespace-nowrap text-stone-600 hover:text-stone-900 aria-[current=page]:bg-white aria-[current=page]:text-stone-900 aria-[current=page]:shadow-sm';

/** The invoicing area's own sections: documents, products and stock, expenses, reports, GST settings. */
export function InvoicingNav({ workspaceId }: { workspaceId: string }) {
  const to = (path: string) => `/w/${workspaceId}/invoices${path}` as '/';
  return (
    <nav aria-label="Invoicing" className="mb-6 flex flex-wrap gap-1 rounded-lg bg-stone-100 p-1">
      <Link to={to('')} activeOptions={{ exact: true }} className={tabClass}>Documents</Link>
      <Link to={to('/products')} className={tabClass}>Products & stock</Link>
      <Link to={to('/expenses')} className={tabClass}>Expenses</Link>
      <Link to={to('/reports')} className={tabClass}>Reports & GST</Link>
      <Link to={to('/settings')} className={tabClass}>Settings</Link>
    </nav>
  );
}
