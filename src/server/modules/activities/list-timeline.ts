import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import type { ActivityPage, TimelineQuery } from './activities.contract';
import { activities, activityLinks } from './activities.schema';
import { afterCursor, decodeCursor, encodeCursor, presentActivities, recordIsVisible } from './activity-rows';

const singular = { contacts: 'Contact', companies: 'Company', deals: 'Deal' } as const;

/**
 * CRM-4: a record's timeline, newest first, a page at a time. Keyset paging over the links'
 * (occurred_at, activity_id) index, so page 500 costs what page 1 does and an item added
 * meanwhile neither repeats nor skips one.
 */
export async function listTimeline(db: Db, ctx: WorkspaceContext, query: TimelineQuery): Promise<ActivityPage> {
  const cursor = query.cursor ? decodeCursor(query.cursor) : null;
  return withTenant(db, ctx, async (tx) => {
    if (!(await recordIsVisible(tx, ctx, query.recordType, query.recordId))) throw notFound(singular[query.recordType]);
    const where = [eq(activityLinks.workspaceId, ctx.workspaceId), eq(activityLinks.recordType, query.recordType), eq(activityLinks.recordId, query.recordId)];
    if (query.kinds) where.push(inArray(activityLinks.kind, query.kinds));
    if (cursor) where.push(afterCursor(activityLinks.occurredAt, activityLinks.activityId, cursor, 'desc'));
    const page = await tx
      .select({ activityId: activityLinks.activityId, occurredAt: activityLinks.occurredAt })
      .from(activityLinks)
      .where(and(...where))
      .orderBy(desc(activityLinks.occurredAt), desc(activityLinks.activityId))
      .limit(query.limit + 1);
    const more = page.length > query.limit;
    const ids = page.slice(0, query.limit).map((p) => p.activityId);
    const rows = ids.length ? await tx.select().from(activities).where(and(eq(activities.workspaceId, ctx.workspaceId), inArray(activities.id, ids))) : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const ordered = ids.map((id) => byId.get(id)).filter((r) => r !== undefined);
    const last = page[query.limit - 1];
    return { items: await presentActivities(tx, ctx, ordered), nextCursor: more && last ? encodeCursor(last.occurredAt, last.activityId) : null };
  });
}
