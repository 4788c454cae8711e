import { and, desc, eq, gt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { withTenant } from '../../../platform/db/tenant';
import { bookingEventTypes, bookings } from '../../booking/booking.schema';
import { localParts } from '../../booking/compute-slots';
import { contacts } from '../../crm/crm.schema';
import { loadVisibility, visibleRecords } from '../../crm';
import { defineTool } from '../runtime/tool';

/**
 * BOOK-4 → Recovery: attendees who did not come to a booked meeting (marked no-show by staff)
 * and have not booked again since, each with the booking page to send them back to. Restricted
 * contacts and contacts the member may not see are left out (AI-6).
 */
export const findNoShows = defineTool({
  name: 'find_no_shows',
  description:
    'List attendees marked as no-shows for booked meetings in the last N days who have not booked again since: the contact, the meeting missed (when, in their time zone), and the link to book a new time. ' +
    'Use the link in a re-booking email.',
  input: z.strictObject({
    withinDays: z.number().int().min(1).max(365).default(30),
    contactId: z.uuid().optional().describe('Only this contact'),
    limit: z.number().int().min(1).max(25).default(10),
  }),
  changes: false,
  async run(input, env) {
    const rows = await withTenant(env.services.database.db, env.ctx, async (tx) => {
      const visibility = await loadVisibility(tx, env.ctx);
      const later = sql`EXISTS (SELECT 1 FROM bookings again WHERE again.workspace_id = ${bookings.workspaceId} AND again.contact_id = ${bookings.contactId} AND again.status = 'confirmed' AND again.created_at > ${bookings.noShowAt})`;
      return tx
        .select({
          contactId: contacts.id,
          firstName: contacts.firstName,
          lastName: contacts.lastName,
          title: bookingEventTypes.title,
          slug: bookingEventTypes.slug,
          active: bookingEventTypes.active,
          startsAt: bookings.startsAt,
          timeZone: bookings.attendeeTimeZone,
        })
        .from(bookings)
        .innerJoin(bookingEventTypes, and(eq(bookingEventTypes.workspaceId, bookings.workspaceId), eq(bookingEventTypes.id, bookings.eventTypeId)))
        .innerJoin(contacts, and(eq(contacts.workspaceId, bookings.workspaceId), eq(contacts.id, bookings.contactId)))
        .where(
          and(
            eq(bookings.workspaceId, env.ctx.workspaceId),
            eq(bookings.status, 'no_show'),
            gt(bookings.noShowAt, sql`now() - make_interval(days => ${input.withinDays})`),
            eq(contacts.restricted, false),
            input.contactId ? eq(bookings.contactId, input.contactId) : undefined,
            visibleRecords(visibility, 'contacts'),
            sql`NOT ${later}`,
          ),
        )
        .orderBy(desc(bookings.noShowAt))
        .limit(input.limit);
    });
    const base = env.services.config.publicUrl;
    const lines = rows.map((r) => {
      const name = [r.firstName, r.lastName].filter(Boolean).join(' ') || '(no name)';
      env.records.add('contacts', r.contactId, name);
      const when = localParts(r.startsAt, r.timeZone);
      const link = r.active ? `${base}/book/${env.ctx.workspaceId}/${r.slug}` : 'none (this meeting type is no longer offered; propose a task instead)';
      return `[contacts/${r.contactId}] ${name} — missed "${r.title}" on ${when.date} at ${when.time} (${r.timeZone}). Booking link: ${link}`;
    });
    return { output: lines.length ? lines.join('\n') : 'No no-shows waiting to be re-booked.', summary: `${lines.length} no-show(s)` };
  },
});
