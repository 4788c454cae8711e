import { and, desc, eq, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { companies, contacts, deals } from '../crm/crm.schema';
import { loadVisibility, visibleRecords } from '../crm';
import type { Activity } from './activities.contract';
import { activities, activityLinks } from './activities.schema';
import { presentActivities } from './activity-rows';

const recordTables = { contacts, companies, deals } as const;

/**
 * CRM-4: what the team logged most recently across the workspace, newest first. A member who
 * sees only some records sees the items on those records' timelines (and their own).
 */
export async function listRecentActivity(db: Db, ctx: WorkspaceContext, opts: { limit: number }): Promise<Activity[]> {
  return withTenant(db, ctx, async (tx) => {
    const v = await loadVisibility(tx, ctx);
    let visible: SQL | undefined;
    if (v.kind !== 'all') {
      const onVisibleRecord = (['contacts', 'companies', 'deals'] as const).map((type) => {
        const t = recordTables[type];
        return sql`EXISTS (SELECT 1 FROM ${activityLinks} JOIN ${t} ON ${t.workspaceId} = ${activityLinks.workspaceId} AND ${t.id} = ${activityLinks.recordId}
          WHERE ${activityLinks.workspaceId} = ${activities.workspaceId} AND ${activityLinks.activityId} = ${activities.id} AND ${activityLinks.recordType} = ${type} AND ${visibleRecords(v, type)})`;
      });
      visible = or(...onVisibleRecord, ctx.userId ? eq(activities.authorUserId, ctx.userId) : undefined, ctx.userId ? eq(activities.assigneeUserId, ctx.userId) : undefined);
    }
    // Ids are time-ordered (uuidv7): newest written first, straight from the primary key.
    const rows = await tx
      .select()
      .from(activities)
      .where(and(eq(activities.workspaceId, ctx.workspaceId), visible))
      .orderBy(desc(activities.id))
      .limit(opts.limit);
    return presentActivities(tx, ctx, rows);
  });
}
