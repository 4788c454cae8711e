import { and, eq, lte, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import type { WorkspaceContext } from '../../platform/db/tenant';
import { badRequest } from '../../platform/http/errors';
import type { RecordType } from '../crm/crm.contract';
import { companies, contacts, deals } from '../crm/crm.schema';
import { loadVisibility, visibleRecords } from '../crm';
import { toUuidArray } from '../rules/scoring';
import { prepareView } from '../views/compile-view';
import type { BulkSelection } from './bulk.contract';

export const recordTables = { contacts, companies, deals } as const;

/**
 * CRM-9: the rows a bulk operation covers, as a WHERE on the object's table: the workspace, the
 * selection (ids, or a view's filter), what the member may see, and nothing created after the
 * operation started (`upToId`; ids are time-ordered UUIDv7).
 */
export async function selectionWhere(tx: Tx, ctx: WorkspaceContext, object: RecordType, selection: BulkSelection, upToId: string | null): Promise<SQL> {
  const t = recordTables[object];
  const bound = upToId ? lte(t.id, upToId) : undefined;
  if (selection.kind === 'ids') {
    const visible = visibleRecords(await loadVisibility(tx, ctx), object);
    return and(eq(t.workspaceId, ctx.workspaceId), sql`${t.id} = ANY(${toUuidArray(selection.ids)})`, visible, bound)!;
  }
  if (selection.view.object !== object) throw badRequest('validation_failed', 'The view is of another kind of record.', { fields: { 'selection.view.object': `Use a view of ${object}.` }, in: 'body' });
  // The view's own where already carries the workspace and the member's visibility.
  const view = await prepareView(tx, ctx, selection.view, 'selection.view');
  return and(view.where, bound)!;
}
