import { and, asc, eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { workspaceProfile } from '../workspaces';
import type { ActivityPage, TasksQuery } from './activities.contract';
import { activities } from './activities.schema';
import { afterCursor, decodeCursor, encodeCursor, presentActivities } from './activity-rows';

/**
 * CRM-4: "my tasks" — tasks by assignee and state, soonest due first (no due date last).
 * "Today" is the workspace's calendar day, in its time zone.
 */
export async function listTasks(db: Db, ctx: WorkspaceContext, query: TasksQuery): Promise<ActivityPage> {
  const cursor = query.cursor ? decodeCursor(query.cursor) : null;
  return withTenant(db, ctx, async (tx) => {
    const dueOrder = sql`coalesce(${activities.taskDueAt}, 'infinity'::timestamptz)`;
    const where: (SQL | undefined)[] = [eq(activities.workspaceId, ctx.workspaceId), eq(activities.kind, 'task')];
    const assignee = query.assignee === 'me' ? ctx.userId : query.assignee === 'anyone' ? null : query.assignee;
    if (query.assignee === 'me' && !assignee) return { items: [], nextCursor: null };
    if (assignee) where.push(eq(activities.assigneeUserId, assignee));
    if (query.status === 'open') where.push(isNull(activities.completedAt));
    if (query.status === 'completed') where.push(isNotNull(activities.completedAt));
    if (query.due) {
      const ws = await workspaceProfile(tx, ctx.workspaceId);
      const tz = ws?.timeZone ?? 'UTC';
      const startOfToday = sql`(date_trunc('day', now() AT TIME ZONE ${tz}) AT TIME ZONE ${tz})`;
      const startOfTomorrow = sql`((date_trunc('day', now() AT TIME ZONE ${tz}) + interval '1 day') AT TIME ZONE ${tz})`;
      if (query.due === 'overdue') where.push(sql`${activities.taskDueAt} < now()`);
      if (query.due === 'today') where.push(sql`${activities.taskDueAt} >= ${startOfToday} AND ${activities.taskDueAt} < ${startOfTomorrow}`);
      if (query.due === 'upcoming') where.push(sql`${activities.taskDueAt} >= ${startOfTomorrow}`);
      if (query.due === 'none') where.push(isNull(activities.taskDueAt));
    }
    if (cursor) where.push(afterCursor(dueOrder, activities.id, cursor, 'asc'));
    const rows = await tx
      .select()
      .from(activities)
      .where(and(...where))
      .orderBy(asc(dueOrder), asc(activities.id))
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return { items: await presentActivities(tx, ctx, page), nextCursor: rows.length > query.limit && last ? encodeCursor(last.taskDueAt, last.id) : null };
  });
}
