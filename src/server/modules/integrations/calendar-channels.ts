import { and, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { z } from 'zod';
import type { Tx } from '../../platform/db/database';
import { withTenant } from '../../platform/db/tenant';
import { randomToken, safeEqual, sha256 } from '../../platform/crypto/tokens';
import { AppError } from '../../platform/http/errors';
import { defineJob, enqueue } from '../../platform/jobs/jobs';
import type { Services } from '../../platform/services';
import { integrationCalendarBusy, integrationCalendarChannels, integrationConnections } from './integrations.schema';
import { GoogleCalendar } from './providers/google-calendar';

/**
 * BOOK-2: Google Calendar push notifications. Each connected calendar Kestrel reads has an
 * `events.watch` channel posting to our webhook; a notification marks that connection's cached
 * busy times stale at once (for every instance: the cache is a table), so a time that became
 * busy in Google stops being offered without waiting for the cache to age. Channels are opened
 * by a job when a calendar is connected, renewed by an hourly job a day before they expire, and
 * stopped (`channels.stop`) on disconnect. The channel token is `<workspace id>.<secret>`: the
 * webhook finds the row under row-level security by it, and only the token's hash is stored.
 */
export const CHANNEL_TTL_SECONDS = 7 * 86_400;
export const RENEW_BEFORE_MS = 24 * 3_600_000;
export const notificationPath = '/api/integrations/google-calendar/notifications';
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const calendarWatchJob = defineJob({
  name: 'integrations_calendar_watch',
  version: 1,
  payload: z.object({ workspaceId: z.uuid(), connectionId: z.uuid() }),
  maxAttempts: 8,
  async run({ workspaceId, connectionId }, services) {
    await ensureCalendarWatch(services, workspaceId, connectionId);
  },
});

export async function queueCalendarWatch(tx: Tx, workspaceId: string, connectionId: string): Promise<void> {
  await enqueue(tx, calendarWatchJob, { workspaceId, connectionId }, { workspaceId, jobKey: `calendar-watch:${connectionId}` });
}

/** Hourly: connected calendars whose channel expires within a day (or that have none) get a new one. */
export const calendarChannelRenewJob = defineJob({
  name: 'integrations_calendar_channels_renew',
  version: 1,
  payload: z.object({}),
  cron: '17 * * * *',
  async run(_payload, services) {
    await renewCalendarChannels(services);
  },
});

export async function renewCalendarChannels(services: Services, now = new Date()): Promise<number> {
  const due = await services.database.system.execute<{ workspace_id: string; id: string }>(sql`
    SELECT c.workspace_id, c.id FROM ${integrationConnections} c
    WHERE c.provider = 'google_calendar' AND c.status = 'connected'
      AND NOT EXISTS (SELECT 1 FROM ${integrationCalendarChannels} ch
                      WHERE ch.workspace_id = c.workspace_id AND ch.connection_id = c.id AND ch.resource_id IS NOT NULL
                        AND ch.expires_at > ${new Date(now.getTime() + RENEW_BEFORE_MS)})`);
  for (const row of due.rows) {
    await withTenant(services.database.db, { workspaceId: row.workspace_id, userId: null }, (tx) => queueCalendarWatch(tx, row.workspace_id, row.id));
  }
  return due.rows.length;
}

/**
 * Makes sure the connection's calendar has a channel that lives beyond the next day: opens a new
 * one when needed, then stops the older ones. The row is written before Google is asked, so the
 * `sync` message Google sends at once finds it.
 */
export async function ensureCalendarWatch(services: Services, workspaceId: string, connectionId: string): Promise<string | null> {
  const db = services.database.db;
  const scope = { workspaceId, userId: null };
  const state = await withTenant(db, scope, async (tx) => {
    const [c] = await tx.select({ userId: integrationConnections.userId, status: integrationConnections.status }).from(integrationConnections).where(and(eq(integrationConnections.workspaceId, workspaceId), eq(integrationConnections.id, connectionId)));
    if (!c || c.status !== 'connected') return null;
    const channels = await tx.select().from(integrationCalendarChannels).where(and(eq(integrationCalendarChannels.workspaceId, workspaceId), eq(integrationCalendarChannels.connectionId, connectionId)));
    return { userId: c.userId, channels };
  });
  if (!state) return null;
  const live = state.channels.find((ch) => ch.resourceId && ch.expiresAt.getTime() > Date.now() + RENEW_BEFORE_MS);
  if (live) return live.id;
  const id = uuidv7();
  const token = `${workspaceId}.${randomToken(24)}`;
  await withTenant(db, scope, (tx) =>
    tx.insert(integrationCalendarChannels).values({ workspaceId, id, connectionId, tokenHash: sha256(token), expiresAt: new Date(Date.now() + CHANNEL_TTL_SECONDS * 1000) }),
  );
  const google = new GoogleCalendar(services);
  let opened: Awaited<ReturnType<GoogleCalendar['watch']>>;
  try {
    opened = await google.watch(workspaceId, state.userId, { id, address: `${services.config.publicUrl}${notificationPath}`, token, ttlSeconds: CHANNEL_TTL_SECONDS });
  } catch (error) {
    await withTenant(db, scope, (tx) => tx.delete(integrationCalendarChannels).where(and(eq(integrationCalendarChannels.workspaceId, workspaceId), eq(integrationCalendarChannels.id, id))));
    throw error;
  }
  if (!opened) {
    await withTenant(db, scope, (tx) => tx.delete(integrationCalendarChannels).where(and(eq(integrationCalendarChannels.workspaceId, workspaceId), eq(integrationCalendarChannels.id, id))));
    return null;
  }
  await withTenant(db, scope, (tx) =>
    tx.update(integrationCalendarChannels).set({ resourceId: opened.resourceId, expiresAt: opened.expiresAt }).where(and(eq(integrationCalendarChannels.workspaceId, workspaceId), eq(integrationCalendarChannels.id, id))),
  );
  // The calendar may have changed while no channel was listening.
  await withTenant(db, scope, (tx) => invalidateBusy(tx, workspaceId, connectionId));
  for (const old of state.channels) await stopChannel(services, workspaceId, state.userId, old);
  return id;
}

type ChannelRow = typeof integrationCalendarChannels.$inferSelect;

async function stopChannel(services: Services, workspaceId: string, userId: string, ch: ChannelRow): Promise<void> {
  try {
    if (ch.resourceId) await new GoogleCalendar(services).stopChannel(workspaceId, userId, ch.id, ch.resourceId);
  } catch (error) {
    // It expires on its own; its notifications find no row and change nothing.
    services.logger.warn({ workspaceId, channelId: ch.id, err: (error as Error).message }, 'stopping a Google Calendar channel failed');
  }
  await withTenant(services.database.db, { workspaceId, userId: null }, (tx) =>
    tx.delete(integrationCalendarChannels).where(and(eq(integrationCalendarChannels.workspaceId, workspaceId), eq(integrationCalendarChannels.id, ch.id))),
  );
}

/** Disconnect: every channel of the member's calendar connection is stopped while a token still exists. */
export async function stopCalendarWatches(services: Services, workspaceId: string, userId: string): Promise<void> {
  const channels = await withTenant(services.database.db, { workspaceId, userId: null }, (tx) =>
    tx
      .select({ ch: integrationCalendarChannels })
      .from(integrationCalendarChannels)
      .innerJoin(integrationConnections, and(eq(integrationConnections.workspaceId, integrationCalendarChannels.workspaceId), eq(integrationConnections.id, integrationCalendarChannels.connectionId)))
      .where(and(eq(integrationCalendarChannels.workspaceId, workspaceId), eq(integrationConnections.userId, userId), eq(integrationConnections.provider, 'google_calendar'))),
  );
  for (const { ch } of channels) await stopChannel(services, workspaceId, userId, ch);
}

/** Marks a connection's cached busy times stale (a push notification, or Kestrel wrote to the calendar). */
export async function invalidateBusy(tx: Tx, workspaceId: string, connectionId: string): Promise<void> {
  await tx.update(integrationCalendarBusy).set({ invalidatedAt: sql`now()` }).where(and(eq(integrationCalendarBusy.workspaceId, workspaceId), eq(integrationCalendarBusy.connectionId, connectionId)));
}

/** The same, by member: their Google Calendar connection's cached busy times are stale. */
export async function invalidateMemberBusy(services: Services, workspaceId: string, userId: string): Promise<void> {
  await withTenant(services.database.db, { workspaceId, userId: null }, (tx) =>
    tx.execute(sql`UPDATE ${integrationCalendarBusy} b SET invalidated_at = now() FROM ${integrationConnections} c
                   WHERE b.workspace_id = ${workspaceId} AND c.workspace_id = b.workspace_id AND c.id = b.connection_id
                     AND c.user_id = ${userId} AND c.provider = 'google_calendar'`),
  );
}

export interface CalendarNotificationHeaders {
  channelId?: string;
  token?: string;
  resourceId?: string;
  resourceState?: string;
}

/**
 * The webhook: Google says a watched calendar changed (`exists`), or confirms a new channel
 * (`sync`). An unknown channel is a 404 and a wrong token a 401; neither changes anything.
 */
export async function receiveCalendarNotification(services: Services, h: CalendarNotificationHeaders): Promise<void> {
  const token = h.token ?? '';
  const dot = token.indexOf('.');
  const workspaceId = dot > 0 ? token.slice(0, dot) : '';
  if (!uuidPattern.test(workspaceId)) throw new AppError('unauthenticated', 401, 'The notification is not signed.');
  if (!h.channelId || !uuidPattern.test(h.channelId)) throw new AppError('not_found', 404, 'No such channel.');
  await withTenant(services.database.db, { workspaceId, userId: null }, async (tx) => {
    const [ch] = await tx.select().from(integrationCalendarChannels).where(and(eq(integrationCalendarChannels.workspaceId, workspaceId), eq(integrationCalendarChannels.id, h.channelId!)));
    if (!ch || (ch.resourceId && h.resourceId && ch.resourceId !== h.resourceId)) throw new AppError('not_found', 404, 'No such channel.');
    if (!safeEqual(sha256(token), ch.tokenHash)) throw new AppError('unauthenticated', 401, 'The notification is not signed.');
    await tx.update(integrationCalendarChannels).set({ lastMessageAt: new Date() }).where(and(eq(integrationCalendarChannels.workspaceId, workspaceId), eq(integrationCalendarChannels.id, ch.id)));
    // `sync` only confirms the channel; anything else means the calendar's events changed.
    if (h.resourceState !== 'sync') await invalidateBusy(tx, workspaceId, ch.connectionId);
  });
}

// ---------------------------------------------------------------- the shared busy-time cache

export interface CachedBusy {
  userId: string;
  connectionId: string;
  /** The read on file, if any: its window, intervals, when it was read and whether it is still fresh. */
  entry: { from: number; to: number; busy: [number, number][]; fetchedAt: Date; fresh: boolean } | null;
  /** The database's clock when this was read: the time a new read from Google is filed under. */
  dbNow: Date;
}

/**
 * The members' live Google Calendar connections with their cached busy times, in one query.
 * Fresh means read within `freshSeconds` and not invalidated since the read began.
 */
export async function readBusyCache(services: Services, workspaceId: string, userIds: string[], freshSeconds: number): Promise<CachedBusy[]> {
  if (!userIds.length) return [];
  const rows = await withTenant(services.database.db, { workspaceId, userId: null }, (tx) =>
    tx.execute<{ user_id: string; connection_id: string; window_from: Date | string | null; window_to: Date | string | null; busy: [number, number][] | null; fetched_at: Date | string | null; fresh: boolean | null; db_now: Date | string }>(sql`
      SELECT c.user_id, c.id AS connection_id, b.window_from, b.window_to, b.busy, b.fetched_at, now() AS db_now,
             (b.fetched_at > now() - make_interval(secs => ${freshSeconds}) AND (b.invalidated_at IS NULL OR b.invalidated_at < b.fetched_at)) AS fresh
      FROM ${integrationConnections} c
      LEFT JOIN ${integrationCalendarBusy} b ON b.workspace_id = c.workspace_id AND b.connection_id = c.id
      WHERE c.workspace_id = ${workspaceId} AND c.provider = 'google_calendar' AND c.status = 'connected'
        AND c.user_id IN (${sql.join(userIds.map((u) => sql`${u}::uuid`), sql`, `)})`),
  );
  return rows.rows.map((r) => ({
    userId: r.user_id,
    connectionId: r.connection_id,
    entry: r.fetched_at ? { from: new Date(r.window_from!).getTime(), to: new Date(r.window_to!).getTime(), busy: r.busy ?? [], fetchedAt: new Date(r.fetched_at), fresh: r.fresh === true } : null,
    dbNow: new Date(r.db_now),
  }));
}

/** Files a read from Google, unless a later read was filed meanwhile. */
export async function storeBusy(services: Services, workspaceId: string, connectionId: string, read: { from: Date; to: Date; busy: { start: Date; end: Date }[]; fetchedAt: Date }): Promise<void> {
  const busy: [number, number][] = read.busy.map((b) => [b.start.getTime(), b.end.getTime()]);
  await withTenant(services.database.db, { workspaceId, userId: null }, (tx) =>
    tx
      .insert(integrationCalendarBusy)
      .values({ workspaceId, connectionId, windowFrom: read.from, windowTo: read.to, busy, fetchedAt: read.fetchedAt })
      .onConflictDoUpdate({
        target: [integrationCalendarBusy.workspaceId, integrationCalendarBusy.connectionId],
        set: { windowFrom: read.from, windowTo: read.to, busy, fetchedAt: read.fetchedAt },
        setWhere: sql`${integrationCalendarBusy.fetchedAt} <= excluded.fetched_at`,
      }),
  );
}
