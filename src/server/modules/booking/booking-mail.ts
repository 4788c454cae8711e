import type { Tx } from '../../platform/db/database';
import type { Services } from '../../platform/services';
import type { BookingRow } from './book-slot';

export type BookingChange = 'booked' | 'rescheduled' | 'cancelled_by_attendee' | 'cancelled_by_host' | 'no_show';

/** BOOK-4: mail about a booking change, queued in the change's transaction. */
export async function notifyBooking(_tx: Tx, _services: Services, _booking: BookingRow, _change: BookingChange, _previous?: BookingRow): Promise<void> {}
