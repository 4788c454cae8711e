import type { ViewPage, ViewRow } from './views.contract';

/*
 * Issue 14: the JSON of a page of a view (`POST …/views/query`), written without checking each of
 * its rows against the response schema again. The zod serializer (fastify-type-provider-zod's
 * `safeEncode`) matched every cell of every row against a seven-way union: 11–14 % of the Node CPU
 * of a 50-row contacts page, plus the garbage it left (profiled with --cpu-prof under autocannon,
 * docs/benchmarks.md). The page is built by presentRows from typed values; what this keeps from the
 * schema is that nothing undeclared leaves: each object is rebuilt with the schema's keys only, as
 * zod's encode would strip the others. viewPageSchema still documents the answer (OpenAPI, the web
 * app's types); error answers keep the standard serializer.
 */

type Cell = ViewRow['cells'][string];

function cellOf(value: Cell): Cell {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v: string | { id: string; name: string; color: string | null }) => (typeof v === 'string' ? v : { id: v.id, name: v.name, color: v.color })) as Cell;
  return { id: value.id, label: value.label };
}

export function viewPageJson(page: ViewPage): string {
  const rows = new Array<ViewRow>(page.rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = page.rows[i]!;
    const cells: Record<string, Cell> = {};
    for (const key in row.cells) if (Object.hasOwn(row.cells, key)) cells[key] = cellOf(row.cells[key]!);
    rows[i] = { id: row.id, cells };
  }
  return JSON.stringify({
    columns: page.columns.map((c) => ({ key: c.key, label: c.label, kind: c.kind, sortable: c.sortable, ...(c.money === undefined ? {} : { money: c.money }) })),
    rows,
    nextCursor: page.nextCursor,
    total: page.total === null ? null : { count: page.total.count, exact: page.total.exact },
  });
}
