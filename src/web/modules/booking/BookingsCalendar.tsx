import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { ConfirmRemove } from '../../ui/ConfirmRemove';
import { SkeletonList } from '../../ui/Skeleton';
import { bookingApi, browserTimeZone, type Booking } from './api';

/** How far back the calendar reaches: meetings that have ended stay here long enough to mark a no-show. */
const PAST_DAYS = 14;

const dayKey = (iso: string, zone: string) => new Date(iso).toLocaleDateString('en-CA', { timeZone: zone });
const clock = (iso: string, zone: string) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone });
const statusLabel: Record<Booking['status'], string> = { confirmed: 'confirmed', cancelled: 'cancelled', rescheduled: 'moved', no_show: 'no-show' };

function dayHeading(key: string, today: string, tomorrow: string): string {
  const long = new Date(`${key}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
  return key === today ? `Today · ${long}` : key === tomorrow ? `Tomorrow · ${long}` : long;
}

/**
 * BOOK-1/4 web UI: the team's bookings as a day-by-day calendar in the viewer's zone — what is
 * coming up, and the last two weeks' meetings that ended (so a no-show can be marked afterwards;
 * a list of upcoming meetings alone dropped a meeting the moment it ended).
 */
export function BookingsCalendar({ workspaceId }: { workspaceId: string }) {
  const qc = useQueryClient();
  const zone = browserTimeZone();
  // Fixed at first render so the query key (and the list) does not change every second.
  const [since] = useState(() => new Date(Date.now() - PAST_DAYS * 86_400_000).toISOString());
  const list = useQuery({ queryKey: ['booking', workspaceId, 'bookings', since], queryFn: () => bookingApi.bookings(workspaceId, { from: since, limit: 500 }) });
  const refresh = () => qc.invalidateQueries({ queryKey: ['booking', workspaceId, 'bookings'] });
  const noShow = useMutation({ mutationFn: (id: string) => bookingApi.noShow(workspaceId, id), onSuccess: refresh });
  const cancel = useMutation({ mutationFn: (id: string) => bookingApi.cancelByHost(workspaceId, id), onSuccess: refresh });
  const [showPast, setShowPast] = useState(true);

  const now = Date.now();
  const { ended, days } = useMemo(() => {
    const items = list.data?.items ?? [];
    const ended = items.filter((b) => new Date(b.endsAt).getTime() <= now && b.status !== 'rescheduled').reverse();
    const byDay = new Map<string, Booking[]>();
    for (const b of items) {
      if (new Date(b.endsAt).getTime() <= now || b.status === 'rescheduled') continue;
      const key = dayKey(b.startsAt, zone);
      byDay.set(key, [...(byDay.get(key) ?? []), b]);
    }
    return { ended, days: [...byDay.entries()] };
  }, [list.data, now, zone]);
  const today = dayKey(new Date(now).toISOString(), zone);
  const tomorrow = dayKey(new Date(now + 86_400_000).toISOString(), zone);
  const actionError = noShow.error ?? cancel.error;

  const row = (b: Booking, past: boolean) => {
    const started = new Date(b.startsAt).getTime() <= now;
    return (
      <li key={b.id} className="flex flex-wrap items-start justify-between gap-2 py-3" data-testid="calendar-booking">
        <div className="flex min-w-0 gap-3">
          <p className="w-28 shrink-0 whitespace-nowrap text-sm font-semibold tabular-nums text-stone-900">
            {past ? <span className="block font-normal text-stone-600">{new Date(b.startsAt).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: zone })}</span> : null}
            {clock(b.startsAt, zone)}–{clock(b.endsAt, zone)}
          </p>
          <div className="min-w-0">
            <p className="break-words font-medium text-stone-900">
              {b.contactId ? (
                <a className="text-teal-800 underline" href={`/w/${workspaceId}/contacts/${b.contactId}`}>
                  {b.attendeeName}
                </a>
              ) : (
                b.attendeeName
              )}{' '}
              · {b.eventTitle}
            </p>
            <p className="text-sm text-stone-600">
              <span className={b.status === 'confirmed' ? 'text-teal-800' : b.status === 'no_show' ? 'text-red-700' : 'text-stone-600'}>{statusLabel[b.status]}</span>
              {b.status === 'confirmed' && !b.calendarSynced ? ' · not yet synced to Google' : ''}
            </p>
          </div>
        </div>
        {b.status === 'confirmed' ? (
          <div className="flex flex-wrap items-center gap-2">
            {started ? (
              <Button size="sm" variant="secondary" aria-label={`Mark ${b.attendeeName} as a no-show`} pending={noShow.isPending && noShow.variables === b.id} pendingLabel="Marking…" onClick={() => noShow.mutate(b.id)}>
                Mark no-show
              </Button>
            ) : (
              <ConfirmRemove label="Cancel" question={`Cancel ${b.attendeeName}’s meeting? They get an email.`} confirmLabel="Cancel meeting" pendingLabel="Cancelling…" pending={cancel.isPending && cancel.variables === b.id} onConfirm={() => cancel.mutate(b.id)} />
            )}
          </div>
        ) : null}
      </li>
    );
  };

  return (
    <div>
      <p className="mb-3 text-xs text-stone-500">Times in {zone.replaceAll('_', ' ')}.</p>
      {list.isPending ? <SkeletonList rows={3} label="Loading bookings…" /> : null}
      {list.error ? <ErrorAlert>{errorMessage(list.error)}</ErrorAlert> : null}
      {actionError ? <ErrorAlert className="mb-3">{errorMessage(actionError)}</ErrorAlert> : null}
      {list.data && !days.length ? <p className="text-sm text-stone-600">Nothing booked ahead yet. Share a booking page’s link and bookings appear here.</p> : null}
      <div className="space-y-5">
        {days.map(([key, items]) => (
          <section key={key} aria-label={dayHeading(key, today, tomorrow)}>
            <h3 className="border-b border-stone-200 pb-1 text-sm font-semibold text-stone-800">{dayHeading(key, today, tomorrow)}</h3>
            <ul className="divide-y divide-stone-100">{items.map((b) => row(b, false))}</ul>
          </section>
        ))}
      </div>
      {ended.length ? (
        <section aria-label="Ended meetings" className="mt-6 border-t border-stone-200 pt-4">
          <div className="flex items-center justify-between gap-2">
            <h3 className="text-sm font-semibold text-stone-800">Ended in the last {PAST_DAYS} days</h3>
            <Button size="sm" variant="ghost" aria-expanded={showPast} onClick={() => setShowPast(!showPast)}>
              {showPast ? 'Hide' : `Show (${ended.length})`}
            </Button>
          </div>
          {showPast ? <ul className="divide-y divide-stone-100">{ended.map((b) => row(b, true))}</ul> : null}
        </section>
      ) : null}
    </div>
  );
}
