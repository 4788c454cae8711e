import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isApiError } from '../../lib/api';
import { Button } from '../../ui/Button';
import { CheckboxField, SelectField, TextField } from '../../ui/Field';
import { EditorActions } from './EditorActions';
import { bookingApi, type EventType, type Schedule } from './api';

type Question = EventType['questions'][number];
const num = (s: string) => (s.trim() === '' ? null : Number(s));

/**
 * BOOK-1: the full editor of one event type — length, buffers before and after, minimum notice,
 * slot interval, how far ahead, daily and weekly caps, seats, hosts (one, round-robin or all
 * together), location and the questions asked at booking. Each field says what the server refused.
 */
export function EventTypeEditor({ workspaceId, eventType, schedules, members, onDone }: { workspaceId: string; eventType: EventType; schedules: Schedule[]; members: { userId: string; name: string }[]; onDone: () => void }) {
  const qc = useQueryClient();
  const e = eventType;
  const [title, setTitle] = useState(e.title);
  const [duration, setDuration] = useState(String(e.durationMinutes));
  const [before, setBefore] = useState(String(e.bufferBeforeMinutes));
  const [after, setAfter] = useState(String(e.bufferAfterMinutes));
  const [notice, setNotice] = useState(String(e.minNoticeMinutes / 60));
  const [interval, setInterval] = useState(e.slotIntervalMinutes === null ? '' : String(e.slotIntervalMinutes));
  const [windowDays, setWindowDays] = useState(String(e.windowDays));
  const [dailyCap, setDailyCap] = useState(e.dailyCap === null ? '' : String(e.dailyCap));
  const [weeklyCap, setWeeklyCap] = useState(e.weeklyCap === null ? '' : String(e.weeklyCap));
  const [seats, setSeats] = useState(String(e.seats));
  const [assignment, setAssignment] = useState(e.assignment);
  const [hosts, setHosts] = useState(() => new Map(e.hosts.map((h) => [h.userId, h.scheduleId])));
  const [locationKind, setLocationKind] = useState(e.locationKind);
  const [locationValue, setLocationValue] = useState(e.locationValue ?? '');
  const [questions, setQuestions] = useState<Question[]>(e.questions);
  const [active, setActive] = useState(e.active);

  const save = useMutation({
    mutationFn: () =>
      bookingApi.updateEventType(workspaceId, e.id, {
        title,
        durationMinutes: Number(duration),
        bufferBeforeMinutes: Number(before),
        bufferAfterMinutes: Number(after),
        minNoticeMinutes: Math.round(Number(notice) * 60),
        slotIntervalMinutes: num(interval),
        windowKind: 'rolling',
        windowDays: Number(windowDays),
        dailyCap: num(dailyCap),
        weeklyCap: num(weeklyCap),
        seats: Number(seats),
        assignment: hosts.size > 1 ? (assignment === 'single' ? 'round_robin' : assignment) : 'single',
        hosts: [...hosts].map(([userId, scheduleId]) => ({ userId, scheduleId })),
        locationKind,
        locationValue: locationValue.trim() || null,
        questions: questions.filter((q) => q.label.trim()),
        active,
      }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['booking', workspaceId] });
      onDone();
    },
  });
  const fields = isApiError(save.error) ? save.error.fields : {};
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    save.mutate();
  };
  const schedulesOf = (userId: string) => schedules.filter((s) => s.userId === userId);
  const setQuestion = (i: number, q: Partial<Question>) => setQuestions(questions.map((x, j) => (j === i ? { ...x, ...q } : x)));
  const locationLabel = locationKind === 'video' ? 'Video link' : locationKind === 'phone' ? 'Phone number' : 'Address';

  return (
    <form onSubmit={submit} className="mt-3 space-y-5 rounded-md border border-stone-200 bg-stone-50 p-4" aria-label={`Edit ${e.title}`}>
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Title" value={title} onChange={(x) => setTitle(x.target.value)} error={fields.title} maxLength={200} containerClassName="sm:col-span-2" />
        <TextField label="Length (minutes)" type="number" min={5} max={720} value={duration} onChange={(x) => setDuration(x.target.value)} error={fields.durationMinutes} />
        <TextField label="Start times every (minutes)" type="number" min={5} max={720} value={interval} onChange={(x) => setInterval(x.target.value)} error={fields.slotIntervalMinutes} hint="Empty: the meeting's length." optional />
        <TextField label="Buffer before (minutes)" type="number" min={0} max={240} value={before} onChange={(x) => setBefore(x.target.value)} error={fields.bufferBeforeMinutes} />
        <TextField label="Buffer after (minutes)" type="number" min={0} max={240} value={after} onChange={(x) => setAfter(x.target.value)} error={fields.bufferAfterMinutes} />
        <TextField label="Minimum notice (hours)" type="number" min={0} step="0.25" value={notice} onChange={(x) => setNotice(x.target.value)} error={fields.minNoticeMinutes} />
        <TextField label="Bookable up to (days ahead)" type="number" min={1} max={730} value={windowDays} onChange={(x) => setWindowDays(x.target.value)} error={fields.windowDays} />
        <TextField label="At most a day" type="number" min={1} max={1000} value={dailyCap} onChange={(x) => setDailyCap(x.target.value)} error={fields.dailyCap} optional />
        <TextField label="At most a week" type="number" min={1} max={5000} value={weeklyCap} onChange={(x) => setWeeklyCap(x.target.value)} error={fields.weeklyCap} optional />
        <TextField label="Seats per time" type="number" min={1} max={1000} value={seats} onChange={(x) => setSeats(x.target.value)} error={fields.seats} hint="More than one: a group session." />
      </div>

      <fieldset>
        <legend className="mb-1 text-sm font-medium text-stone-800">Hosts</legend>
        <div className="space-y-2">
          {members.map((m) => {
            const own = schedulesOf(m.userId);
            const chosen = hosts.get(m.userId);
            return (
              <div key={m.userId} className="flex flex-wrap items-center gap-2">
                <CheckboxField
                  label={own.length ? m.name : `${m.name} (no hours yet)`}
                  checked={chosen !== undefined}
                  disabled={!own.length}
                  onChange={(x) => {
                    const next = new Map(hosts);
                    if (x.target.checked && own[0]) next.set(m.userId, own[0].id);
                    else next.delete(m.userId);
                    setHosts(next);
                  }}
                />
                {chosen !== undefined && own.length > 1 ? (
                  <select aria-label={`Hours of ${m.name}`} className="rounded-md border border-stone-300 px-2 py-1 text-sm" value={chosen} onChange={(x) => setHosts(new Map(hosts).set(m.userId, x.target.value))}>
                    {own.map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.name} ({s.timeZone})
                      </option>
                    ))}
                  </select>
                ) : null}
              </div>
            );
          })}
        </div>
        {fields.hosts ? <p className="mt-1 text-sm text-red-700">{fields.hosts}</p> : null}
        {hosts.size > 1 ? (
          <SelectField
            containerClassName="mt-3 max-w-sm"
            label="With several hosts"
            value={assignment === 'single' ? 'round_robin' : assignment}
            onChange={(x) => setAssignment(x.target.value as EventType['assignment'])}
            options={[
              { value: 'round_robin', label: 'Round-robin: one free host, in turn' },
              { value: 'collective', label: 'Collective: all hosts together' },
            ]}
            error={fields.assignment}
          />
        ) : null}
      </fieldset>

      <div className="grid gap-3 sm:grid-cols-2">
        <SelectField
          label="Where"
          value={locationKind}
          onChange={(x) => setLocationKind(x.target.value as EventType['locationKind'])}
          options={[
            { value: 'video', label: 'Video call' },
            { value: 'phone', label: 'Phone call' },
            { value: 'address', label: 'In person' },
          ]}
        />
        <TextField label={locationLabel} value={locationValue} onChange={(x) => setLocationValue(x.target.value)} error={fields.locationValue} maxLength={500} optional />
      </div>

      <fieldset>
        <legend className="mb-1 text-sm font-medium text-stone-800">Questions asked at booking</legend>
        {questions.length === 0 ? <p className="text-sm text-stone-600">Only name and email are asked.</p> : null}
        <ul className="space-y-2">
          {questions.map((q, i) => (
            <li key={q.id} className="flex flex-wrap items-end gap-2">
              <TextField label={`Question ${i + 1}`} value={q.label} onChange={(x) => setQuestion(i, { label: x.target.value })} maxLength={200} containerClassName="min-w-0 flex-1 basis-56" error={fields[`questions.${i}.label`]} />
              <SelectField
                label="Answer"
                value={q.kind}
                onChange={(x) => setQuestion(i, { kind: x.target.value as Question['kind'] })}
                options={[
                  { value: 'text', label: 'Short text' },
                  { value: 'long_text', label: 'Long text' },
                  { value: 'phone', label: 'Phone' },
                ]}
              />
              <CheckboxField label="Required" checked={q.required} onChange={(x) => setQuestion(i, { required: x.target.checked })} />
              <Button size="sm" variant="secondary" aria-label={`Remove question ${i + 1}`} onClick={() => setQuestions(questions.filter((_, j) => j !== i))}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
        <Button
          size="sm"
          variant="secondary"
          className="mt-2"
          disabled={questions.length >= 20}
          onClick={() => setQuestions([...questions, { id: `q${Date.now().toString(36).slice(-6)}${questions.length}`, label: '', kind: 'text', required: false }])}
        >
          Add a question
        </Button>
      </fieldset>

      <CheckboxField label="Bookable (the page is live)" checked={active} onChange={(x) => setActive(x.target.checked)} />
      <EditorActions error={save.error} fieldErrors={fields} saveLabel="Save changes" pending={save.isPending} onCancel={onDone} />
    </form>
  );
}
