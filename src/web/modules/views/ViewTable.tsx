import { Link } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { formatDate, formatDateTime } from '../../lib/format';
import { formatAmount } from '../../lib/money';
import { useWorkspace } from '../workspaces/useWorkspaces';
import type { RecordType, ViewPage, ViewRow } from './api';

type Column = ViewPage['columns'][number];
type Cell = ViewRow['cells'][string];

/** The record page of a row (H4's routes). */
export function RecordLink({ workspaceId, type, id, children, className }: { workspaceId: string; type: RecordType; id: string; children: React.ReactNode; className?: string }) {
  const cls = className ?? 'font-medium text-teal-800 hover:underline';
  if (type === 'contacts') return <Link to="/w/$workspaceId/contacts/$contactId" params={{ workspaceId, contactId: id }} className={cls}>{children}</Link>;
  if (type === 'companies') return <Link to="/w/$workspaceId/companies/$companyId" params={{ workspaceId, companyId: id }} className={cls}>{children}</Link>;
  return <Link to="/w/$workspaceId/deals/$dealId" params={{ workspaceId, dealId: id }} className={cls}>{children}</Link>;
}

function CellView({ workspaceId, column, cell, currency }: { workspaceId: string; column: Column; cell: Cell; currency: string | null }) {
  if (cell === null || cell === '' || (Array.isArray(cell) && cell.length === 0)) return <span className="text-stone-400">—</span>;
  // A deal's amount is in the deal's currency (its column); without that column, a number only.
  if (column.money && (typeof cell === 'number' || typeof cell === 'string')) return <>{currency ? formatAmount(cell, currency) : Number(cell).toLocaleString()}</>;
  if (Array.isArray(cell)) {
    return (
      <span className="flex flex-wrap gap-1">
        {cell.map((c) =>
          typeof c === 'string' ? (
            <span key={c} className="rounded bg-stone-100 px-1.5 py-0.5 text-xs">
              {c}
            </span>
          ) : (
            <span key={c.id} className="rounded px-1.5 py-0.5 text-xs" style={{ backgroundColor: c.color ? `${c.color}22` : '#f5f5f4', color: '#292524' }}>
              {c.name}
            </span>
          ),
        )}
      </span>
    );
  }
  if (typeof cell === 'object') {
    if (column.key === 'company' || column.key === 'contact') return <RecordLink workspaceId={workspaceId} type={column.key === 'company' ? 'companies' : 'contacts'} id={cell.id} className="text-stone-800 hover:underline">{cell.label}</RecordLink>;
    return <>{cell.label}</>;
  }
  if (typeof cell === 'boolean') return <>{cell ? 'Yes' : 'No'}</>;
  if (column.kind === 'datetime' || column.kind === 'activity') return <time dateTime={String(cell)}>{formatDateTime(String(cell))}</time>;
  if (column.kind === 'date') return <time dateTime={String(cell)}>{formatDate(`${String(cell)}T00:00:00`)}</time>;
  return <>{String(cell)}</>;
}

const ariaSort = (active: boolean, direction: 'asc' | 'desc') => (active ? (direction === 'asc' ? 'ascending' : 'descending') : undefined);

/**
 * The table of a view. Sortable headers are buttons (aria-sort tells which is active); each row
 * has a checkbox for bulk actions and its first column links to the record. On a phone the
 * table scrolls sideways inside its frame.
 */
export function ViewTable({
  workspaceId,
  object,
  columns,
  rows,
  sort,
  onSort,
  selected,
  allMatching,
  onToggle,
  onToggleAll,
  hasMore,
  loadingMore,
  onLoadMore,
}: {
  workspaceId: string;
  object: RecordType;
  columns: Column[];
  rows: ViewRow[];
  sort: { field: string; direction: 'asc' | 'desc' };
  onSort: (field: string) => void;
  selected: Set<string>;
  allMatching: boolean;
  onToggle: (id: string) => void;
  onToggleAll: (on: boolean) => void;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}) {
  const sentinel = useRef<HTMLDivElement>(null);
  // Custom money fields are in the workspace's currency.
  const workspace = useWorkspace(workspaceId);
  const allChecked = allMatching || (rows.length > 0 && rows.every((r) => selected.has(r.id)));
  const someChecked = !allChecked && rows.some((r) => selected.has(r.id));
  const headerBox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (headerBox.current) headerBox.current.indeterminate = someChecked;
  }, [someChecked]);

  // Infinite scroll: the next page loads as the end of the table comes into view.
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasMore) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !loadingMore) onLoadMore();
    }, { rootMargin: '400px' });
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasMore, loadingMore, onLoadMore]);

  return (
    <div>
      <div className="relative overflow-x-auto rounded-lg border border-stone-200 bg-white">
        <table className="min-w-full divide-y divide-stone-200 text-sm">
          <thead className="bg-stone-50 text-left text-xs font-semibold tracking-wide text-stone-600 uppercase">
            <tr>
              <th scope="col" className="w-10 px-3 py-2">
                <input ref={headerBox} type="checkbox" className="size-4 accent-teal-700" checked={allChecked} onChange={(e) => onToggleAll(e.target.checked)} aria-label="Select every loaded row" />
              </th>
              {columns.map((c) => (
                <th key={c.key} scope="col" className="px-3 py-2 whitespace-nowrap" aria-sort={ariaSort(sort.field === c.key, sort.direction)}>
                  {c.sortable ? (
                    <button type="button" className="inline-flex items-center gap-1 rounded uppercase hover:text-stone-900" onClick={() => onSort(c.key)}>
                      {c.label}
                      <span aria-hidden="true">{sort.field === c.key ? (sort.direction === 'asc' ? '▲' : '▼') : '↕'}</span>
                      <span className="sr-only">{sort.field === c.key ? `, sorted ${sort.direction === 'asc' ? 'ascending' : 'descending'}; activate to reverse` : ', activate to sort'}</span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {rows.map((row) => {
              const checked = allMatching || selected.has(row.id);
              return (
                <tr key={row.id} className={checked ? 'bg-teal-50/60' : 'hover:bg-stone-50'}>
                  <td className="px-3 py-2">
                    <input type="checkbox" className="size-4 accent-teal-700" checked={checked} disabled={allMatching} onChange={() => onToggle(row.id)} aria-label={`Select ${rowTitle(row, columns)}`} />
                  </td>
                  {columns.map((c, i) => (
                    <td key={c.key} className="max-w-72 truncate px-3 py-2 whitespace-nowrap text-stone-800">
                      {i === 0 ? (
                        <RecordLink workspaceId={workspaceId} type={object} id={row.id}>
                          {rowTitle(row, columns)}
                        </RecordLink>
                      ) : (
                        <CellView workspaceId={workspaceId} column={c} cell={row.cells[c.key] ?? null} currency={object === 'deals' ? (typeof row.cells.currency === 'string' ? row.cells.currency : null) : (workspace.data?.currency ?? null)} />
                      )}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div ref={sentinel} className="mt-3 flex justify-center">
        {hasMore ? (
          <button type="button" className="rounded-md border border-stone-300 bg-white px-4 py-2 text-sm font-medium hover:bg-stone-50 disabled:text-stone-400" onClick={onLoadMore} disabled={loadingMore}>
            {loadingMore ? 'Loading…' : 'Load more'}
          </button>
        ) : rows.length ? (
          <p className="text-sm text-stone-500">End of the list.</p>
        ) : null}
      </div>
    </div>
  );
}

/** The first column's text, or a fallback so the link always has a name. */
function rowTitle(row: ViewRow, columns: Column[]): string {
  const first = columns[0] ? row.cells[columns[0].key] : null;
  if (typeof first === 'string' && first) return first;
  if (typeof first === 'number') return String(first);
  if (first && typeof first === 'object' && !Array.isArray(first)) return first.label;
  return 'Open record';
}
