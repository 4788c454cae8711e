import { Readable } from 'node:stream';
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { importRowErrors } from './imports.schema';
import { findImport } from './list-imports';

const PAGE = 5000;

/** A CSV cell; text a spreadsheet would run as a formula is neutralised with a leading apostrophe. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * CRM-7: the validation report as CSV (row, column, reason, value), streamed page by page so
 * that a report of a hundred thousand lines is never held whole.
 */
export async function reportCsv(db: Db, ctx: WorkspaceContext, id: string): Promise<{ fileName: string; stream: Readable }> {
  const row = await withTenant(db, ctx, (tx) => findImport(tx, ctx, id));
  async function* lines() {
    yield '\ufeffrow,column,reason,value\r\n';
    let after = -1;
    for (;;) {
      const page = await withTenant(db, ctx, (tx) =>
        tx
          .select()
          .from(importRowErrors)
          .where(and(eq(importRowErrors.workspaceId, ctx.workspaceId), eq(importRowErrors.importId, id), gt(importRowErrors.seq, after)))
          .orderBy(asc(importRowErrors.seq))
          .limit(PAGE),
      );
      if (!page.length) return;
      yield page.map((e) => [e.row, e.column, e.reason, e.value].map(csvCell).join(',')).join('\r\n') + '\r\n';
      after = page[page.length - 1]!.seq;
      if (page.length < PAGE) return;
    }
  }
  const base = row.fileName.replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_').slice(0, 80) || 'import';
  return { fileName: `${base}-report.csv`, stream: Readable.from(lines()) };
}
