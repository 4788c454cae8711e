import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { errorMessage } from '../../lib/api';
import { formatDate } from '../../lib/format';
import { ErrorAlert } from '../../ui/Alert';
import { buttonClass } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { PageHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { invoicingApi, invoicingKeys, useInvoicingSettings, type DocumentStatus, type DocumentType } from './api';
import { chipClass, chipLabels, chipOf, inr, quantityText, typeLabels } from './format';
import { InvoicingNav } from './InvoicingNav';

type Filter = 'all' | 'draft' | 'issued' | 'partly_paid' | 'paid' | 'overdue' | 'void';
const filters: { key: Filter; label: string }[] = [
  { key: 'all', label: 'All' }, { key: 'draft', label: 'Draft' }, { key: 'issued', label: 'Issued' }, { key: 'partly_paid', label: 'Partly paid' },
  { key: 'paid', label: 'Paid' }, { key: 'overdue', label: 'Overdue' }, { key: 'void', label: 'Void' },
];
const query = (f: Filter): { status?: DocumentStatus; overdue?: 'true' } =>
  f === 'all' ? {} : f === 'overdue' ? { overdue: 'true' } : f === 'void' ? { status: 'cancelled' } : { status: f };

/** INV-2: quotes, invoices and credit notes with their status, filtered by status and type. */
export function InvoicesPage() {
  const { workspaceId } = useParams({ strict: false }) as { workspaceId: string };
  const [filter, setFilter] = useState<Filter>('all');
  const [type, setType] = useState<DocumentType | ''>('');
  const settings = useInvoicingSettings(workspaceId);
  const q = { ...query(filter), ...(type ? { documentType: type } : {}) };
  const docs = useQuery({ queryKey: invoicingKeys.documents(workspaceId, q), queryFn: () => invoicingApi.documents(workspaceId, q) });
  const low = useQuery({ queryKey: [...invoicingKeys.products(workspaceId), 'low'], queryFn: () => invoicingApi.products(workspaceId, true), enabled: settings.data !== null && settings.isSuccess });
  const newLink = `/w/${workspaceId}/invoices/new` as '/';
  const ready = settings.data !== null;

  return (
    <div className="max-w-5xl">
      <PageHeading
        description="GST invoices, quotes and credit notes, numbered per financial year."
        actions={ready ? (
          <span className="flex flex-wrap gap-2">
            <Link to={`/w/${workspaceId}/invoices/new?type=quote` as '/'} className={buttonClass('secondary')}>New quote</Link>
            <Link to={newLink} className={buttonClass('primary')}>New invoice</Link>
          </span>
        ) : undefined}
      >
        Invoices
      </PageHeading>
      <InvoicingNav workspaceId={workspaceId} />
      {low.data && low.data.items.length > 0 ? (
        <div role="status" className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900" data-testid="low-stock">
          <span className="font-medium">Low stock:</span> {low.data.items.slice(0, 3).map((p) => `${p.name} (${quantityText(p.stockMilli)} left, reorder at ${quantityText(p.reorderLevelMilli)})`).join(', ')}
          {low.data.items.length > 3 ? ` and ${low.data.items.length - 3} more` : ''}.{' '}
          <Link to={`/w/${workspaceId}/invoices/products` as '/'} className="underline">Record a purchase</Link>
        </div>
      ) : null}
      {settings.data === null ? (
        <EmptyState
          title="Set up invoicing first"
          action={<Link to={`/w/${workspaceId}/invoices/settings` as '/'} className={buttonClass('primary')}>Enter GST details</Link>}
        >
          An invoice carries your legal name, GSTIN and state, and a number from a series such as INV/2026-27/0001. Enter them once and you can invoice.
        </EmptyState>
      ) : (
        <>
          <div className="mb-4 flex flex-wrap items-center gap-2">
            <div role="group" aria-label="Status" className="flex flex-wrap gap-1">
              {filters.map((f) => (
                <button key={f.key} type="button" aria-pressed={filter === f.key} onClick={() => setFilter(f.key)}
                  className="rounded-full border border-stone-300 bg-white px-3 py-1 text-sm text-stone-700 hover:bg-stone-50 aria-pressed:border-teal-700 aria-pressed:bg-teal-50 aria-pressed:text-teal-900">
                  {f.label}
                </button>
              ))}
            </div>
            <label className="ml-auto flex items-center gap-2 text-sm text-stone-700">
              Type
              <select value={type} onChange={(e) => setType(e.target.value as DocumentType | '')} className="rounded-md border border-stone-300 bg-white px-2 py-1 text-sm">
                <option value="">All types</option>
                <option value="invoice">Invoices</option>
                <option value="quote">Quotes</option>
                <option value="credit_note">Credit notes</option>
              </select>
            </label>
          </div>
          {docs.isPending ? <SkeletonList rows={4} label="Loading invoices…" /> : docs.isError ? (
            <ErrorAlert>{errorMessage(docs.error)}</ErrorAlert>
          ) : docs.data.items.length === 0 ? (
            filter === 'all' && !type ? (
              <EmptyState title="No invoices yet" action={<Link to={newLink} className={buttonClass('primary')}>New invoice</Link>}>
                Make an invoice for a company or contact from your CRM, or for a walk-in customer. Tax is worked out per line as you type: CGST+SGST in your own state, IGST across states.
              </EmptyState>
            ) : (
              <EmptyState title="Nothing matches">No documents with this status or type. Choose “All” to see every one.</EmptyState>
            )
          ) : (
            <ul className="divide-y divide-stone-200 overflow-hidden rounded-lg border border-stone-200 bg-white">
              {docs.data.items.map((d) => {
                const chip = chipOf(d);
                return (
                  <li key={d.id}>
                    <Link to={`/w/${workspaceId}/invoices/${d.id}` as '/'} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 hover:bg-stone-50">
                      <span className="min-w-0 basis-full sm:basis-0 sm:flex-1">
                        <span className="block truncate font-medium text-stone-900">{d.buyerName}</span>
                        <span className="block text-xs text-stone-500">
                          {typeLabels[d.documentType]} {d.number ?? '(draft)'} · {formatDate(d.documentDate)}
                          {d.dueDate ? ` · due ${formatDate(d.dueDate)}` : ''}
                        </span>
                      </span>
                      <span className={chipClass(chip)}>{chipLabels[chip]}</span>
                      <span className="ml-auto text-right font-medium text-stone-900 tabular-nums sm:ml-0 sm:w-32">{inr(d.grandTotalPaise)}</span>
                    </Link>
                  </li>
                );
              })}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
