import { onBookingEvent, type BookingListener } from '../booking';
import { stopSequencesForContact } from './sequences/stop-enrolments';

/**
 * MAIL-2: a lead who books a meeting gets no more sequence mail. Booking tells its listeners in
 * the booking's own transaction (`booked`, and `rescheduled` for a booking made anew), so the
 * enrolments end with the booking or not at all; booking never calls outreach.
 */
export const stopSequencesOnBooking: BookingListener = async (tx, _services, event) => {
  if (event.kind !== 'booked' && event.kind !== 'rescheduled') return;
  if (!event.booking.contactId) return;
  await stopSequencesForContact(tx, event.booking.workspaceId, event.booking.contactId);
};

/** Outreach's listeners on other modules' events; called once at boot (listening twice is harmless: a set). */
export function registerOutreachListeners(): void {
  onBookingEvent(stopSequencesOnBooking);
}
