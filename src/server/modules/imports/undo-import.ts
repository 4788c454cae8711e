import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { conflict, forbidden } from '../../platform/http/errors';
import { recordAudit } from '../audit';
import type { Import, UndoResult } from './imports.contract';
import { importRecords, imports } from './imports.schema';
import { findImport, mayUndo, presentImport } from './list-imports';
import { objectSql } from './merge';

type Row = Record<string, unknown>;
const rows = async (tx: Tx, query: ReturnType<typeof sql>) => ((await tx.execute(query)) as unknown as { rows: Row[] }).rows;
const count = async (tx: Tx, query: ReturnType<typeof sql>) => Number((await rows(tx, query))[0]?.n ?? 0);

/**
 * Whatever else now points at a record: foreign keys into its table (deals → contacts) and
 * record_type/record_id links of other modules (timeline entries, shares). A created record that
 * is in use is kept rather than deleted from under them.
 */
async function inUseCondition(tx: Tx, table: 'contacts' | 'companies'): Promise<string> {
  const fks = await rows(
    tx,
    sql`SELECT cl.relname AS tbl, a.attname AS col FROM pg_constraint co
        JOIN pg_class cl ON cl.oid = co.conrelid
        JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = co.conkey[2]
        WHERE co.contype = 'f' AND co.confrelid = ${`public.${table}`}::regclass AND array_length(co.conkey, 1) = 2`,
  );
  const links = await rows(
    tx,
    sql`SELECT table_name AS tbl FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'record_id'
        INTERSECT SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'record_type'`,
  );
  const ident = (s: unknown) => `"${String(s).replace(/"/g, '""')}"`;
  const parts = [
    ...fks.map((f) => `EXISTS (SELECT 1 FROM ${ident(f.tbl)} x WHERE x.workspace_id = c.workspace_id AND x.${ident(f.col)} = c.id)`),
    ...links
      .filter((l) => l.tbl !== 'record_tags' && l.tbl !== 'import_records')
      .map((l) => `EXISTS (SELECT 1 FROM ${ident(l.tbl)} x WHERE x.workspace_id = c.workspace_id AND x.record_type = '${table}' AND x.record_id = c.id)`),
  ];
  return parts.length ? `(${parts.join(' OR ')})` : 'false';
}

/**
 * CRM-7: undoes a whole import. Records it created are deleted, records it updated get their
 * before-image back, tags it added are removed — except where someone changed a record since
 * (its version moved on) or now uses a created record: those are kept and counted in the result.
 */
export async function undoImport(db: Db, ctx: WorkspaceContext, id: string): Promise<Import> {
  return withTenant(db, ctx, async (tx) => {
    const row = await findImport(tx, ctx, id, { lock: true });
    if (!mayUndo(ctx, row)) throw forbidden('Only a manager or the person who ran this import can undo it.');
    if (row.status !== 'completed') throw conflict('not_undoable', row.status === 'undone' ? 'This import has already been undone.' : 'Only a completed import can be undone.');
    const ws = ctx.workspaceId;
    const result: UndoResult = { deleted: 0, restored: 0, untagged: 0, keptChanged: 0, keptInUse: 0, keptIds: [] };
    const raw = (text: string) => sql.raw(text);
    const mine = sql`r.workspace_id = ${ws} AND r.import_id = ${id}`;

    // Records changed since the import: left alone, and named in the result.
    const changed = await rows(
      tx,
      sql`SELECT r.record_id AS id FROM import_records r
          LEFT JOIN contacts ct ON r.record_type = 'contacts' AND ct.workspace_id = r.workspace_id AND ct.id = r.record_id
          LEFT JOIN companies co ON r.record_type = 'companies' AND co.workspace_id = r.workspace_id AND co.id = r.record_id
          WHERE ${mine} AND r.action IN ('created', 'updated') AND COALESCE(ct.version, co.version) IS DISTINCT FROM r.version_after
            AND COALESCE(ct.id, co.id) IS NOT NULL`,
    );
    result.keptChanged = changed.length;
    result.keptIds = changed.slice(0, 100).map((c) => String(c.id));

    for (const table of ['contacts', 'companies'] as const) {
      const cols = objectSql[table].update.map(([c]) => c);
      // 1. Updated records get their before-image back (a new version, so open editors see a conflict).
      // Counted in the database: a million ids need not cross to Node (issue 14, memory).
      result.restored += await count(
        tx,
        sql`WITH done AS (
              UPDATE ${raw(table)} c SET ${raw(cols.map((col) => `${col} = b.${col}`).join(', '))}, version = c.version + 1, updated_at = now()
              FROM import_records r CROSS JOIN LATERAL jsonb_populate_record(NULL::${raw(table)}, r.before) b
              WHERE ${mine} AND r.record_type = ${table} AND r.action = 'updated'
                AND c.workspace_id = ${ws} AND c.id = r.record_id AND c.version = r.version_after
              RETURNING 1)
            SELECT count(*)::int AS n FROM done`,
      );
    }

    // 2. Tags the import put on records that stay.
    result.untagged = await count(
      tx,
      sql`WITH done AS (
            DELETE FROM record_tags rt USING import_records r
            WHERE ${mine} AND r.added_tag_ids IS NOT NULL AND r.record_type IN ('contacts', 'companies')
              AND rt.workspace_id = ${ws} AND rt.record_type = r.record_type AND rt.record_id = r.record_id AND rt.tag_id = ANY(r.added_tag_ids)
            RETURNING 1)
          SELECT count(*)::int AS n FROM done`,
    );

    // 3. Created records, contacts before the companies they may point at.
    for (const table of ['contacts', 'companies'] as const) {
      const busy = await inUseCondition(tx, table);
      const inUse = await rows(
        tx,
        sql`SELECT c.id FROM ${raw(table)} c JOIN import_records r ON c.workspace_id = r.workspace_id AND c.id = r.record_id
            WHERE ${mine} AND r.record_type = ${table} AND r.action = 'created' AND c.version = r.version_after AND ${raw(busy)}`,
      );
      result.keptInUse += inUse.length;
      for (const k of inUse) if (result.keptIds.length < 100) result.keptIds.push(String(k.id));
      result.deleted += await count(
        tx,
        sql`WITH gone AS (
              DELETE FROM ${raw(table)} c USING import_records r
              WHERE ${mine} AND r.record_type = ${table} AND r.action = 'created'
                AND c.workspace_id = ${ws} AND c.id = r.record_id AND c.version = r.version_after AND NOT ${raw(busy)}
              RETURNING c.id),
            links AS (DELETE FROM record_tags rt USING gone WHERE rt.workspace_id = ${ws} AND rt.record_type = ${table} AND rt.record_id = gone.id)
            SELECT count(*)::int AS n FROM gone`,
      );
    }

    // 4. Tags the import created that nothing carries any more.
    await tx.execute(sql`DELETE FROM tags t USING import_records r
      WHERE ${mine} AND r.record_type = 'tags' AND t.workspace_id = ${ws} AND t.id = r.record_id
        AND NOT EXISTS (SELECT 1 FROM record_tags rt WHERE rt.workspace_id = ${ws} AND rt.tag_id = t.id)`);

    // The before-images have served their purpose.
    await tx.delete(importRecords).where(and(eq(importRecords.workspaceId, ws), eq(importRecords.importId, id)));
    const [updated] = await tx
      .update(imports)
      .set({ status: 'undone', undoneAt: new Date(), undoneBy: ctx.userId, undoResult: result })
      .where(and(eq(imports.workspaceId, ws), eq(imports.id, id)))
      .returning();
    await recordAudit(tx, ctx, {
      action: 'import.undone',
      targetType: 'import',
      targetId: id,
      details: { fileName: row.fileName, deleted: result.deleted, restored: result.restored, keptChanged: result.keptChanged, keptInUse: result.keptInUse },
    });
    return presentImport(tx, ctx, updated!);
  });
}
