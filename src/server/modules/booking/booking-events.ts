import type { Tx } from '../../platform/db/database';
import type { WorkspaceContext } from '../../platform/db/tenant';
import type { Services } from '../../platform/services';
import type { BookingRow } from './book-slot';

/**
 * What happened to a booking, told to other modules inside the booking's own transaction (a
 * higher module listens without booking importing it: Recovery re-books no-shows, a sequence
 * stops when its lead books). A listener only writes in that transaction — typically it enqueues
 * a job — so the change and what follows from it commit together; if it throws, neither does.
 */
export type BookingEventKind = 'booked' | 'rescheduled' | 'cancelled' | 'no_show';

export interface BookingEvent {
  kind: BookingEventKind;
  /** The booking after the change (for `rescheduled`, the new one). */
  booking: BookingRow;
  /** For `rescheduled`: the booking it replaced. */
  previous?: BookingRow;
  /** The member who made the change; null for the attendee or the system. */
  actor: WorkspaceContext | null;
}

export type BookingListener = (tx: Tx, services: Services, event: BookingEvent) => Promise<void>;

const listeners = new Set<BookingListener>();

/** Listens to every booking change; returns a function that stops listening. */
export function onBookingEvent(listener: BookingListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export async function emitBookingEvent(tx: Tx, services: Services, event: BookingEvent): Promise<void> {
  for (const listener of listeners) await listener(tx, services, event);
}
