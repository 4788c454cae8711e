import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { conflict } from '../../platform/http/errors';
import { invalidFields } from '../../platform/http/field-errors';
import type { SeriesBody } from './invoicing.contract';
import { documentSeries } from './invoicing.schema';
import { checkSeriesFormat, formatDocumentNumber } from './gst';

type SeriesRow = typeof documentSeries.$inferSelect;
const present = ({ workspaceId: _, createdAt: __, ...s }: SeriesRow) => ({ ...s, example: formatDocumentNumber(s, '2026-27', 42 % (10 ** s.digits) || 1) });

/** INV-2: a numbering series; refused when its longest number would exceed 16 characters. */
export async function createSeries(db: Db, ctx: WorkspaceContext, input: SeriesBody) {
  const check = checkSeriesFormat(input);
  if (!check.ok) throw invalidFields({ [check.field]: check.message });
  return withTenant(db, ctx, async (tx) => {
    const [row] = await tx.insert(documentSeries).values({ ...input, workspaceId: ctx.workspaceId }).onConflictDoNothing().returning();
    if (!row) throw conflict('series_exists', `A ${input.documentType} series with prefix "${input.prefix}" exists.`, { field: 'prefix' });
    return present(row);
  });
}

export async function listSeries(db: Db, ctx: WorkspaceContext) {
  return withTenant(db, ctx, async (tx) => ({
    items: (await tx.select().from(documentSeries).where(eq(documentSeries.workspaceId, ctx.workspaceId)).orderBy(asc(documentSeries.createdAt))).map(present),
  }));
}

export async function findSeries(tx: Parameters<Parameters<typeof withTenant>[2]>[0], ctx: WorkspaceContext, id: string) {
  const [row] = await tx.select().from(documentSeries).where(and(eq(documentSeries.workspaceId, ctx.workspaceId), eq(documentSeries.id, id)));
  return row;
}
