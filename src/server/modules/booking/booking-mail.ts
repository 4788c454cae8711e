import { and, eq, isNull } from 'drizzle-orm';
import { createEvent } from 'ics';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Tx } from '../../platform/db/database';
import { withTenant } from '../../platform/db/tenant';
import { defineJob, enqueue } from '../../platform/jobs/jobs';
import type { MailAttachment } from '../../platform/mail/mail.schema';
import { queueRenderedMail } from '../../platform/mail/outbox';
import { renderMail } from '../../platform/mail/templates';
import type { Services } from '../../platform/services';
import { workspaceProfile } from '../workspaces';
import { oneLine } from './booking.contract';
import { bookingToken } from './booking-tokens';
import { queueCalendarSync } from './calendar-sync';
import { answerLines, meetingPlace } from './meeting-text';
import { bookingEventTypes, bookings } from './booking.schema';
import { emitBookingEvent } from './booking-events';
import type { BookingRow } from './book-slot';
import { hostsOf } from './event-types';

export type BookingChange = 'booked' | 'rescheduled' | 'cancelled_by_attendee' | 'cancelled_by_host' | 'no_show' | 'reminder';


const when = (at: Date, zone: string) => DateTime.fromJSDate(at, { zone }).toFormat("cccc d LLLL yyyy, HH:mm '('ZZZZ')'");

/**
 * BOOK-4: an iCalendar invitation calendar apps accept: METHOD REQUEST (or CANCEL), one UID for
 * the booking across reschedules, SEQUENCE raised on every change. Built with the `ics` library,
 * which escapes and folds text; values are made single-line first all the same.
 */
export function bookingIcs(b: BookingRow, e: { title: string; locationKind: string; locationValue: string | null; questions: { id: string; label: string }[] }, organizer: { name: string; email: string }, method: 'REQUEST' | 'CANCEL'): MailAttachment {
  const { error, value } = createEvent({
    productId: 'kestrel/booking',
    method,
    uid: b.icalUid,
    sequence: b.sequence,
    status: method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
    start: b.startsAt.getTime(),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: b.endsAt.getTime(),
    endInputType: 'utc',
    endOutputType: 'utc',
    title: oneLine(`${e.title} with ${b.attendeeName}`),
    description: answerLines(b.answers, e.questions).join('\n') || undefined,
    location: meetingPlace(e),
    organizer: { name: oneLine(organizer.name), email: organizer.email },
    attendees: [{ name: oneLine(b.attendeeName), email: b.attendeeEmail, rsvp: false, partstat: 'ACCEPTED', role: 'REQ-PARTICIPANT' }],
  });
  if (error || !value) throw error ?? new Error('ICS could not be built');
  return { filename: method === 'CANCEL' ? 'cancel.ics' : 'invite.ics', contentType: `text/calendar; charset=utf-8; method=${method}`, content: value };
}

/** BOOK-4: the reminder before a meeting: a day before, or an hour before when booked later than that. */
export const bookingReminderJob = defineJob({
  name: 'booking_reminder',
  version: 1,
  payload: z.object({ workspaceId: z.uuid(), bookingId: z.uuid() }),
  maxAttempts: 5,
  async run({ workspaceId, bookingId }, services) {
    await withTenant(services.database.db, { workspaceId, userId: null }, async (tx) => {
      const [b] = await tx
        .select()
        .from(bookings)
        .where(and(eq(bookings.workspaceId, workspaceId), eq(bookings.id, bookingId), eq(bookings.status, 'confirmed'), isNull(bookings.reminderSentAt)))
        .for('update');
      if (!b || b.startsAt.getTime() < Date.now()) return;
      await tx.update(bookings).set({ reminderSentAt: new Date() }).where(and(eq(bookings.workspaceId, workspaceId), eq(bookings.id, bookingId)));
      await notifyBooking(tx, services, b, 'reminder');
    });
  },
});

export function reminderTime(b: Pick<BookingRow, 'startsAt' | 'createdAt'>, now = new Date()): Date | null {
  for (const hours of [24, 1]) {
    const at = new Date(b.startsAt.getTime() - hours * 3600_000);
    if (at > now) return at;
  }
  return null;
}

/**
 * BOOK-4: mail about a booking change, queued in the change's transaction: the attendee gets
 * the invitation (or its cancellation) with reschedule and cancel links, each host a notice.
 */
export async function notifyBooking(tx: Tx, services: Services, b: BookingRow, change: BookingChange, previous?: BookingRow): Promise<void> {
  if (change === 'no_show') return;
  if (change !== 'reminder') {
    const kind = change === 'booked' ? 'booked' : change === 'rescheduled' ? 'rescheduled' : 'cancelled';
    await emitBookingEvent(tx, services, { kind, booking: b, ...(previous ? { previous } : {}), actor: null });
  }
  const [e] = await tx.select().from(bookingEventTypes).where(and(eq(bookingEventTypes.workspaceId, b.workspaceId), eq(bookingEventTypes.id, b.eventTypeId)));
  const ws = await workspaceProfile(tx, b.workspaceId);
  const hosts = (await hostsOf(tx, b, [b.eventTypeId])).filter((h) => b.hostUserIds.includes(h.userId));
  const organizer = hosts[0] ?? { name: ws!.name, email: services.mail.from };
  const title = oneLine(e!.title);
  const attendee = oneLine(b.attendeeName);
  const hostNames = hosts.map((h) => oneLine(h.name)).join(', ');
  const cancelled = change === 'cancelled_by_attendee' || change === 'cancelled_by_host';
  const ics = bookingIcs(b, e!, organizer, cancelled ? 'CANCEL' : 'REQUEST');
  const appUrl = services.config.publicUrl;
  const links = cancelled
    ? []
    : [
        { label: 'Reschedule', url: `${appUrl}/book/manage/${bookingToken(services.secrets.sessionSecret, 'reschedule', b.workspaceId, b.id)}?action=reschedule` },
        { label: 'Cancel', url: `${appUrl}/book/manage/${bookingToken(services.secrets.sessionSecret, 'cancel', b.workspaceId, b.id)}?action=cancel` },
      ];
  const theirTime = when(b.startsAt, b.attendeeTimeZone);
  const subjects: Record<Exclude<BookingChange, 'no_show'>, string> = {
    booked: `Confirmed: ${title} with ${hostNames}`,
    rescheduled: `Rescheduled: ${title} with ${hostNames}`,
    cancelled_by_attendee: `Cancelled: ${title} with ${hostNames}`,
    cancelled_by_host: `Cancelled: ${title} with ${hostNames}`,
    reminder: `Reminder: ${title} with ${hostNames}`,
  };
  const lines: Record<Exclude<BookingChange, 'no_show'>, string[]> = {
    booked: [`Hi ${attendee},`, `Your ${title} with ${hostNames} is booked for ${theirTime}.`, `Where: ${meetingPlace(e!)}.`, 'The invitation is attached for your calendar.'],
    rescheduled: [`Hi ${attendee},`, `Your ${title} with ${hostNames} moved${previous ? ` from ${when(previous.startsAt, b.attendeeTimeZone)}` : ''} to ${theirTime}.`, `Where: ${meetingPlace(e!)}.`, 'The updated invitation is attached.'],
    cancelled_by_attendee: [`Hi ${attendee},`, `Your ${title} with ${hostNames} on ${theirTime} is cancelled.`],
    cancelled_by_host: [`Hi ${attendee},`, `${hostNames} cancelled your ${title} on ${theirTime}.${b.cancelReason ? ` Their note: ${oneLine(b.cancelReason)}` : ''}`],
    reminder: [`Hi ${attendee},`, `A reminder: your ${title} with ${hostNames} is on ${theirTime}.`, `Where: ${meetingPlace(e!)}.`],
  };
  await queueRenderedMail(tx, { from: services.mail.from, to: b.attendeeEmail, template: `booking.${change}`, rendered: renderMail(subjects[change], lines[change], undefined, links), attachments: [ics] });

  // Each host hears of every change the attendee makes (a reminder is the attendee's alone).
  if (change !== 'reminder' && change !== 'cancelled_by_host') {
    const verb = change === 'booked' ? 'booked' : change === 'rescheduled' ? 'rescheduled' : 'cancelled';
    for (const h of hosts) {
      const hostTime = when(b.startsAt, ws!.timeZone);
      const answers = answerLines(b.answers, e!.questions);
      await queueRenderedMail(tx, {
        from: services.mail.from,
        to: h.email,
        template: `booking.host_${change}`,
        rendered: renderMail(`${attendee} ${verb} ${title}`, [`${attendee} (${b.attendeeEmail}) ${verb} ${title} for ${hostTime}.`, ...answers], { label: 'Open bookings', url: `${appUrl}/w/${b.workspaceId}/booking` }),
        attachments: [ics],
      });
    }
  }
  if (change !== 'reminder') await queueCalendarSync(tx, b);
  if (change === 'booked' || change === 'rescheduled') {
    const at = reminderTime(b);
    if (at) await enqueue(tx, bookingReminderJob, { workspaceId: b.workspaceId, bookingId: b.id }, { workspaceId: b.workspaceId, runAt: at, jobKey: `booking-reminder:${b.id}` });
  }
}
