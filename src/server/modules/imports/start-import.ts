import { and, eq } from 'drizzle-orm';
import { recordAudit } from '../audit';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { badRequest, conflict } from '../../platform/http/errors';
import { enqueue } from '../../platform/jobs/jobs';
import { loadWorkspaceFacts } from './import-context';
import { importJob } from './import.job';
import type { Import, StartImportInput } from './imports.contract';
import { imports } from './imports.schema';
import { findImport, presentImport } from './list-imports';
import { mappingProblems } from './normalise-row';
import { checkMappingShape } from './preview-import';

/**
 * CRM-7: fixes the mapping and options and queues the import job, in the transaction that
 * records it: a mapping that cannot work (no name and no email column…) is refused with 400 first.
 */
export async function startImport(db: Db, ctx: WorkspaceContext, id: string, input: StartImportInput, how: { queue: boolean } = { queue: true }): Promise<Import> {
  return withTenant(db, ctx, async (tx) => {
    const row = await findImport(tx, ctx, id, { lock: true });
    if (row.status !== 'mapping' && row.status !== 'uploaded') throw conflict('import_started', 'This import has already been started.');
    checkMappingShape(input.mapping, row.columns.length);
    const facts = await loadWorkspaceFacts(tx, ctx.workspaceId, input.object);
    const options = { ...input.options, ...(input.object === 'email_list' ? { dedupeKey: 'email' as const } : {}) };
    const problems = mappingProblems(input.object, input.mapping, options.dedupeKey, facts.customFields);
    if (problems.length) throw badRequest('missing_required_column', problems[0]!, { problems });
    if (input.object === 'email_list' && !options.tagName) {
      throw badRequest('validation_failed', 'Name the list the addresses go into.', { fields: { 'options.tagName': 'Name the list.' }, in: 'body' });
    }
    const [updated] = await tx
      .update(imports)
      .set({ object: input.object, mapping: input.mapping, options, status: 'queued', error: null })
      .where(and(eq(imports.workspaceId, ctx.workspaceId), eq(imports.id, id)))
      .returning();
    // The CLI and the benchmark run the import themselves, in the foreground.
    if (how.queue) await enqueue(tx, importJob, { workspaceId: ctx.workspaceId, importId: id }, { workspaceId: ctx.workspaceId });
    await recordAudit(tx, ctx, {
      action: 'import.started',
      targetType: 'import',
      targetId: id,
      details: { fileName: row.fileName, object: input.object, rowsEstimate: row.rowsTotal, dedupeKey: options.dedupeKey, onMatch: options.onMatch, mode: options.mode },
    });
    return presentImport(tx, ctx, updated!);
  });
}
