import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { SelectField, TextField } from '../../ui/Field';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { useMe } from '../accounts/useMe';
import { fetchMembers } from '../workspaces/api';
import { useWorkspace } from '../workspaces/useWorkspaces';
import { allTimeZones, bookingApi, browserTimeZone } from './api';
import { BookingsCalendar } from './BookingsCalendar';
import { EventTypeEditor } from './EventTypeEditor';
import { HoursEditor } from './HoursEditor';
import { freeSlug, slugFrom } from './slug';

const weekdayNames = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** BOOK-1/2/4: event types and hours, Google Calendar, and upcoming bookings for the team. */
export function BookingPage() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const qc = useQueryClient();
  const me = useMe();
  const types = useQuery({ queryKey: ['booking', workspaceId, 'types'], queryFn: () => bookingApi.eventTypes(workspaceId) });
  const schedules = useQuery({ queryKey: ['booking', workspaceId, 'schedules'], queryFn: () => bookingApi.schedules(workspaceId) });
  const connections = useQuery({ queryKey: ['booking', workspaceId, 'connections'], queryFn: () => bookingApi.connections(workspaceId) });
  const google = connections.data?.items.find((c) => c.provider === 'google_calendar' && c.status === 'connected');
  const connect = useMutation({ mutationFn: () => bookingApi.connectGoogle(workspaceId), onSuccess: (r) => window.location.assign(r.authorizationUrl) });
  const disconnect = useMutation({ mutationFn: () => bookingApi.disconnectGoogle(workspaceId), onSuccess: () => qc.invalidateQueries({ queryKey: ['booking', workspaceId, 'connections'] }) });
  const members = useQuery({ queryKey: ['booking', workspaceId, 'members'], queryFn: () => fetchMembers(workspaceId) });
  const [editing, setEditing] = useState<string | null>(null);
  const [editingHours, setEditingHours] = useState<string | null>(null);

  // The quick editor: weekday hours in a zone, and an event type on them.
  // BOOK: a new page's hours start in the workspace's time zone (the browser's until it is known); the person may pick another.
  const workspace = useWorkspace(workspaceId);
  const [zoneChosen, setZone] = useState<string | null>(null);
  const zone = zoneChosen ?? workspace.data?.timeZone ?? browserTimeZone();
  const [days, setDays] = useState([1, 2, 3, 4, 5]);
  const [from, setFrom] = useState('09:00');
  const [to, setTo] = useState('17:00');
  const [dayOff, setDayOff] = useState('');
  const [title, setTitle] = useState('30-minute intro call');
  // The link name follows the title until the person edits it, and is never one a page already has.
  const [slugEdited, setSlugEdited] = useState<string | null>(null);
  const slug = slugEdited ?? freeSlug(slugFrom(title), new Set(types.data?.items.map((t) => t.slug) ?? []));
  const [duration, setDuration] = useState('30');
  const [buffer, setBuffer] = useState('10');
  const [notice, setNotice] = useState('4');
  const [cap, setCap] = useState('6');
  const create = useMutation({
    mutationFn: async () => {
      const s = await bookingApi.createSchedule(workspaceId, { name: 'Working hours', timeZone: zone, weekly: days.map((weekday) => ({ weekday, start: from, end: to })), overrides: dayOff ? [{ date: dayOff, intervals: [] }] : [] });
      return bookingApi.createEventType(workspaceId, {
        slug,
        title,
        durationMinutes: Number(duration),
        bufferBeforeMinutes: Number(buffer),
        bufferAfterMinutes: Number(buffer),
        minNoticeMinutes: Math.round(Number(notice) * 60),
        dailyCap: cap ? Number(cap) : null,
        hosts: [{ userId: s.userId, scheduleId: s.id }],
      });
    },
    // The form empties its name and link once the page exists, so a second click cannot make a
    // duplicate set of hours and then fail on the link; the new page is listed above.
    onSuccess: (made) => {
      setCreated(made.title);
      setTitle('');
      setSlugEdited(null);
      return qc.invalidateQueries({ queryKey: ['booking', workspaceId] });
    },
  });
  const [created, setCreated] = useState<string | null>(null);
  const fields = isApiError(create.error) ? create.error.fields : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const link = (path: string) => `${window.location.origin}${path}`;

  return (
    <div className="space-y-8">
      <PageHeading description="Booking pages your prospects use to pick a time; every booking lands in the CRM.">Booking</PageHeading>

      <Card labelledBy="upcoming-heading">
        <SectionHeading id="upcoming-heading" description="Day by day, with the meetings that just ended so you can mark who did not come.">
          Bookings calendar
        </SectionHeading>
        <BookingsCalendar workspaceId={workspaceId} />
      </Card>

      <Card labelledBy="google-heading">
        <SectionHeading id="google-heading" description="Busy times in your Google Calendar are never offered; bookings appear there.">
          Google Calendar
        </SectionHeading>
        {google ? (
          <>
            <div className="flex flex-wrap items-center gap-3">
              <StatusNote>Connected</StatusNote>
              <Button variant="secondary" pending={disconnect.isPending} pendingLabel="Disconnecting…" onClick={() => disconnect.mutate()} aria-describedby="google-disconnect-note">
                Disconnect
              </Button>
            </div>
            {/* INT-1: Google revokes a whole grant, so it is kept while a Gmail sending account of yours still uses it. */}
            <p id="google-disconnect-note" className="mt-2 text-sm text-stone-600">
              Disconnecting deletes Kestrel’s keys to your calendar at once, and Kestrel also asks Google to remove its access (unless you still send mail through Gmail from Kestrel).
            </p>
          </>
        ) : (
          <Button pending={connect.isPending} pendingLabel="Opening Google…" onClick={() => connect.mutate()}>
            Connect Google Calendar
          </Button>
        )}
        {connect.error ? <ErrorAlert className="mt-3">{errorMessage(connect.error)}</ErrorAlert> : null}
        {disconnect.error ? <ErrorAlert className="mt-3">{errorMessage(disconnect.error)}</ErrorAlert> : null}
      </Card>

      <Card labelledBy="types-heading">
        <SectionHeading id="types-heading">Booking pages</SectionHeading>
        {types.data?.items.length ? (
          <p className="mb-2 text-sm text-stone-700">
            All of them on one page:{' '}
            <a href={`/book/${workspaceId}`} className="break-all text-teal-800 underline" data-testid="team-page-link">
              {link(`/book/${workspaceId}`)}
            </a>
            {me.data?.user?.id && types.data.items.some((t) => t.hosts.some((h) => h.userId === me.data?.user?.id)) ? (
              <>
                {' '}· just yours:{' '}
                <a href={`/book/${workspaceId}?host=${me.data.user.id}`} className="text-teal-800 underline" data-testid="my-page-link">
                  your page
                </a>
              </>
            ) : null}
          </p>
        ) : null}
        {types.isPending ? <p className="text-sm text-stone-600">Loading booking pages…</p> : null}
        {types.error ? <ErrorAlert>{errorMessage(types.error)}</ErrorAlert> : null}
        {types.data?.items.length ? (
          <ul className="divide-y divide-stone-200">
            {types.data.items.map((t) => (
              <li key={t.id} className="flex flex-wrap items-center justify-between gap-2 py-3">
                <div>
                  <p className="font-medium text-stone-900">{t.title}</p>
                  <p className="text-sm text-stone-600">
                    {t.durationMinutes} min · buffers {t.bufferBeforeMinutes}/{t.bufferAfterMinutes} min · {t.minNoticeMinutes / 60} h notice{t.dailyCap ? ` · at most ${t.dailyCap} a day` : ''} · {t.hosts.map((h) => h.name).join(', ')}
                  </p>
                </div>
                <div className="flex flex-wrap items-center gap-3">
                  <a href={t.publicPath} className="break-all text-sm text-teal-800 underline" data-testid="public-link">
                    {link(t.publicPath)}
                  </a>
                  <Button size="sm" variant="secondary" aria-expanded={editing === t.id} aria-label={`Edit ${t.title}`} onClick={() => setEditing(editing === t.id ? null : t.id)}>
                    Edit
                  </Button>
                </div>
                {editing === t.id ? (
                  <div className="w-full">
                    <EventTypeEditor
                      workspaceId={workspaceId}
                      eventType={t}
                      schedules={schedules.data?.items ?? []}
                      members={members.data?.members ?? t.hosts.map((h) => ({ userId: h.userId, name: h.name }))}
                      onDone={() => setEditing(null)}
                    />
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-stone-600">No booking pages yet.</p>
        )}
        <h3 className="mt-6 border-t border-stone-200 pt-4 text-base font-semibold text-stone-900">New booking page</h3>
        <p className="mt-1 text-sm text-stone-600">Your hours and a meeting on them in one go; edit it afterwards for every other rule.</p>
        <form onSubmit={submit} className="mt-3 grid gap-3 sm:grid-cols-2" aria-label="New booking page">
          <TextField label="Title" value={title} onChange={(e) => setTitle(e.target.value)} error={fields.title} maxLength={200} />
          <TextField label="Link name" value={slug} onChange={(e) => setSlugEdited(e.target.value)} error={fields.slug} hint="Lower-case letters, digits and dashes." maxLength={60} />
          <TextField label="Minutes" type="number" min={5} max={720} value={duration} onChange={(e) => setDuration(e.target.value)} error={fields.durationMinutes} />
          <TextField label="Buffer before and after (minutes)" type="number" min={0} max={240} value={buffer} onChange={(e) => setBuffer(e.target.value)} error={fields.bufferBeforeMinutes} />
          <TextField label="Minimum notice (hours)" type="number" min={0} value={notice} onChange={(e) => setNotice(e.target.value)} error={fields.minNoticeMinutes} />
          <TextField label="At most a day" type="number" min={1} value={cap} onChange={(e) => setCap(e.target.value)} error={fields.dailyCap} optional />
          <fieldset className="sm:col-span-2">
            <legend className="mb-1 text-sm font-medium text-stone-800">Weekly hours</legend>
            <div className="flex flex-wrap gap-2">
              {weekdayNames.map((d, i) => (
                <label key={d} className="flex items-center gap-1 text-sm">
                  <input type="checkbox" checked={days.includes(i + 1)} onChange={(e) => setDays(e.target.checked ? [...days, i + 1].sort() : days.filter((x) => x !== i + 1))} />
                  {d}
                </label>
              ))}
            </div>
          </fieldset>
          <TextField label="From" type="time" value={from} onChange={(e) => setFrom(e.target.value)} />
          <TextField label="To" type="time" value={to} onChange={(e) => setTo(e.target.value)} />
          <SelectField label="Time zone" value={zone} onChange={(e) => setZone(e.target.value)} options={[...new Set([zone, ...allTimeZones()])].map((z) => ({ value: z, label: z.replaceAll('_', ' ') }))} error={fields.timeZone} />
          <TextField label="A day off" type="date" value={dayOff} onChange={(e) => setDayOff(e.target.value)} optional />
          {create.error && !Object.keys(fields).length ? <ErrorAlert className="sm:col-span-2">{errorMessage(create.error)}</ErrorAlert> : null}
          <div className="sm:col-span-2">
            <Button type="submit" pending={create.isPending} disabled={!me.data || !title.trim() || !slug.trim()}>
              Create booking page
            </Button>
            {created && !create.isPending ? (
              <p role="status" className="mt-2 text-sm text-teal-800">
                “{created}” is ready: its link is in the list above. Fill in a new title and link for another.
              </p>
            ) : null}
          </div>
        </form>
        {schedules.data ? <p className="mt-2 text-xs text-stone-500">{schedules.data.items.length === 0 ? 'No hours saved yet.' : schedules.data.items.length === 1 ? 'One set of hours saved.' : `${schedules.data.items.length} sets of hours saved.`}</p> : null}
      </Card>

      <Card labelledBy="hours-heading">
        <SectionHeading id="hours-heading" description="When each host can be booked: several intervals a day, and dates that differ.">
          Hours
        </SectionHeading>
        {schedules.isPending ? <p className="text-sm text-stone-600">Loading hours…</p> : null}
        {schedules.data && !schedules.data.items.length ? <p className="text-sm text-stone-600">No hours yet: creating a booking page above sets your first ones.</p> : null}
        <ul className="divide-y divide-stone-200">
          {schedules.data?.items.map((s) => (
            <li key={s.id} className="py-3">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <div>
                  <p className="font-medium text-stone-900">
                    {s.name} · {members.data?.members.find((m) => m.userId === s.userId)?.name ?? 'Teammate'}
                  </p>
                  <p className="text-sm text-stone-600">
                    {s.timeZone.replaceAll('_', ' ')} · {summariseWeek(s.weekly)}
                    {s.overrides.length ? ` · ${s.overrides.length === 1 ? 'one date differs' : `${s.overrides.length} dates differ`}` : ''}
                  </p>
                </div>
                <Button size="sm" variant="secondary" aria-expanded={editingHours === s.id} aria-label={`Edit hours ${s.name}`} onClick={() => setEditingHours(editingHours === s.id ? null : s.id)}>
                  Edit hours
                </Button>
              </div>
              {editingHours === s.id ? <HoursEditor workspaceId={workspaceId} schedule={s} onDone={() => setEditingHours(null)} /> : null}
            </li>
          ))}
        </ul>
      </Card>

    </div>
  );
}

/** "Mon–Fri 09:00–17:00" style summary: each day's intervals, days with the same hours grouped. */
function summariseWeek(weekly: { weekday: number; start: string; end: string }[]): string {
  if (!weekly.length) return 'no weekly hours';
  const byDay = weekdayNames.map((_, i) => weekly.filter((w) => w.weekday === i + 1).map((w) => `${w.start}–${w.end}`).join(', '));
  const parts: string[] = [];
  for (let i = 0; i < 7; ) {
    if (!byDay[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < 7 && byDay[j + 1] === byDay[i]) j++;
    parts.push(`${weekdayNames[i]}${j > i ? `–${weekdayNames[j]}` : ''} ${byDay[i]}`);
    i = j + 1;
  }
  return parts.join('; ');
}

