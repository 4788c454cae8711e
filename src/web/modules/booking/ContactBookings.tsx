import { useQuery } from '@tanstack/react-query';
import { SideCard } from '../crm/RecordParts';
import { bookingApi, browserTimeZone, whenIn } from './api';

/** BOOK-5: a contact's bookings, newest first, with what they answered. Team only: nothing shows for clients. */
export function ContactBookings({ workspaceId, contactId }: { workspaceId: string; contactId: string }) {
  const bookings = useQuery({ queryKey: ['booking', workspaceId, 'contact', contactId], queryFn: () => bookingApi.bookings(workspaceId, { contactId }), retry: false });
  // Answers are stored by question id; the event type knows what was asked.
  const types = useQuery({ queryKey: ['booking', workspaceId, 'types'], queryFn: () => bookingApi.eventTypes(workspaceId), retry: false, enabled: Boolean(bookings.data?.items.some((b) => Object.keys(b.answers).length)) });
  const asked = (eventTypeId: string, id: string) => types.data?.items.find((t) => t.id === eventTypeId)?.questions.find((q) => q.id === id)?.label ?? id;
  if (!bookings.data?.items.length) return null;
  return (
    <SideCard title="Bookings">
      <ul className="space-y-3">
        {bookings.data.items.map((b) => (
          <li key={b.id} className="text-sm">
            <p className="font-medium text-stone-900">{b.eventTitle}</p>
            <p className="text-stone-600">
              {whenIn(b.startsAt, browserTimeZone())} · {b.status.replace('_', '-')}
              {b.status === 'confirmed' && !b.calendarSynced ? ' · not yet synced to Google' : ''}
            </p>
            {Object.entries(b.answers).map(([k, v]) => (
              <p key={k} className="break-words text-stone-600">
                <span className="text-stone-800">{asked(b.eventTypeId, k)}</span> {v}
              </p>
            ))}
          </li>
        ))}
      </ul>
    </SideCard>
  );
}
