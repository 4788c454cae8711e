import { useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { ErrorAlert, InfoNote } from '../../ui/Alert';
import { SkeletonList } from '../../ui/Skeleton';
import { allTimeZones, bookingApi, dayLabel, type FreeSlot, type PublicEvent } from './api';

const shortDay = (date: string) => new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

/** BOOK-1: free times grouped by the visitor's days, in the zone they choose (their own by default). */
export function SlotPicker({ workspaceId, slug, timeZone, onTimeZone, selected, onSelect, onLoaded }: { workspaceId: string; slug: string; timeZone: string; onTimeZone: (z: string) => void; selected: string | null; onSelect: (s: FreeSlot) => void; onLoaded?: (e: PublicEvent) => void }) {
  const zoneId = useId();
  // Two weeks at a time; "Later dates" walks on through the booking window.
  const [weeksAhead, setWeeksAhead] = useState(0);
  const firstDay = weeksAhead ? new Date(Date.now() + weeksAhead * 7 * 86_400_000).toLocaleDateString('en-CA', { timeZone }) : undefined;
  const page = useQuery({
    queryKey: ['booking-page', workspaceId, slug, timeZone, firstDay ?? 'today'],
    placeholderData: (previous) => previous,
    queryFn: async () => {
      const e = await bookingApi.page(workspaceId, slug, timeZone, firstDay);
      onLoaded?.(e);
      return e;
    },
  });
  const days = useMemo(() => {
    const map = new Map<string, FreeSlot[]>();
    for (const s of page.data?.slots ?? []) map.set(s.date, [...(map.get(s.date) ?? []), s]);
    return [...map.entries()];
  }, [page.data]);
  const zones = useMemo(allTimeZones, []);
  const [picked, setPicked] = useState<string | null>(null);
  // One day's times at a time keeps the page short on a phone.
  const day = days.find(([d]) => d === picked) ?? days[0];
  return (
    <div>
      <label htmlFor={zoneId} className="mb-1 block text-sm font-medium text-stone-800">
        Times shown in
      </label>
      <select id={zoneId} value={timeZone} onChange={(e) => onTimeZone(e.target.value)} className="mb-4 block w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm sm:w-80">
        {(zones.includes(timeZone) ? zones : [timeZone, ...zones]).map((z) => (
          <option key={z} value={z}>
            {z.replaceAll('_', ' ')}
          </option>
        ))}
      </select>
      {page.isPending ? <SkeletonList rows={4} /> : null}
      {page.error ? <ErrorAlert>{errorMessage(page.error)}</ErrorAlert> : null}
      {page.data?.calendarNotice ? <InfoNote className="mb-4">{page.data.calendarNotice}</InfoNote> : null}
      {page.data && !days.length ? <p className="text-sm text-stone-600">{weeksAhead ? 'No free times in these two weeks.' : 'No free times in the next two weeks.'}</p> : null}
      {page.data ? (
        <div className="mb-3 flex items-center justify-between gap-2">
          <button type="button" disabled={!weeksAhead || page.isFetching} onClick={() => { setPicked(null); setWeeksAhead(Math.max(0, weeksAhead - 2)); }} className="rounded-md px-2 py-1 text-sm text-teal-800 underline disabled:cursor-not-allowed disabled:text-stone-500 disabled:no-underline">
            ← Earlier dates
          </button>
          <button type="button" disabled={page.isFetching} onClick={() => { setPicked(null); setWeeksAhead(weeksAhead + 2); }} className="rounded-md px-2 py-1 text-sm text-teal-800 underline disabled:cursor-not-allowed disabled:text-stone-500 disabled:no-underline">
            Later dates →
          </button>
        </div>
      ) : null}
      {days.length ? (
        <fieldset>
          <legend className="mb-2 text-sm font-medium text-stone-800">Day</legend>
          <div className="flex flex-wrap gap-2">
            {days.map(([date, slots]) => (
              <button key={date} type="button" aria-pressed={day?.[0] === date} onClick={() => setPicked(date)} className={`rounded-md border px-3 py-1.5 text-sm ${day?.[0] === date ? 'border-teal-700 bg-teal-50 font-semibold text-teal-900' : 'border-stone-300 bg-white text-stone-800 hover:border-teal-700'}`}>
                {shortDay(date)} <span className="text-xs text-stone-500">({slots.length})</span>
              </button>
            ))}
          </div>
        </fieldset>
      ) : null}
      {day ? (
        <fieldset className="mt-4">
          <legend className="mb-2 text-sm font-semibold text-stone-900">{dayLabel(day[0])}</legend>
          <div className="grid grid-cols-3 gap-2 sm:grid-cols-5">
            {day[1].map((s) => (
              <button
                key={s.start}
                type="button"
                aria-pressed={selected === s.start}
                onClick={() => onSelect(s)}
                className={`rounded-md border px-2 py-2 text-sm font-medium ${selected === s.start ? 'border-teal-700 bg-teal-700 text-white' : 'border-stone-300 bg-white text-teal-800 hover:border-teal-700'}`}
              >
                {s.time}
              </button>
            ))}
          </div>
        </fieldset>
      ) : null}
    </div>
  );
}
