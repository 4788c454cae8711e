import { and, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { badRequest, conflict, notFound } from '../../platform/http/errors';
import type { Activity } from './activities.contract';
import { activities } from './activities.schema';
import { findActivityRow, presentActivity } from './activity-rows';

/**
 * CRM-4: ticks a task done, or opens it again. Any team member may (a colleague finishing a
 * shared task is normal). Completing twice is not an error: the first completion time stays.
 * A completed task's pending reminder finds it completed and sends nothing.
 */
export async function setTaskState(db: Db, ctx: WorkspaceContext, id: string, state: 'completed' | 'open', version?: number): Promise<Activity> {
  return withTenant(db, ctx, async (tx) => {
    const before = await findActivityRow(tx, ctx, id, { lock: true });
    if (!before) throw notFound('Activity');
    if (before.kind !== 'task') throw badRequest('not_a_task', 'Only tasks can be completed or reopened.');
    if (version !== undefined && version !== before.version) {
      throw conflict('version_conflict', 'Someone else changed this task since you opened it. Review the current version and try again.', { current: await presentActivity(tx, ctx, before) });
    }
    if ((state === 'completed') === !!before.completedAt) return presentActivity(tx, ctx, before);
    const change = state === 'completed' ? { completedAt: new Date(), completedByUserId: ctx.userId } : { completedAt: null, completedByUserId: null };
    const [row] = await tx
      .update(activities)
      .set({ ...change, version: before.version + 1, updatedAt: new Date() })
      .where(and(eq(activities.workspaceId, ctx.workspaceId), eq(activities.id, id)))
      .returning();
    return presentActivity(tx, ctx, row!);
  });
}
