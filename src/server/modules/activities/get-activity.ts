import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import type { Activity } from './activities.contract';
import { findActivityRow, presentActivity } from './activity-rows';

/** CRM-4: one timeline item with its linked records. */
export async function getActivity(db: Db, ctx: WorkspaceContext, id: string): Promise<Activity> {
  return withTenant(db, ctx, async (tx) => {
    const row = await findActivityRow(tx, ctx, id);
    if (!row) throw notFound('Activity');
    return presentActivity(tx, ctx, row);
  });
}
