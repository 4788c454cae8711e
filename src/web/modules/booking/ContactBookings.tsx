import { useQuery } from '@tanstack/react-query';
import { SideCard } from '../crm/RecordParts';
import { bookingApi, browserTimeZone, whenIn } from './api';

/** BOOK-5: a contact's bookings, newest first, with what they answered. Team only: nothing shows for clients. */
export function ContactBookings({ workspaceId, contactId }: { workspaceId: string; contactId: string }) {
  const bookings = useQuery({ queryKey: ['booking', workspaceId, 'contact', contactId], queryFn: () => bookingApi.bookings(workspaceId, { contactId }), retry: false });
  if (!bookings.data?.items.length) return null;
  return (
    <SideCard title="Bookings">
      <ul className="space-y-3">
        {bookings.data.items.map((b) => (
          <li key={b.id} className="text-sm">
            <p className="font-medium text-stone-900">{b.eventTitle}</p>
            <p className="text-stone-600">
              {whenIn(b.startsAt, browserTimeZone())} · {b.status.replace('_', '-')}
            </p>
            {Object.entries(b.answers).map(([k, v]) => (
              <p key={k} className="text-stone-600">
                {k}: {v}
              </p>
            ))}
          </li>
        ))}
      </ul>
    </SideCard>
  );
}
