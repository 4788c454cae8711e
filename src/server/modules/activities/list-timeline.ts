import { and, desc, eq, inArray } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.schema';
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
    // Issue 14: the page of links and its items, with their people's names, in one statement.
    const author = alias(users, 'author');
    const assignee = alias(users, 'assignee');
    const page = await tx
      .select({ occurredAt: activityLinks.occurredAt, item: activities, authorName: author.name, assigneeName: assignee.name })
      .from(activityLinks)
      .innerJoin(activities, and(eq(activities.workspaceId, activityLinks.workspaceId), eq(activities.id, activityLinks.activityId)))
      .leftJoin(author, eq(author.id, activities.authorUserId))
      .leftJoin(assignee, eq(assignee.id, activities.assigneeUserId))
      .where(and(...where))
      .orderBy(desc(activityLinks.occurredAt), desc(activityLinks.activityId))
      .limit(query.limit + 1);
    const more = page.length > query.limit;
    const shown = page.slice(0, query.limit);
    const names = new Map<string, string>();
    for (const p of shown) {
      if (p.item.authorUserId && p.authorName !== null) names.set(p.item.authorUserId, p.authorName);
      if (p.item.assigneeUserId && p.assigneeName !== null) names.set(p.item.assigneeUserId, p.assigneeName);
    }
    const ordered = shown.map((p) => p.item);
    const last = more ? page[query.limit - 1] : undefined;
    return { items: await presentActivities(tx, ctx, ordered, names), nextCursor: last ? encodeCursor(last.occurredAt, last.item.id) : null };
  });
}
