/**
 * What other modules may use of booking. A module reaches booking through this file only.
 *
 * `onBookingEvent` tells a listener, inside the booking's transaction, that a booking was made
 * (`booked`), moved, cancelled or marked a no-show (for "stop a sequence when the lead books",
 * listen for `booked` and read `event.booking.contactId` / `attendeeEmail`).
 */
export { onBookingEvent, type BookingEvent, type BookingEventKind, type BookingListener } from './booking-events';
export type { BookingRow } from './book-slot';
