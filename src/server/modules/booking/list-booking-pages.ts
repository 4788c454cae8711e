import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import { notFound } from '../../platform/http/errors';
import { workspaceProfile } from '../workspaces';
import type { BookingPages } from './booking.contract';
import { bookingEventHosts, bookingEventTypes } from './booking.schema';
import { hostsOf } from './event-types';

/**
 * BOOK-1: the team's booking page (every active event type of the workspace that has a host),
 * or one member's (the event types they host, alone or with the team). Public: titles, lengths,
 * how a time is given out and the hosts' names — nothing about bookings.
 */
export async function listBookingPages(tx: Tx, workspaceId: string, hostUserId?: string): Promise<BookingPages> {
  const ws = await workspaceProfile(tx, workspaceId);
  if (!ws) throw notFound('Booking page');
  const where = [eq(bookingEventTypes.workspaceId, workspaceId), eq(bookingEventTypes.active, true)];
  if (hostUserId) {
    const hosted = tx.select({ id: bookingEventHosts.eventTypeId }).from(bookingEventHosts).where(and(eq(bookingEventHosts.workspaceId, workspaceId), eq(bookingEventHosts.userId, hostUserId)));
    where.push(inArray(bookingEventTypes.id, hosted));
  }
  const rows = await tx.select().from(bookingEventTypes).where(and(...where)).orderBy(asc(bookingEventTypes.createdAt)).limit(100);
  const hosts = await hostsOf(tx, { workspaceId }, rows.map((r) => r.id));
  const pages = rows.flatMap((r) => {
    const names = hosts.filter((h) => h.eventTypeId === r.id).map((h) => h.name);
    return names.length ? [{ slug: r.slug, title: r.title, description: r.description, durationMinutes: r.durationMinutes, assignment: r.assignment, locationKind: r.locationKind, hostNames: names, path: `/book/${workspaceId}/${r.slug}` }] : [];
  });
  // A member, or a workspace, with nothing to book is not a page: the answer says nothing about
  // whether they exist (not even the workspace's name).
  if (!pages.length) throw notFound('Booking page');
  const hostName = hostUserId ? (hosts.find((h) => h.userId === hostUserId)?.name ?? null) : null;
  return { workspaceName: ws.name, hostName, pages };
}
