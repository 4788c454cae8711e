import { registerData, type PersonColumns, relateToAccounts } from '../../platform/data/registry';

const booking = (table: string, description: string, person?: PersonColumns) =>
  ({ table, module: 'booking', scope: 'workspace', description, export: { kind: 'rows' }, erase: { kind: 'with-workspace' }, ...(person ? { person } : {}) }) as const;

registerData(
  booking('booking_schedules', "Hosts' weekly hours, date overrides and time zones (BOOK-1)."),
  booking('booking_event_types', 'What can be booked: durations, buffers, notice, window, caps, seats, location, questions (BOOK-1).'),
  booking('booking_event_hosts', 'Which members host each event type and by which schedule (BOOK-1).'),
  booking('booking_holds', "Hosts' time held by bookings, buffers included; no two overlap (BOOK-3)."),
  booking('bookings', "Attendees' bookings: time, status, name, email, time zone, answers, contact (BOOK-1, BOOK-5).", {
    email: ['attendee_email'], name: ['attendee_name'], contactId: 'contact_id', text: ['answers', 'cancel_reason', 'calendar_events'],
  }),
);

// PRIV-2: how these tables' rows belong to a user account (the per-account export).
relateToAccounts({
  booking_event_hosts: { ids: ['user_id'] },
  bookings: { ids: ['host_user_ids'] },
  booking_holds: { ids: ['host_user_id'] },
  booking_schedules: { ids: ['user_id'] },
  booking_event_types: { ids: ['created_by_user_id'] },
});
