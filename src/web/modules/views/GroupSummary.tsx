import { errorMessage } from '../../lib/api';
import type { FilterCondition, FilterGroup, ViewDefinition } from './api';
import { useGroupCounts } from './useViews';

/**
 * CRM-6 grouping: the view's rows counted per value of the group-by field, largest first.
 * Choosing a group narrows the table to it.
 */
export function GroupSummary({ workspaceId, view, onPick }: { workspaceId: string; view: ViewDefinition; onPick: (filter: FilterGroup) => void }) {
  const groups = useGroupCounts(workspaceId, view);
  const field = view.groupBy!;
  const narrow = (value: string | boolean | null) => {
    const condition: FilterCondition =
      value === null ? { field, op: 'is_empty' }
      : typeof value === 'boolean' ? { field, op: value ? 'is_true' : 'is_false' }
      : field === 'tags' ? { field, op: 'has_any', value: [value] }
      : { field, op: 'eq', value };
    const current = view.filter;
    onPick(current && current.conditions.length ? { match: 'all', conditions: [current, condition] } : { match: 'all', conditions: [condition] });
  };
  if (groups.isPending) return <p className="text-sm text-stone-500">Counting groups…</p>;
  if (groups.isError) return <p role="alert" className="text-sm text-red-700">Groups could not be counted. {errorMessage(groups.error)}</p>;
  const list = groups.data.groups;
  return (
    <section aria-label="Groups" className="rounded-lg border border-stone-200 bg-white p-3">
      {list.length === 0 ? (
        <p className="text-sm text-stone-500">No rows to group.</p>
      ) : (
        <ul className="flex flex-wrap gap-2">
          {list.map((g) => (
            <li key={`${String(g.value)}`}>
              <button type="button" className="inline-flex items-center gap-2 rounded-full border border-stone-300 px-3 py-1 text-sm hover:bg-stone-50" onClick={() => narrow(g.value)}>
                <span>{g.label}</span>
                <span className="rounded-full bg-stone-100 px-2 text-xs font-semibold text-stone-700">{g.count.toLocaleString()}</span>
                <span className="sr-only">— show only these</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {groups.data.truncated ? <p className="mt-2 text-xs text-stone-500">Showing the 100 largest groups.</p> : null}
    </section>
  );
}
