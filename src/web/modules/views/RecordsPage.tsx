import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { defaultColumns, defaultSort } from '../../../server/modules/views/views.contract';
import { errorMessage, isApiError } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { Button, buttonClass } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { inputClass } from '../../ui/Field';
import { PageHeading } from '../../ui/PageHeading';
import { LoadingBlock } from '../../ui/Spinner';
import { bulkActionsFor } from '../bulk/bulkActionsFor';
import { AddRecord } from '../crm/AddRecord';
import { useCrmRole } from '../crm/useCrm';
import type { FilterGroup, RecordType, SavedView, ViewDefinition } from './api';
import { ColumnChooser } from './ColumnChooser';
import { ExportMenu } from './ExportMenu';
import { emptyCondition, FilterBuilder } from './FilterBuilder';
import { GroupSummary } from './GroupSummary';
import { SavedViewsBar } from './SavedViewsBar';
import { SelectionContext, type RecordSelection } from './selection';
import { useSavedViews, useViewFields, useViewRows } from './useViews';
import { ViewTable } from './ViewTable';

const titles: Record<RecordType, { title: string; all: string; noun: string }> = {
  contacts: { title: 'Contacts', all: 'All contacts', noun: 'contacts' },
  companies: { title: 'Companies', all: 'All companies', noun: 'companies' },
  deals: { title: 'Deals', all: 'All deals', noun: 'deals' },
};

const emptyFilter = (): FilterGroup => ({ match: 'all', conditions: [] });
const baseView = (object: RecordType): ViewDefinition => ({ object, columns: defaultColumns[object], filter: emptyFilter(), sort: { ...defaultSort }, groupBy: null });
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * CRM-6: the table page of contacts, companies or deals — saved views, columns, AND/OR filters,
 * sort, group counts, selection (for H5's bulk actions, through `SelectionContext` and the
 * `bulkActions` slot) and export (CRM-8).
 */
export function RecordsPage({ object, actions, bulkActions }: { object: RecordType; actions?: ReactNode; bulkActions?: (selection: RecordSelection) => ReactNode }) {
  const { workspaceId } = useParams({ strict: false }) as { workspaceId: string };
  const role = useCrmRole(workspaceId);
  const fields = useViewFields(workspaceId, object);
  const [view, setView] = useState<ViewDefinition>(() => baseView(object));
  const [saved, setSaved] = useState<SavedView | null>(null);
  const [draftFilter, setDraftFilter] = useState<FilterGroup | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const { view: viewInUrl } = useSearch({ strict: false }) as { view?: string };
  const savedViews = useSavedViews(workspaceId, object);
  // A view named in the URL is applied before the first rows are asked for.
  // The URL's view already shown (or just chosen here): switching writes the URL after the state.
  const shownFromUrl = useRef<string | undefined>(undefined);
  const waitingForView = !!viewInUrl && viewInUrl !== shownFromUrl.current && saved?.id !== viewInUrl && !savedViews.isError;
  const rows = useViewRows(workspaceId, view, fields.isSuccess && !waitingForView);
  const names = titles[object];

  const applyView = useCallback((next: ViewDefinition) => {
    setView(next);
    setSelected(new Set());
    setAllMatching(false);
  }, []);
  const navigate = useNavigate();
  const show = useCallback(
    (v: SavedView | null) => {
      setSaved(v);
      setDraftFilter(null);
      applyView(v ? { ...baseView(object), ...v.definition, filter: v.definition.filter ?? emptyFilter() } : baseView(object));
    },
    [applyView, object],
  );
  const switchTo = (v: SavedView | null) => {
    shownFromUrl.current = v?.id;
    show(v);
    // The URL names the view, so a reload, the back button or a shared link shows it again.
    void navigate({ to: '.', search: (prev: Record<string, unknown>) => ({ ...prev, view: v?.id }), replace: true });
  };
  // Opening the page with ?view=…: that view once the list is there; one that is gone leaves the URL.
  useEffect(() => {
    if (!viewInUrl || viewInUrl === shownFromUrl.current || !savedViews.data) return;
    shownFromUrl.current = viewInUrl;
    const found = savedViews.data.views.find((v) => v.id === viewInUrl) ?? null;
    if (found) show(found);
    else void navigate({ to: '.', search: (prev: Record<string, unknown>) => ({ ...prev, view: undefined }), replace: true });
  }, [viewInUrl, savedViews.data, show, navigate]);
  const dirty = useMemo(() => !same(view, saved ? { ...baseView(object), ...saved.definition, filter: saved.definition.filter ?? emptyFilter() } : baseView(object)), [view, saved, object]);

  const sort = view.sort ?? defaultSort;
  const onSort = (field: string) =>
    applyView({ ...view, sort: { field, direction: sort.field === field && sort.direction === 'asc' ? 'desc' : sort.field === field ? 'asc' : field === 'createdAt' || field === 'updatedAt' ? 'desc' : 'asc' } });

  const pages = rows.data?.pages ?? [];
  const loadedRows = pages.flatMap((p) => p.rows);
  const total = pages[0]?.total ?? null;
  const columns = pages[0]?.columns ?? [];
  const filterErrors = isApiError(rows.error) ? rows.error.fields : {};
  const activeConditions = view.filter?.conditions.length ?? 0;

  const selection: RecordSelection = {
    object,
    workspaceId,
    ids: [...selected],
    allMatching,
    view,
    total,
    clear: () => {
      setSelected(new Set());
      setAllMatching(false);
    },
  };
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const toggleAll = (on: boolean) => {
    setAllMatching(false);
    setSelected(on ? new Set(loadedRows.map((r) => r.id)) : new Set());
  };
  const loadMore = useCallback(() => {
    if (rows.hasNextPage && !rows.isFetchingNextPage) void rows.fetchNextPage();
  }, [rows]);

  return (
    <SelectionContext.Provider value={selection}>
      <div className="space-y-4">
        <PageHeading
          description={total ? `${total.exact ? '' : 'About '}${total.count.toLocaleString()} ${names.noun}${activeConditions ? ' match' : ''}` : undefined}
          actions={
            role.canEdit || actions ? (
              <div className="flex flex-wrap items-center gap-2">
                {actions}
                {role.canEdit ? <AddRecord workspaceId={workspaceId} object={object} /> : null}
              </div>
            ) : undefined
          }
        >
          {names.title}
        </PageHeading>

        <div className="flex flex-wrap items-center gap-2">
          <SavedViewsBar workspaceId={workspaceId} object={object} allLabel={names.all} current={view} activeId={saved?.id ?? null} dirty={dirty} canSave={role.canEdit} onSwitch={switchTo} />
          <div className="ml-auto flex flex-wrap items-center gap-2">
            <Button size="sm" variant={draftFilter ? 'primary' : 'secondary'} aria-expanded={!!draftFilter} onClick={() => setDraftFilter(draftFilter ? null : (view.filter ?? emptyFilter()))}>
              Filter{activeConditions ? ` (${activeConditions})` : ''}
            </Button>
            {fields.data ? <ColumnChooser fields={fields.data.fields} columns={view.columns ?? defaultColumns[object]} onChange={(columns) => applyView({ ...view, columns })} /> : null}
            {fields.data ? <GroupByPicker fields={fields.data.fields} value={view.groupBy ?? null} onChange={(groupBy) => applyView({ ...view, groupBy })} /> : null}
            {role.canEdit ? <ExportMenu workspaceId={workspaceId} view={view} savedViewId={saved?.id ?? null} dirty={dirty} /> : null}
          </div>
        </div>

        {draftFilter && fields.data ? (
          <section aria-label="Filters" className="rounded-lg border border-stone-200 bg-white p-4">
            <FilterBuilder workspaceId={workspaceId} fields={fields.data.fields} value={draftFilter} onChange={setDraftFilter} errors={filterErrors} />
            <div className="mt-3 flex flex-wrap gap-2 border-t border-stone-100 pt-3">
              <Button size="sm" onClick={() => applyView({ ...view, filter: draftFilter })}>
                Apply filters
              </Button>
              <Button
                size="sm"
                variant="ghost"
                onClick={() => {
                  setDraftFilter(emptyFilter());
                  applyView({ ...view, filter: emptyFilter() });
                }}
              >
                Clear
              </Button>
              {draftFilter.conditions.length === 0 && fields.data.fields.length ? (
                <Button size="sm" variant="ghost" onClick={() => setDraftFilter({ ...draftFilter, conditions: [emptyCondition(fields.data!.fields)] })}>
                  Start with a condition
                </Button>
              ) : null}
            </div>
          </section>
        ) : null}

        {view.groupBy ? <GroupSummary workspaceId={workspaceId} view={view} onPick={(filter) => { setDraftFilter(null); applyView({ ...view, filter }); }} /> : null}

        {selected.size || allMatching ? (
          <div role="region" aria-label="Selection" className="flex flex-wrap items-center gap-3 rounded-lg border border-teal-200 bg-teal-50 px-4 py-2 text-sm">
            <span className="font-medium text-teal-900">
              {allMatching ? `All ${total ? `${total.exact ? '' : '~'}${total.count.toLocaleString()} ` : ''}matching ${names.noun} selected` : `${selected.size} selected`}
            </span>
            {!allMatching && rows.hasNextPage ? (
              <button type="button" className="font-medium text-teal-800 underline" onClick={() => setAllMatching(true)}>
                Select all matching
              </button>
            ) : null}
            <button type="button" className="text-stone-700 underline" onClick={selection.clear}>
              Clear selection
            </button>
            {bulkActions ? <div className="ml-auto">{bulkActions(selection)}</div> : null}
          </div>
        ) : null}

        {fields.isError ? (
          <ErrorAlert>{errorMessage(fields.error)}</ErrorAlert>
        ) : rows.isPending || fields.isPending ? (
          <LoadingBlock />
        ) : rows.isError ? (
          <ErrorAlert title="This view could not be shown">{errorMessage(rows.error)}</ErrorAlert>
        ) : loadedRows.length === 0 ? (
          <EmptyState
            title={activeConditions ? `No ${names.noun} match these filters` : `No ${names.noun} yet`}
            action={!activeConditions && role.canEdit ? <AddRecord workspaceId={workspaceId} object={object} /> : undefined}
          >
            {activeConditions ? 'Change or clear the filters to see more.' : role.canEdit ? (object === 'deals' ? 'Add the first one.' : 'Add one, or import a spreadsheet.') : 'Nothing has been shared with you here yet.'}
          </EmptyState>
        ) : (
          <div aria-busy={rows.isFetching || undefined}>
            <ViewTable
              workspaceId={workspaceId}
              object={object}
              columns={columns}
              rows={loadedRows}
              sort={sort}
              onSort={onSort}
              selected={selected}
              allMatching={allMatching}
              onToggle={toggle}
              onToggleAll={toggleAll}
              hasMore={!!rows.hasNextPage}
              loadingMore={rows.isFetchingNextPage}
              onLoadMore={loadMore}
            />
          </div>
        )}
        {rows.isFetchNextPageError ? <ErrorAlert>The next page could not be loaded. {errorMessage(rows.error)}</ErrorAlert> : null}
      </div>
    </SelectionContext.Provider>
  );
}

function GroupByPicker({ fields, value, onChange }: { fields: { key: string; label: string; groupable: boolean }[]; value: string | null; onChange: (v: string | null) => void }) {
  return (
    <label className="flex items-center gap-1 text-sm text-stone-700">
      <span className="sr-only sm:not-sr-only">Group by</span>
      <select className={`${inputClass} !w-auto !py-1.5`} value={value ?? ''} onChange={(e) => onChange(e.target.value || null)} aria-label="Group by">
        <option value="">No grouping</option>
        {fields.filter((f) => f.groupable).map((f) => (
          <option key={f.key} value={f.key}>
            {f.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export const ContactsListPage = () => <RecordsPage object="contacts" bulkActions={bulkActionsFor} />;
export const CompaniesListPage = () => <RecordsPage object="companies" bulkActions={bulkActionsFor} />;
export const DealsListPage = () => (
  <RecordsPage
    object="deals"
    bulkActions={bulkActionsFor}
    actions={
      <DealsBoardLink />
    }
  />
);

function DealsBoardLink() {
  const { workspaceId } = useParams({ strict: false }) as { workspaceId: string };
  return (
    <Link to="/w/$workspaceId/deals/board" params={{ workspaceId }} className={buttonClass('secondary', 'sm')}>
      Board view
    </Link>
  );
}
