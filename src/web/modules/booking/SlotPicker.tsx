import { useQuery } from '@tanstack/react-query';
import { useId, useMemo } from 'react';
import { errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { SkeletonList } from '../../ui/Skeleton';
import { allTimeZones, bookingApi, dayLabel, type FreeSlot, type PublicEvent } from './api';

/** BOOK-1: free times grouped by the visitor's days, in the zone they choose (their own by default). */
export function SlotPicker({ workspaceId, slug, timeZone, onTimeZone, selected, onSelect, onLoaded }: { workspaceId: string; slug: string; timeZone: string; onTimeZone: (z: string) => void; selected: string | null; onSelect: (s: FreeSlot) => void; onLoaded?: (e: PublicEvent) => void }) {
  const zoneId = useId();
  const page = useQuery({
    queryKey: ['booking-page', workspaceId, slug, timeZone],
    queryFn: async () => {
      const e = await bookingApi.page(workspaceId, slug, timeZone);
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
      {page.data && !days.length ? <p className="text-sm text-stone-600">No free times in the next two weeks.</p> : null}
      <div className="space-y-4">
        {days.map(([date, slots]) => (
          <fieldset key={date}>
            <legend className="mb-2 text-sm font-semibold text-stone-900">{dayLabel(date)}</legend>
            <div className="grid grid-cols-3 gap-2 sm:grid-cols-6">
              {slots.map((s) => (
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
        ))}
      </div>
    </div>
  );
}
