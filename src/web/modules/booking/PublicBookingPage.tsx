import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { TextAreaField, TextField } from '../../ui/Field';
import { bookingApi, browserTimeZone, whenIn, type Booked, type FreeSlot, type PublicEvent } from './api';
import { SlotPicker } from './SlotPicker';

/** BOOK-1/3/5: the public booking page — no sign-in, phone-width first. */
export function PublicBookingPage() {
  const { workspaceId, slug } = useParams({ strict: false }) as { workspaceId: string; slug: string };
  const [timeZone, setTimeZone] = useState(browserTimeZone);
  const [event, setEvent] = useState<PublicEvent | null>(null);
  const [slot, setSlot] = useState<FreeSlot | null>(null);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [done, setDone] = useState<Booked | null>(null);
  const queryClient = useQueryClient();
  const book = useMutation({
    mutationFn: () => bookingApi.book(workspaceId, slug, { start: slot!.start, name, email, timeZone, answers }),
    onSuccess: setDone,
    onError: () => void queryClient.invalidateQueries({ queryKey: ['booking-page', workspaceId, slug] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (slot) book.mutate();
  };
  const fields = isApiError(book.error) ? book.error.fields : {};
  const taken = isApiError(book.error, 'slot_taken') ? ((book.error.details.nextSlots as FreeSlot[] | undefined) ?? []) : [];

  return (
    <main className="mx-auto max-w-3xl px-4 py-8">
      {done ? (
        <section aria-labelledby="booked" className="rounded-lg border border-stone-200 bg-white p-6">
          <h1 id="booked" className="text-xl font-semibold text-stone-900">
            You are booked
          </h1>
          <p className="mt-2 text-stone-700">
            {done.title} with {done.hostNames.join(', ')}, {whenIn(done.start, timeZone)}.
          </p>
          <p className="mt-2 text-sm text-stone-600">A confirmation with a calendar invitation is on its way to {email}. It has links to reschedule or cancel.</p>
        </section>
      ) : (
        <>
          <h1 className="text-2xl font-semibold text-stone-900">{event?.title ?? 'Book a time'}</h1>
          {event ? (
            <p className="mt-1 text-sm text-stone-600">
              {event.durationMinutes} minutes · {event.hostNames.join(', ')} · {event.locationKind === 'video' ? 'Video call' : event.locationKind === 'phone' ? 'Phone call' : 'In person'}
            </p>
          ) : null}
          {event?.description ? <p className="mt-3 text-stone-700">{event.description}</p> : null}
          <div className="mt-6 grid gap-8 md:grid-cols-[3fr_2fr]">
            <section aria-label="Choose a time">
              <SlotPicker workspaceId={workspaceId} slug={slug} timeZone={timeZone} onTimeZone={setTimeZone} selected={slot?.start ?? null} onSelect={setSlot} onLoaded={setEvent} />
            </section>
            <section aria-label="Your details">
              <form onSubmit={submit} className="space-y-3" noValidate>
                {slot ? <StatusNote>{whenIn(slot.start, timeZone)}</StatusNote> : <p className="text-sm text-stone-600">Choose a time, then tell us who you are.</p>}
                <TextField label="Your name" name="name" autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} error={fields.name} maxLength={200} />
                <TextField label="Email" name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={fields.email} maxLength={254} />
                {event?.questions.map((q) =>
                  q.kind === 'long_text' ? (
                    <TextAreaField key={q.id} label={q.label} optional={!q.required} value={answers[q.id] ?? ''} onChange={(e) => setAnswers({ ...answers, [q.id]: e.target.value })} error={fields[`answers.${q.id}`]} maxLength={2000} />
                  ) : (
                    <TextField key={q.id} label={q.label} optional={!q.required} value={answers[q.id] ?? ''} onChange={(e) => setAnswers({ ...answers, [q.id]: e.target.value })} error={fields[`answers.${q.id}`]} maxLength={2000} />
                  ),
                )}
                {book.error && !Object.keys(fields).length ? <ErrorAlert>{errorMessage(book.error)}</ErrorAlert> : null}
                {taken.length ? (
                  <div>
                    <p className="text-sm text-stone-700">These times are still free:</p>
                    <div className="mt-2 flex flex-wrap gap-2">
                      {taken.map((s) => (
                        <button key={s.start} type="button" onClick={() => { setSlot(s); book.reset(); }} className="rounded-md border border-teal-700 px-2 py-1 text-sm text-teal-800">
                          {whenIn(s.start, timeZone)}
                        </button>
                      ))}
                    </div>
                  </div>
                ) : null}
                <Button type="submit" disabled={!slot} pending={book.isPending} pendingLabel="Booking…" className="w-full">
                  Book this time
                </Button>
              </form>
            </section>
          </div>
        </>
      )}
      <p className="mt-10 text-center text-sm text-stone-500">
        <a className="underline hover:text-stone-700" href={`/privacy/${encodeURIComponent(workspaceId)}`}>
          Privacy: how your details are handled
        </a>
        <span className="mt-1 block">This booking page is not meant for children under 18.</span>
      </p>
    </main>
  );
}
