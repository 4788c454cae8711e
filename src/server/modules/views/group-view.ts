import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { recordTags, tags } from '../crm/crm.schema';
import { prepareView } from './compile-view';
import { presentRows } from './read-rows';
import type { GroupCounts, groupCountsBody } from './views.contract';

const MAX_GROUPS = 100;

/** CRM-6: how many rows of the view fall in each value of the group-by field, largest first. */
export async function groupView(db: Db, ctx: WorkspaceContext, body: z.infer<typeof groupCountsBody>): Promise<GroupCounts> {
  return withTenant(db, ctx, async (tx) => {
    const view = await prepareView(tx, ctx, body.view);
    const field = view.catalog.get(body.view.groupBy)!;
    const { table } = view;
    if (field.kind === 'tags') {
      // One row per tag carried; a record with two tags counts in both groups.
      const rows = await tx
        .select({ value: tags.id, label: tags.name, count: sql<number>`count(*)::int` })
        .from(table)
        .innerJoin(recordTags, and(eq(recordTags.workspaceId, table.workspaceId), eq(recordTags.recordType, view.object), eq(recordTags.recordId, table.id)))
        .innerJoin(tags, and(eq(tags.workspaceId, recordTags.workspaceId), eq(tags.id, recordTags.tagId)))
        .where(view.where)
        .groupBy(tags.id, tags.name)
        .orderBy(sql`count(*) DESC`, tags.name)
        .limit(MAX_GROUPS + 1);
      return { field: field.key, groups: rows.slice(0, MAX_GROUPS).map((r) => ({ value: r.value, label: r.label, count: r.count })), truncated: rows.length > MAX_GROUPS };
    }
    // Custom checkbox values are absent when unchecked: group them with "false".
    const key = field.custom && field.kind === 'boolean' ? sql`coalesce((${field.value})::boolean, false)` : field.custom ? sql`(${table.custom} ->> ${field.custom.key})` : sql`${field.value}`;
    const rows = await tx
      .select({ value: sql<string | boolean | null>`${key}`, count: sql<number>`count(*)::int` })
      .from(table)
      .where(view.where)
      .groupBy(sql`1`)
      .orderBy(sql`2 DESC`, sql`1`)
      .limit(MAX_GROUPS + 1);
    const kept = rows.slice(0, MAX_GROUPS);
    const labelled = field.kind === 'user' || field.kind === 'ref' ? await presentRows(tx, ctx, view.object, [field], kept.map((r, i) => ({ id: String(i), c0: r.value }))) : null;
    return {
      field: field.key,
      groups: kept.map((r, i) => {
        const cell = labelled?.[i]?.cells[field.key];
        const label = cell && typeof cell === 'object' && 'label' in cell ? cell.label : r.value === null ? `No ${field.label.toLowerCase()}` : String(r.value);
        return { value: r.value === null ? null : typeof r.value === 'boolean' ? r.value : String(r.value), label, count: r.count };
      }),
      truncated: rows.length > MAX_GROUPS,
    };
  });
}
