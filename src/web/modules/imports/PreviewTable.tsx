import type { ImportMapping, ImportTarget, PreviewRow } from './api';

const show = (v: string | string[] | undefined) => (v === undefined ? '' : Array.isArray(v) ? v.join(', ') : v);

/** Keys a mapped target produces in a preview row (a full name becomes first and last name). */
function keysOf(target: string): string[] {
  if (target === 'name') return ['firstName', 'lastName', 'name'];
  if (target === 'email') return ['emails'];
  if (target === 'phone') return ['phones'];
  return [target];
}

/** CRM-7: the first rows as they will be stored, with each row's problems under it. */
export function PreviewTable({ rows, mapping, targets, headers }: { rows: PreviewRow[]; mapping: ImportMapping; targets: ImportTarget[]; headers: string[] }) {
  const used = [...new Set(mapping.filter((m) => m.target).map((m) => m.target!))];
  const columns = used.flatMap((t) => keysOf(t).map((k) => ({ key: k, label: k === 'firstName' && t === 'name' ? 'First name' : k === 'lastName' && t === 'name' ? 'Last name' : (targets.find((x) => x.key === t)?.label ?? t) })))
    .filter((c, i, all) => all.findIndex((x) => x.key === c.key) === i && (c.key !== 'name' || !used.includes('name') || rows.some((r) => r.values.name !== undefined)));
  if (!rows.length) return <p className="text-sm text-stone-600">The file has no data rows.</p>;
  if (!columns.length) return <p className="text-sm text-stone-600">Map at least one column to see the preview.</p>;
  return (
    <div className="relative overflow-x-auto rounded-md border border-stone-200">
      <table className="min-w-full text-left text-sm">
        <caption className="sr-only">Preview of the first {rows.length} rows ({headers.length} columns in the file)</caption>
        <thead className="bg-stone-50 text-xs text-stone-600 uppercase">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">
              Row
            </th>
            {columns.map((c) => (
              <th key={c.key} scope="col" className="px-3 py-2 font-medium whitespace-nowrap">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-200">
          {rows.map((r) => (
            <PreviewTableRow key={r.row} row={r} columns={columns} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PreviewTableRow({ row, columns }: { row: PreviewRow; columns: { key: string }[] }) {
  const bad = row.errors.length > 0;
  return (
    <>
      <tr className={bad ? 'bg-red-50' : undefined}>
        <th scope="row" className="px-3 py-2 font-normal text-stone-500 tabular-nums">
          {row.row}
        </th>
        {columns.map((c) => (
          <td key={c.key} className="max-w-56 truncate px-3 py-2 text-stone-900" title={show(row.values[c.key])}>
            {show(row.values[c.key])}
          </td>
        ))}
      </tr>
      {bad ? (
        <tr className="bg-red-50">
          <td />
          <td colSpan={columns.length} className="px-3 pb-2 text-xs text-red-800">
            <span className="font-medium">Will not be imported: </span>
            {row.errors.map((e) => `${e.column ? `${e.column}: ` : ''}${e.reason}`).join(' · ')}
          </td>
        </tr>
      ) : null}
    </>
  );
}
