import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isApiError } from '../../lib/api';
import { Button } from '../../ui/Button';
import { CheckboxField, SelectField, TextField } from '../../ui/Field';
import { EditorActions } from './EditorActions';
import { allTimeZones, bookingApi, type Schedule } from './api';

const weekdays = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
type Interval = { start: string; end: string };
type Override = { date: string; off: boolean; intervals: Interval[] };

/**
 * BOOK-1: weekly hours with several intervals a day, date overrides (a day off, or other hours
 * that day) and the host's time zone. What the server refuses is shown at the field it is about.
 */
export function HoursEditor({ workspaceId, schedule, onDone }: { workspaceId: string; schedule: Schedule; onDone: () => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState(schedule.name);
  const [zone, setZone] = useState(schedule.timeZone);
  const [week, setWeek] = useState<Interval[][]>(() => weekdays.map((_, i) => schedule.weekly.filter((w) => w.weekday === i + 1).map(({ start, end }) => ({ start, end }))));
  const [overrides, setOverrides] = useState<Override[]>(() => schedule.overrides.map((o) => ({ date: o.date, off: o.intervals.length === 0, intervals: o.intervals.length ? o.intervals : [{ start: '09:00', end: '17:00' }] })));

  const save = useMutation({
    mutationFn: () =>
      bookingApi.updateSchedule(workspaceId, schedule.id, {
        name,
        timeZone: zone,
        weekly: week.flatMap((list, i) => list.map((x) => ({ weekday: i + 1, ...x }))),
        overrides: overrides.filter((o) => o.date).map((o) => ({ date: o.date, intervals: o.off ? [] : o.intervals })),
      }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['booking', workspaceId] });
      onDone();
    },
  });
  const fields = isApiError(save.error) ? save.error.fields : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const setDay = (day: number, list: Interval[]) => setWeek(week.map((x, i) => (i === day ? list : x)));
  const setOverride = (i: number, o: Partial<Override>) => setOverrides(overrides.map((x, j) => (j === i ? { ...x, ...o } : x)));
  const dayError = (day: number) => Object.entries(fields).find(([k]) => k.startsWith('weekly.') && weeklyIndexDay(k) === day)?.[1];
  const weeklyIndexDay = (key: string) => {
    const n = Number(key.split('.')[1]);
    let seen = 0;
    for (let d = 0; d < 7; d++) {
      seen += week[d]!.length;
      if (n < seen) return d;
    }
    return -1;
  };

  return (
    <form onSubmit={submit} className="mt-3 space-y-5 rounded-md border border-stone-200 bg-stone-50 p-4" aria-label={`Edit hours: ${schedule.name}`}>
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Name of these hours" value={name} onChange={(e) => setName(e.target.value)} error={fields.name} maxLength={120} />
        <SelectField label="Time zone" value={zone} onChange={(e) => setZone(e.target.value)} options={allTimeZones().map((z) => ({ value: z, label: z.replaceAll('_', ' ') }))} error={fields.timeZone} />
      </div>

      <fieldset>
        <legend className="mb-2 text-sm font-medium text-stone-800">Weekly hours</legend>
        <ul className="divide-y divide-stone-200 rounded-md border border-stone-200 bg-white">
          {weekdays.map((day, d) => (
            <li key={day} className="flex flex-wrap items-start gap-x-4 gap-y-2 p-3">
              <span className="w-24 pt-1 text-sm font-medium text-stone-900">{day}</span>
              <div className="order-last w-full min-w-0 space-y-2 sm:order-none sm:w-auto sm:flex-1">
                {week[d]!.length === 0 ? <p className="pt-1 text-sm text-stone-500">Not available</p> : null}
                {week[d]!.map((x, i) => (
                  <div key={i} className="flex flex-wrap items-center gap-2">
                    <input type="time" aria-label={`${day} from, interval ${i + 1}`} value={x.start} onChange={(e) => setDay(d, week[d]!.map((y, j) => (j === i ? { ...y, start: e.target.value } : y)))} className="w-32 rounded-md border border-stone-300 px-2 py-1 text-sm" />
                    <span aria-hidden="true" className="text-stone-500">–</span>
                    <input type="time" aria-label={`${day} to, interval ${i + 1}`} value={x.end} onChange={(e) => setDay(d, week[d]!.map((y, j) => (j === i ? { ...y, end: e.target.value } : y)))} className="w-32 rounded-md border border-stone-300 px-2 py-1 text-sm" />
                    <Button size="sm" variant="secondary" aria-label={`Remove ${day} interval ${i + 1}`} onClick={() => setDay(d, week[d]!.filter((_, j) => j !== i))}>
                      Remove
                    </Button>
                  </div>
                ))}
                {dayError(d) ? <p className="text-sm text-red-700">{dayError(d)}</p> : null}
              </div>
              <Button size="sm" variant="secondary" className="ml-auto sm:ml-0" aria-label={`Add hours on ${day}`} onClick={() => setDay(d, [...week[d]!, week[d]!.length ? { start: '14:00', end: '17:00' } : { start: '09:00', end: '17:00' }])}>
                Add hours
              </Button>
            </li>
          ))}
        </ul>
      </fieldset>

      <fieldset>
        <legend className="mb-2 text-sm font-medium text-stone-800">Date overrides</legend>
        {overrides.length === 0 ? <p className="text-sm text-stone-600">No dates differ from the weekly hours.</p> : null}
        <ul className="space-y-3">
          {overrides.map((o, i) => (
            <li key={i} className="flex flex-wrap items-end gap-3 rounded-md border border-stone-200 bg-white p-3">
              <TextField label={`Date ${i + 1}`} type="date" value={o.date} onChange={(e) => setOverride(i, { date: e.target.value })} error={fields[`overrides.${i}.date`]} />
              <CheckboxField label="Day off" checked={o.off} onChange={(e) => setOverride(i, { off: e.target.checked })} />
              {!o.off ? (
                <>
                  <TextField label="From" type="time" value={o.intervals[0]!.start} onChange={(e) => setOverride(i, { intervals: [{ ...o.intervals[0]!, start: e.target.value }] })} error={fields[`overrides.${i}.intervals.0`]} />
                  <TextField label="To" type="time" value={o.intervals[0]!.end} onChange={(e) => setOverride(i, { intervals: [{ ...o.intervals[0]!, end: e.target.value }] })} />
                </>
              ) : null}
              <Button size="sm" variant="secondary" aria-label={`Remove date ${i + 1}`} onClick={() => setOverrides(overrides.filter((_, j) => j !== i))}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
        <Button size="sm" variant="secondary" className="mt-2" onClick={() => setOverrides([...overrides, { date: '', off: true, intervals: [{ start: '09:00', end: '17:00' }] }])}>
          Add a date
        </Button>
      </fieldset>

      <EditorActions error={save.error} fieldErrors={fields} saveLabel="Save hours" pending={save.isPending} onCancel={onDone} />
    </form>
  );
}
