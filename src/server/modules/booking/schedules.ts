import { and, asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { conflict, forbidden, notFound } from '../../platform/http/errors';
import { invalidFields } from '../../platform/http/field-errors';
import { memberRole } from '../workspaces';
import type { scheduleBody, scheduleSchema } from './booking.contract';
import { bookingEventHosts, bookingSchedules } from './booking.schema';

type ScheduleInput = z.infer<typeof scheduleBody>;
type Schedule = z.infer<typeof scheduleSchema>;
const isManager = (ctx: WorkspaceContext) => ctx.role === 'owner' || ctx.role === 'admin';

const present = (r: typeof bookingSchedules.$inferSelect): Schedule => ({ id: r.id, userId: r.userId, name: r.name, timeZone: r.timeZone, weekly: r.weekly, overrides: r.overrides, updatedAt: r.updatedAt.toISOString() });

/** BOOK-1: whose hours a request may set — one's own, or anyone's for a manager. */
async function checkOwner(tx: Tx, ctx: WorkspaceContext, userId: string): Promise<void> {
  if (userId !== ctx.userId && !isManager(ctx)) throw forbidden("Only owners and admins set a teammate's hours.");
  const role = await memberRole(tx, ctx.workspaceId, userId);
  if (!role || role === 'client') throw invalidFields({ userId: 'Not a member of the team.' });
}

export async function createSchedule(db: Db, ctx: WorkspaceContext, input: ScheduleInput): Promise<Schedule> {
  return withTenant(db, ctx, async (tx) => {
    const userId = input.userId ?? ctx.userId!;
    await checkOwner(tx, ctx, userId);
    const [row] = await tx.insert(bookingSchedules).values({ ...input, userId, workspaceId: ctx.workspaceId }).returning();
    return present(row!);
  });
}

async function findSchedule(tx: Tx, ctx: WorkspaceContext, id: string) {
  const [row] = await tx.select().from(bookingSchedules).where(and(eq(bookingSchedules.workspaceId, ctx.workspaceId), eq(bookingSchedules.id, id)));
  if (!row) throw notFound('Schedule');
  if (row.userId !== ctx.userId && !isManager(ctx)) throw forbidden("Only owners and admins change a teammate's hours.");
  return row;
}

export async function updateSchedule(db: Db, ctx: WorkspaceContext, id: string, input: ScheduleInput): Promise<Schedule> {
  return withTenant(db, ctx, async (tx) => {
    const current = await findSchedule(tx, ctx, id);
    if (input.userId && input.userId !== current.userId) throw invalidFields({ userId: 'A schedule stays with its person.' });
    const { userId: _u, ...fields } = input;
    const [row] = await tx.update(bookingSchedules).set({ ...fields, updatedAt: new Date() }).where(and(eq(bookingSchedules.workspaceId, ctx.workspaceId), eq(bookingSchedules.id, id))).returning();
    return present(row!);
  });
}

export async function deleteSchedule(db: Db, ctx: WorkspaceContext, id: string): Promise<void> {
  await withTenant(db, ctx, async (tx) => {
    await findSchedule(tx, ctx, id);
    const [used] = await tx.select({ id: bookingEventHosts.eventTypeId }).from(bookingEventHosts).where(and(eq(bookingEventHosts.workspaceId, ctx.workspaceId), eq(bookingEventHosts.scheduleId, id))).limit(1);
    if (used) throw conflict('schedule_in_use', 'An event type still uses these hours; choose other hours for it first.');
    await tx.delete(bookingSchedules).where(and(eq(bookingSchedules.workspaceId, ctx.workspaceId), eq(bookingSchedules.id, id)));
  });
}

export async function listSchedules(db: Db, ctx: WorkspaceContext): Promise<Schedule[]> {
  return withTenant(db, ctx, async (tx) => (await tx.select().from(bookingSchedules).where(eq(bookingSchedules.workspaceId, ctx.workspaceId)).orderBy(asc(bookingSchedules.name)).limit(500)).map(present));
}
