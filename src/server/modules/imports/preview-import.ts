import { and, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { badRequest, conflict } from '../../platform/http/errors';
import { loadWorkspaceFacts } from './import-context';
import { importOptionsSchema, type ImportMapping, type ImportObject, type ImportPreview, type PreviewRow } from './imports.contract';
import { imports } from './imports.schema';
import { findImport } from './list-imports';
import { mappingProblems, rowNormaliser } from './normalise-row';
import { readRows, type Encoding, type FileType } from './read-file';
import { suggestMapping, targetsFor } from './targets';
import { storedFilePath } from './upload-import';

const PREVIEW_ROWS = 20;

export function checkMappingShape(mapping: ImportMapping, columnCount: number): void {
  const bad = mapping.find((m) => m.column >= columnCount);
  if (bad) throw badRequest('validation_failed', `The file has no column ${bad.column + 1}.`, { fields: { mapping: `The file has ${columnCount} columns.` }, in: 'body' });
  const seen = new Set<number>();
  for (const m of mapping) {
    if (seen.has(m.column)) throw badRequest('validation_failed', `Column ${m.column + 1} is mapped twice.`, { fields: { mapping: 'Each column is mapped once.' }, in: 'body' });
    seen.add(m.column);
  }
}

/**
 * CRM-7: the first rows of the file as they will be imported with this mapping — values
 * normalised (emails lower-cased, phones E.164, countries as codes) and each row's problems.
 * The mapping and options are kept on the import for the next step.
 */
export async function previewImport(
  db: Db,
  ctx: WorkspaceContext,
  deps: { dataDir: string },
  id: string,
  input: { object: ImportObject; mapping?: ImportMapping; options?: unknown },
): Promise<ImportPreview> {
  return withTenant(db, ctx, async (tx) => {
    const row = await findImport(tx, ctx, id, { lock: true });
    if (row.status !== 'mapping' && row.status !== 'uploaded') throw conflict('import_started', 'This import has already started; its file is no longer available for a preview.');
    const facts = await loadWorkspaceFacts(tx, ctx.workspaceId, input.object);
    const headers = row.columns.map((c) => c.header);
    const mapping = input.mapping ?? (input.object === row.object ? row.mapping : suggestMapping(input.object, headers, facts.customFields));
    checkMappingShape(mapping, headers.length);
    const options = importOptionsSchema.parse(input.options ?? row.options ?? { dedupeKey: input.object === 'companies' ? 'domain' : 'email' });
    const normalise = rowNormaliser({
      object: input.object,
      mapping,
      headers,
      customFields: facts.customFields,
      region: facts.region,
      members: facts.members,
      memberNames: facts.memberNames,
      dedupeKey: input.object === 'email_list' ? 'email' : options.dedupeKey,
      territoryOwner: null,
      importerId: null,
    });
    const emailOf = new Map([...facts.members].filter(([k, v]) => k !== v).map(([email, userId]) => [userId, email]));
    const rows: PreviewRow[] = [];
    let headerSkipped = !row.hasHeader;
    const source = { path: storedFilePath(deps.dataDir, ctx.workspaceId, id), fileType: row.fileType as FileType, encoding: row.encoding as Encoding, delimiter: row.delimiter, hasHeader: row.hasHeader };
    for await (const fileRow of readRows(source, { limit: PREVIEW_ROWS, onBadRecord: (r, reason) => rows.push({ row: r, values: {}, errors: [{ column: null, reason }] }) })) {
      if (!headerSkipped) {
        headerSkipped = true;
        continue;
      }
      const r = normalise(fileRow.cells);
      const values: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(r.values)) {
        if (v === null || v === undefined || k === 'ownerDefault') continue;
        if (k === 'custom') for (const [ck, cv] of Object.entries(v as Record<string, unknown>)) values[`custom:${ck}`] = Array.isArray(cv) ? cv.map(String) : String(cv);
        else if (k === 'owner') values.owner = emailOf.get(v as string) ?? (v as string);
        else values[k] = v as string | string[];
      }
      rows.push({ row: fileRow.row, values, errors: r.ok ? [] : r.problems.map((p) => ({ column: p.column, reason: p.reason })) });
      if (rows.length >= PREVIEW_ROWS) break;
    }
    await tx.update(imports).set({ object: input.object, mapping, options, status: 'mapping' }).where(and(eq(imports.workspaceId, ctx.workspaceId), eq(imports.id, id)));
    return {
      object: input.object,
      targets: targetsFor(input.object, facts.customFields),
      mapping,
      options,
      rows,
      problems: mappingProblems(input.object, mapping, input.object === 'email_list' ? 'email' : options.dedupeKey, facts.customFields),
    };
  });
}
