import { useMutation, useQuery } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { errorMessage } from '../../lib/api';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { bookingApi, browserTimeZone, whenIn, type FreeSlot } from './api';
import { SlotPicker } from './SlotPicker';

/** BOOK-4: where the reschedule and cancel links in the confirmation lead. */
export function ManageBookingPage() {
  const { token } = useParams({ strict: false }) as { token: string };
  const [timeZone, setTimeZone] = useState(browserTimeZone);
  const [slot, setSlot] = useState<FreeSlot | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const booking = useQuery({ queryKey: ['manage-booking', token], queryFn: () => bookingApi.manage(token) });
  const cancel = useMutation({ mutationFn: () => bookingApi.cancel(token), onSuccess: () => setMessage('Your booking is cancelled. A note is on its way by email.') });
  const move = useMutation({ mutationFn: () => bookingApi.reschedule(token, slot!.start), onSuccess: (b) => setMessage(`Moved to ${whenIn(b.start, timeZone)}. The updated invitation is on its way by email.`) });
  const b = booking.data;
  // Each link does one thing; the page shows that one.
  const action = new URLSearchParams(window.location.search).get('action') === 'cancel' ? 'cancel' : 'reschedule';
  return (
    <main className="mx-auto max-w-3xl px-4 py-8">
      <h1 className="text-2xl font-semibold text-stone-900">{b ? b.title : 'Your booking'}</h1>
      {booking.error ? <ErrorAlert>{errorMessage(booking.error)}</ErrorAlert> : null}
      {b ? <p className="mt-1 text-stone-700">{b.status === 'confirmed' ? whenIn(b.start, timeZone) : `This booking is ${b.status.replace('_', '-')}.`}</p> : null}
      {message ? <StatusNote className="mt-4">{message}</StatusNote> : null}
      {b?.status === 'confirmed' && !message ? (
        <div className="mt-6 space-y-6">
          {action === 'reschedule' ? (
          <section aria-label="Pick a new time">
            <SlotPicker workspaceId={b.workspaceId} slug={b.slug} timeZone={timeZone} onTimeZone={setTimeZone} selected={slot?.start ?? null} onSelect={setSlot} />
            {move.error ? <ErrorAlert className="mt-3">{errorMessage(move.error)}</ErrorAlert> : null}
            <Button className="mt-4" disabled={!slot} pending={move.isPending} onClick={() => move.mutate()}>
              Move to this time
            </Button>
          </section>
          ) : (
          <section aria-label="Cancel">
            {cancel.error ? <ErrorAlert className="mb-3">{errorMessage(cancel.error)}</ErrorAlert> : null}
            <Button variant="danger" pending={cancel.isPending} onClick={() => cancel.mutate()}>
              Cancel the booking
            </Button>
          </section>
          )}
        </div>
      ) : null}
    </main>
  );
}
