import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { conflict, notFound } from '../../platform/http/errors';
import { users } from '../accounts/accounts.schema';
import { FieldErrors } from '../../platform/http/field-errors';
import type { CreateEventTypeInput, EventType, UpdateEventTypeInput } from './booking.contract';
import { bookingEventHosts, bookingEventTypes, bookingSchedules } from './booking.schema';
import type { SlotRules } from './compute-slots';
import { workspaceMembers } from '../workspaces';

export type EventTypeRow = typeof bookingEventTypes.$inferSelect;

/** BOOK-1: the rules the slot computation applies, from an event type's row. */
export function rulesOf(e: EventTypeRow): SlotRules {
  return {
    durationMinutes: e.durationMinutes,
    bufferBeforeMinutes: e.bufferBeforeMinutes,
    bufferAfterMinutes: e.bufferAfterMinutes,
    minNoticeMinutes: e.minNoticeMinutes,
    slotIntervalMinutes: e.slotIntervalMinutes ?? e.durationMinutes,
    window: e.windowKind === 'range' && e.windowStart && e.windowEnd ? { kind: 'range', start: e.windowStart, end: e.windowEnd } : { kind: 'rolling', days: e.windowDays },
    dailyCap: e.dailyCap,
    weeklyCap: e.weeklyCap,
    seats: e.seats,
  };
}

export async function hostsOf(tx: Tx, ctx: Pick<WorkspaceContext, 'workspaceId'>, eventTypeIds: string[]) {
  if (!eventTypeIds.length) return [];
  return tx
    .select({ eventTypeId: bookingEventHosts.eventTypeId, userId: bookingEventHosts.userId, scheduleId: bookingEventHosts.scheduleId, name: users.name, email: users.email })
    .from(bookingEventHosts)
    .innerJoin(users, eq(users.id, bookingEventHosts.userId))
    .where(and(eq(bookingEventHosts.workspaceId, ctx.workspaceId), inArray(bookingEventHosts.eventTypeId, eventTypeIds)))
    .orderBy(asc(users.name));
}

async function present(tx: Tx, ctx: WorkspaceContext, rows: EventTypeRow[]): Promise<EventType[]> {
  const hosts = await hostsOf(tx, ctx, rows.map((r) => r.id));
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    title: r.title,
    description: r.description,
    assignment: r.assignment,
    hosts: hosts.filter((h) => h.eventTypeId === r.id).map((h) => ({ userId: h.userId, scheduleId: h.scheduleId, name: h.name })),
    durationMinutes: r.durationMinutes,
    bufferBeforeMinutes: r.bufferBeforeMinutes,
    bufferAfterMinutes: r.bufferAfterMinutes,
    minNoticeMinutes: r.minNoticeMinutes,
    slotIntervalMinutes: r.slotIntervalMinutes,
    windowKind: r.windowKind,
    windowDays: r.windowDays,
    windowStart: r.windowStart,
    windowEnd: r.windowEnd,
    dailyCap: r.dailyCap,
    weeklyCap: r.weeklyCap,
    seats: r.seats,
    locationKind: r.locationKind,
    locationValue: r.locationValue,
    questions: r.questions,
    active: r.active,
    publicPath: `/book/${r.workspaceId}/${r.slug}`,
  }));
}

/** Each host must be a team member and host by one of their own schedules. */
async function checkHosts(tx: Tx, ctx: WorkspaceContext, hosts: { userId: string; scheduleId: string }[], errors: FieldErrors) {
  const members = await workspaceMembers(tx, ctx.workspaceId, { userIds: hosts.map((h) => h.userId) });
  const schedules = await tx.select({ id: bookingSchedules.id, userId: bookingSchedules.userId }).from(bookingSchedules).where(and(eq(bookingSchedules.workspaceId, ctx.workspaceId), inArray(bookingSchedules.id, hosts.map((h) => h.scheduleId))));
  if (new Set(hosts.map((h) => h.userId)).size !== hosts.length) errors.add('hosts', 'A host is named twice.');
  hosts.forEach((h, i) => {
    const m = members.find((x) => x.userId === h.userId);
    if (!m || m.role === 'client') errors.add(`hosts.${i}.userId`, 'Hosts are members of the team.');
    if (!schedules.some((s) => s.id === h.scheduleId && s.userId === h.userId)) errors.add(`hosts.${i}.scheduleId`, "Not one of this host's schedules.");
  });
}

const slugTaken = (slug: string) => conflict('slug_taken', `Another event type already uses the link "${slug}".`, { fields: { slug: 'Already used.' } });

export async function createEventType(db: Db, ctx: WorkspaceContext, input: CreateEventTypeInput): Promise<EventType> {
  return withTenant(db, ctx, async (tx) => {
    const errors = new FieldErrors();
    await checkHosts(tx, ctx, input.hosts, errors);
    errors.throwIfAny();
    const { hosts, ...fields } = input;
    const [row] = await tx.insert(bookingEventTypes).values({ ...fields, workspaceId: ctx.workspaceId, createdByUserId: ctx.userId }).onConflictDoNothing().returning();
    if (!row) throw slugTaken(input.slug);
    await tx.insert(bookingEventHosts).values(hosts.map((h) => ({ ...h, workspaceId: ctx.workspaceId, eventTypeId: row.id })));
    return (await present(tx, ctx, [row]))[0]!;
  });
}

export async function updateEventType(db: Db, ctx: WorkspaceContext, id: string, input: UpdateEventTypeInput): Promise<EventType> {
  return withTenant(db, ctx, async (tx) => {
    const current = await findEventType(tx, ctx, id, { lock: true });
    const { hosts, ...fields } = input;
    const errors = new FieldErrors();
    if (hosts) await checkHosts(tx, ctx, hosts, errors);
    const assignment = fields.assignment ?? current.assignment;
    if (assignment === 'single' && hosts && hosts.length !== 1) errors.add('hosts', 'A personal event type has exactly one host.');
    errors.throwIfAny();
    if (fields.slug && fields.slug !== current.slug) {
      const [taken] = await tx.select({ id: bookingEventTypes.id }).from(bookingEventTypes).where(and(eq(bookingEventTypes.workspaceId, ctx.workspaceId), eq(bookingEventTypes.slug, fields.slug)));
      if (taken) throw slugTaken(fields.slug);
    }
    const [row] = await tx.update(bookingEventTypes).set({ ...fields, updatedAt: new Date() }).where(and(eq(bookingEventTypes.workspaceId, ctx.workspaceId), eq(bookingEventTypes.id, id))).returning();
    if (hosts) {
      await tx.delete(bookingEventHosts).where(and(eq(bookingEventHosts.workspaceId, ctx.workspaceId), eq(bookingEventHosts.eventTypeId, id)));
      await tx.insert(bookingEventHosts).values(hosts.map((h) => ({ ...h, workspaceId: ctx.workspaceId, eventTypeId: id })));
    }
    return (await present(tx, ctx, [row!]))[0]!;
  });
}

export async function findEventType(tx: Tx, ctx: Pick<WorkspaceContext, 'workspaceId'>, id: string, opts: { lock?: boolean } = {}): Promise<EventTypeRow> {
  const q = tx.select().from(bookingEventTypes).where(and(eq(bookingEventTypes.workspaceId, ctx.workspaceId), eq(bookingEventTypes.id, id)));
  const [row] = opts.lock ? await q.for('update') : await q;
  if (!row) throw notFound('Event type');
  return row;
}

export async function listEventTypes(db: Db, ctx: WorkspaceContext): Promise<EventType[]> {
  return withTenant(db, ctx, async (tx) => present(tx, ctx, await tx.select().from(bookingEventTypes).where(eq(bookingEventTypes.workspaceId, ctx.workspaceId)).orderBy(asc(bookingEventTypes.title)).limit(500)));
}

export async function getEventType(db: Db, ctx: WorkspaceContext, id: string): Promise<EventType> {
  return withTenant(db, ctx, async (tx) => (await present(tx, ctx, [await findEventType(tx, ctx, id)]))[0]!);
}
