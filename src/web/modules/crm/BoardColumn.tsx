import type { UseQueryResult } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useId, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { errorMessage } from '../../lib/api';
import { DropdownPanel, useDisclosure } from '../../ui/Disclosure';
import type { BoardTotals, Deal, Page, Stage } from './api';
import { formatDay, formatMoney } from './format';
import { useOwners } from './useCrm';
import { COLUMN_PAGE } from './useBoard';

const DRAG_TYPE = 'application/x-kestrel-deal';
/** The card being dragged: dataTransfer cannot be read during dragover, so the board remembers it here. */
let dragging: Deal | null = null;

export function BoardColumn({
  workspaceId,
  stage,
  stages,
  column,
  totals,
  canEdit,
  onMove,
  onRetry,
}: {
  workspaceId: string;
  stage: Stage;
  stages: Stage[];
  column: UseQueryResult<Page<Deal>>;
  totals: BoardTotals['stages'][number] | undefined;
  canEdit: boolean;
  onMove: (deal: Deal, to: Stage) => void;
  onRetry: () => void;
}) {
  const [over, setOver] = useState(false);
  const headingId = useId();
  const deals = column.data?.items ?? [];
  const count = totals?.count ?? deals.length;

  const onDragOver = (event: DragEvent) => {
    if (!canEdit || !dragging || dragging.stageId === stage.id) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    if (!over) setOver(true);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    const deal = dragging;
    dragging = null;
    if (deal) onMove(deal, stage);
  };

  return (
    <li
      aria-labelledby={headingId}
      className={`flex w-[min(18rem,80vw)] shrink-0 snap-start flex-col rounded-lg border p-2 transition-colors ${over ? 'border-teal-500 bg-teal-50' : 'border-stone-200 bg-stone-100/70'}`}
      onDragOver={onDragOver}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={onDrop}
      data-stage={stage.name}
    >
      <div className="px-1 pt-1 pb-2">
        <h2 id={headingId} className="flex items-center justify-between gap-2 text-sm font-semibold text-stone-900">
          <span className="truncate">{stage.name}</span>
          <span className="rounded-full bg-white px-2 py-0.5 text-xs font-medium text-stone-600 ring-1 ring-stone-200">
            {count}
            <span className="sr-only"> {count === 1 ? 'deal' : 'deals'}</span>
          </span>
        </h2>
        <p className="mt-0.5 text-xs text-stone-600">
          {totals && totals.totals.length ? totals.totals.map((t) => formatMoney(t.amount, t.currency)).join(' + ') : 'No amount'}
          {stage.kind === 'open' ? ` · ${stage.probability}%` : stage.kind === 'won' ? ' · won' : ' · lost'}
        </p>
      </div>
      {column.isPending ? (
        <div role="status" aria-label={`Loading ${stage.name}…`} className="space-y-2">
          <div className="h-20 animate-pulse rounded-md bg-white motion-reduce:animate-none" />
        </div>
      ) : column.isError ? (
        <div className="rounded-md bg-white p-3 text-sm text-red-700">
          {errorMessage(column.error)}{' '}
          <button type="button" className="font-medium underline" onClick={onRetry}>
            Try again
          </button>
        </div>
      ) : deals.length === 0 ? (
        <p className="rounded-md border border-dashed border-stone-300 px-3 py-6 text-center text-xs text-stone-500">{canEdit ? 'Drop a deal here' : 'No deals'}</p>
      ) : (
        <ul aria-labelledby={headingId} className="space-y-2">
          {deals.map((deal) => (
            <DealCard key={deal.id} workspaceId={workspaceId} deal={deal} stage={stage} stages={stages} canEdit={canEdit} onMove={onMove} />
          ))}
        </ul>
      )}
      {column.data?.nextCursor ? <p className="px-1 pt-2 text-xs text-stone-500">Showing the {COLUMN_PAGE} newest of {count}. Use the table view to see them all.</p> : null}
    </li>
  );
}

function DealCard({ workspaceId, deal, stage, stages, canEdit, onMove }: { workspaceId: string; deal: Deal; stage: Stage; stages: Stage[]; canEdit: boolean; onMove: (deal: Deal, to: Stage) => void }) {
  const owners = useOwners(workspaceId);
  const menu = useDisclosure();
  const cardRef = useRef<HTMLLIElement>(null);
  const hintId = useId();
  const owner = owners.data?.find((m) => m.userId === deal.ownerUserId);
  const index = stages.findIndex((s) => s.id === stage.id);

  const onKeyDown = (event: KeyboardEvent<HTMLLIElement>) => {
    if (event.target !== event.currentTarget || !canEdit) return;
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step) {
      const to = stages[index + step];
      if (!to) return;
      event.preventDefault();
      onMove(deal, to);
      // Focus follows the card into its new column once it is there.
      requestAnimationFrame(() => requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-deal-card="${deal.id}"]`)?.focus()));
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const sibling = (event.key === 'ArrowDown' ? cardRef.current?.nextElementSibling : cardRef.current?.previousElementSibling) as HTMLElement | null;
      sibling?.focus();
    }
  };

  return (
    <li
      ref={cardRef}
      tabIndex={0}
      data-deal-card={deal.id}
      aria-label={`${deal.name}, ${formatMoney(deal.amount, deal.currency)}, in ${stage.name}`}
      aria-describedby={canEdit ? hintId : undefined}
      draggable={canEdit}
      onDragStart={(e) => {
        dragging = deal;
        e.dataTransfer.effectAllowed = 'move';
        e.dataTransfer.setData(DRAG_TYPE, deal.id);
        e.dataTransfer.setData('text/plain', deal.name);
      }}
      onDragEnd={() => {
        dragging = null;
      }}
      onKeyDown={onKeyDown}
      className="relative rounded-md border border-stone-200 bg-white p-3 shadow-xs outline-none focus-visible:ring-2 focus-visible:ring-teal-600 data-[dragging]:opacity-50"
    >
      <div className="flex items-start justify-between gap-2">
        <Link to="/w/$workspaceId/deals/$dealId" params={{ workspaceId, dealId: deal.id }} className="min-w-0 text-sm font-medium break-words text-stone-900 hover:text-teal-800 hover:underline" draggable={false}>
          {deal.name}
        </Link>
        {canEdit ? (
          <div className="relative shrink-0">
            <button {...menu.buttonProps} className="rounded px-1.5 py-0.5 text-xs font-medium text-stone-600 hover:bg-stone-100">
              Move<span className="sr-only"> {deal.name} to another stage</span>
            </button>
            <DropdownPanel open={menu.open} panelProps={menu.panelProps} label={`Move ${deal.name} to`} align="right">
              <p className="px-3 pt-2 pb-1 text-xs font-medium text-stone-500">Move to…</p>
              <ul>
                {stages.map((s) => (
                  <li key={s.id}>
                    <button
                      type="button"
                      disabled={s.id === stage.id}
                      className="block w-full rounded-md px-3 py-2 text-left text-sm hover:bg-stone-100 disabled:font-semibold disabled:text-stone-400"
                      onClick={() => {
                        menu.close();
                        onMove(deal, s);
                      }}
                    >
                      {s.name}
                      {s.id === stage.id ? <span className="sr-only"> (current)</span> : null}
                    </button>
                  </li>
                ))}
              </ul>
            </DropdownPanel>
          </div>
        ) : null}
      </div>
      <p className="mt-1 text-sm font-semibold text-stone-800">{formatMoney(deal.amount, deal.currency)}</p>
      <p className="mt-1 flex flex-wrap gap-x-2 text-xs text-stone-600">
        {owner ? <span>{owner.name}</span> : <span>No owner</span>}
        {deal.expectedCloseDate ? <span>Close {formatDay(deal.expectedCloseDate)}</span> : null}
      </p>
      {canEdit ? (
        <span id={hintId} className="sr-only">
          Left and right arrow keys move the deal to the previous or next stage.
        </span>
      ) : null}
      {stage.kind === 'lost' && deal.lostReason ? <p className="mt-1 text-xs text-stone-500">Lost: {deal.lostReason}</p> : null}
    </li>
  );
}
