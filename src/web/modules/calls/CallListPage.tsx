import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { ErrorAlert, InfoNote, StatusNote } from '../../ui/Alert';
import { Button, buttonClass } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { SelectField } from '../../ui/Field';
import { PageHeading, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { fetchSavedViews } from '../views/api';
import { templatesApi, type OutreachTemplate } from '../outreach/mail-api';
import { callsApi, localClock, opensAtText, skipLabels, weekdayClock, type OfferedCall, type SkippedCall } from './api';
import { LogCallDialog } from './LogCallDialog';

const typing = (el: EventTarget | null) => el instanceof HTMLElement && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

/** CALL-1…CALL-3: today's call list — who may be called now, by lead score, and why the others are not offered. */
export function CallListPage() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const qc = useQueryClient();
  const [viewId, setViewId] = useState('');
  const views = useQuery({ queryKey: ['views', workspaceId, 'contacts'], queryFn: () => fetchSavedViews(workspaceId, 'contacts') });
  // CALL-1: the call script chosen for this list (remembered per list on this device); a call may use another.
  const scripts = useQuery({ queryKey: ['outreach-templates', workspaceId, 'call_script'], queryFn: () => templatesApi.callScripts(workspaceId) });
  const [scriptId, setScriptId] = useListScript(workspaceId, viewId);
  const listScript = scripts.data?.items.some((t) => t.id === scriptId) ? scriptId : '';
  const [perCall, setPerCall] = useState<Record<string, string>>({});
  const queue = useInfiniteQuery({
    queryKey: ['calls', workspaceId, 'queue', viewId, listScript],
    queryFn: ({ pageParam }) => callsApi.queue(workspaceId, { viewId: viewId || undefined, cursor: pageParam, scriptId: listScript || undefined }),
    enabled: !scripts.isPending,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const offered = useMemo(() => queue.data?.pages.flatMap((p) => p.offered) ?? [], [queue.data]);
  const skipped = useMemo(() => queue.data?.pages.flatMap((p) => p.skipped) ?? [], [queue.data]);
  const [current, setCurrent] = useState(0);
  const [logging, setLogging] = useState<OfferedCall | null>(null);
  const [notice, setNotice] = useState('');
  const rows = useRef<(HTMLLIElement | null)[]>([]);

  useEffect(() => setCurrent(0), [viewId]);
  useEffect(() => {
    if (current >= offered.length && offered.length) setCurrent(offered.length - 1);
  }, [current, offered.length]);

  // Keyboard: J / ↓ next, K / ↑ previous, L log the call of the chosen contact.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (logging || typing(e.target) || e.metaKey || e.ctrlKey || e.altKey) return;
      const move = (by: number) => {
        e.preventDefault();
        setCurrent((c) => {
          const next = Math.max(0, Math.min(offered.length - 1, c + by));
          rows.current[next]?.focus();
          return next;
        });
      };
      if (e.key === 'j' || e.key === 'ArrowDown') move(1);
      else if (e.key === 'k' || e.key === 'ArrowUp') move(-1);
      else if (e.key === 'l' && offered[current]) {
        e.preventDefault();
        setLogging(offered[current]!);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [offered, current, logging]);

  const refresh = () => qc.invalidateQueries({ queryKey: ['calls', workspaceId] });
  const viewOptions = [{ value: '', label: 'All my contacts' }, ...(views.data?.views ?? []).map((v) => ({ value: v.id, label: v.name }))];
  const scriptOptions = [{ value: '', label: 'No script' }, ...(scripts.data?.items ?? []).map((t) => ({ value: t.id, label: t.name }))];

  return (
    <div className="max-w-5xl">
      <PageHeading
        description="People you may call now: inside 08:00–21:00 in their own time zone and not on the do-not-call list, highest lead score first."
        actions={
          <Link to={`/w/${workspaceId}/calls/do-not-call` as '/'} className={buttonClass('secondary')}>
            Do-not-call list
          </Link>
        }
      >
        Calls
      </PageHeading>

      <div className="mb-4 flex flex-wrap items-end gap-3">
        <SelectField label="Call list" options={viewOptions} value={viewId} onChange={(e) => setViewId(e.target.value)} containerClassName="w-full sm:w-72" />
        <SelectField
          label="Call script"
          hint={scripts.isError ? 'Call scripts could not be loaded.' : scripts.data && !scripts.data.items.length ? 'No call scripts yet: ask Forge to write one.' : undefined}
          options={scriptOptions}
          value={listScript}
          disabled={!scripts.data?.items.length}
          onChange={(e) => {
            setScriptId(e.target.value);
            setPerCall({});
          }}
          containerClassName="w-full sm:w-72"
        />
        <Button variant="secondary" onClick={() => void refresh()} pending={queue.isRefetching} pendingLabel="Refreshing…">
          Refresh
        </Button>
      </div>
      {notice ? <StatusNote className="mb-4">{notice}</StatusNote> : null}

      <section aria-labelledby="call-queue-heading" className="mb-8">
        <SectionHeading id="call-queue-heading" description={<span className="hidden sm:inline">J or ↓ next, K or ↑ previous, L log a call.</span>}>
          Today's queue
        </SectionHeading>
        <OutsideHoursNotice skipped={skipped} />
        {queue.isPending ? (
          <SkeletonList rows={4} label="Loading the call list…" />
        ) : queue.isError ? (
          <ErrorAlert>{errorMessage(queue.error)}</ErrorAlert>
        ) : offered.length === 0 ? (
          <EmptyState title="Nobody to call right now">
            {skipped.length ? 'Everyone in this list is outside their calling hours or may not be called; see why below.' : 'Add contacts with phone numbers, or choose another list.'}
          </EmptyState>
        ) : (
          <ol className="divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white" aria-label="Contacts to call">
            {offered.map((c, i) => (
              <li
                key={c.contactId}
                ref={(el) => {
                  rows.current[i] = el;
                }}
                tabIndex={i === current ? 0 : -1}
                aria-current={i === current ? 'true' : undefined}
                onFocus={() => setCurrent(i)}
                className={`flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 focus:outline-none ${i === current ? 'bg-teal-50 ring-2 ring-inset ring-teal-600' : ''}`}
              >
                <div className="min-w-0 flex-1">
                  <Link to={`/w/${workspaceId}/contacts/${c.contactId}` as '/'} className="font-medium text-stone-900 hover:underline">
                    {c.name}
                  </Link>
                  <p className="text-sm text-stone-600">
                    <span className="tabular-nums">{c.phone}</span> · score {c.score}
                  </p>
                </div>
                <div className="text-sm text-stone-700 sm:w-60">
                  <p className="tabular-nums" data-testid="local-time">
                    {localClock(c.localTime, c.zones[0]!)} their time
                  </p>
                  <p className="truncate text-xs text-stone-500" title={c.zones.join(', ')}>
                    {c.zones.length > 1 ? `${c.zones.length} possible zones` : c.zones[0]}
                  </p>
                </div>
                <div className="flex gap-2">
                  <a href={c.telUri} className={buttonClass('primary', 'sm')} aria-label={`Call ${c.name} at ${c.phone}`}>
                    Call
                  </a>
                  <Button size="sm" variant="secondary" onClick={() => setLogging(c)}>
                    Log call
                  </Button>
                </div>
                {i === current && scripts.data?.items.length ? (
                  <CallScript
                    workspaceId={workspaceId}
                    call={c}
                    scripts={scripts.data.items}
                    chosen={perCall[c.contactId] ?? listScript}
                    onChoose={(id) => setPerCall((p) => ({ ...p, [c.contactId]: id }))}
                  />
                ) : null}
              </li>
            ))}
          </ol>
        )}
        {queue.hasNextPage ? (
          <Button variant="secondary" className="mt-3" onClick={() => void queue.fetchNextPage()} pending={queue.isFetchingNextPage} pendingLabel="Loading…">
            Show more
          </Button>
        ) : null}
      </section>

      <section aria-labelledby="not-offered-heading">
        <SectionHeading id="not-offered-heading" description="Contacts in this list who are not offered now, and why.">
          Why not offered
        </SectionHeading>
        {queue.isPending ? null : skipped.length === 0 ? (
          <p className="text-sm text-stone-600">Everyone read so far may be called.</p>
        ) : (
          <ul className="divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white">
            {skipped.map((s) => (
              <SkippedRow key={s.contactId} workspaceId={workspaceId} s={s} />
            ))}
          </ul>
        )}
      </section>

      <LogCallDialog
        workspaceId={workspaceId}
        contact={logging}
        script={logging ? (scripts.data?.items.find((t) => t.id === (perCall[logging.contactId] ?? listScript)) ?? null) : null}
        onClose={() => setLogging(null)}
        onLogged={(message) => {
          setLogging(null);
          setNotice(message);
          void refresh();
        }}
      />
    </div>
  );
}

function SkippedRow({ workspaceId, s }: { workspaceId: string; s: SkippedCall }) {
  return (
    <li className="flex flex-wrap items-start gap-x-4 gap-y-1 px-4 py-3">
      <div className="min-w-0 flex-1">
        <Link to={`/w/${workspaceId}/contacts/${s.contactId}` as '/'} className="font-medium text-stone-900 hover:underline">
          {s.name}
        </Link>
        <p className="text-sm text-stone-600" title={s.reason === 'outside_hours' ? s.message : undefined}>
          {s.reason === 'outside_hours' ? shortOutsideHours(s) : s.message}
        </p>
      </div>
      <span className="rounded-full bg-stone-100 px-2 py-0.5 text-xs font-medium text-stone-700">{skipLabels[s.reason]}</span>
    </li>
  );
}

/**
 * CALL-3: one notice for everyone outside calling hours, above the list, so each row need not
 * repeat it: how many, and when calling opens again first (in that contact's zone, and in the
 * member's own where the two differ).
 */
function OutsideHoursNotice({ skipped }: { skipped: SkippedCall[] }) {
  const outside = skipped.filter((s) => s.reason === 'outside_hours');
  if (!outside.length) return null;
  const next = outside.filter((s) => s.opensAt).sort((a, b) => Date.parse(a.opensAt!) - Date.parse(b.opensAt!))[0];
  const who = outside.length === 1 ? '1 contact is' : `${outside.length} contacts are`;
  return (
    <InfoNote className="mb-3">
      <p data-testid="outside-hours-notice">
        {who} outside calling hours (08:00–21:00 in their own time zone).{' '}
        {next ? `Calling opens again ${opensAtText(next.opensAt!, next.zones[0]!)}${new Set(outside.map((s) => s.opensAt)).size > 1 ? ` (${next.name} first)` : ''}.` : 'Their possible time zones never share calling hours: set the time zone on the contact.'}
      </p>
    </InfoNote>
  );
}

/** CALL-3: the per-row reason when outside hours, short; the notice above the list says the rest. */
function shortOutsideHours(s: SkippedCall): string {
  if (!s.opensAt) return 'Their possible time zones never share calling hours: set the time zone on the contact.';
  return `Opens ${weekdayClock(s.opensAt, s.zones[0]!)} their time.`;
}

/** The script chosen for a list, kept per list on this device. */
function useListScript(workspaceId: string, viewId: string): [string, (id: string) => void] {
  const key = `kestrel.callScript.${workspaceId}.${viewId || 'all'}`;
  const [chosen, setChosen] = useState<Record<string, string>>({});
  let value = chosen[key];
  if (value === undefined) {
    try {
      value = window.localStorage.getItem(key) ?? '';
    } catch {
      value = '';
    }
  }
  const set = (id: string) => {
    setChosen((c) => ({ ...c, [key]: id }));
    try {
      if (id) window.localStorage.setItem(key, id);
      else window.localStorage.removeItem(key);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  };
  return [value, set];
}

/** CALL-1: the script for this call, filled in for the contact; another script can be chosen for this call alone. */
function CallScript({ workspaceId, call, scripts, chosen, onChoose }: { workspaceId: string; call: OfferedCall; scripts: OutreachTemplate[]; chosen: string; onChoose: (id: string) => void }) {
  const fromList = call.script && call.script.templateId === chosen ? call.script : null;
  const template = scripts.find((t) => t.id === chosen);
  const other = useQuery({
    queryKey: ['calls', workspaceId, 'script', chosen, call.contactId],
    queryFn: () => templatesApi.preview(workspaceId, { contactId: call.contactId, subject: template!.subject, html: template!.html }),
    enabled: Boolean(template && !fromList),
  });
  const shown = fromList ?? (other.data ? { text: other.data.text, missing: other.data.missing } : null);
  const headingId = `script-${call.contactId}`;
  return (
    <section aria-labelledby={headingId} className="basis-full rounded-md border border-stone-200 bg-white p-3 text-sm" data-testid="call-script">
      <div className="mb-2 flex flex-wrap items-center gap-2">
        <h3 id={headingId} className="font-medium text-stone-900">
          Script
        </h3>
        <label className="sr-only" htmlFor={`${headingId}-pick`}>
          Script for this call
        </label>
        <select
          id={`${headingId}-pick`}
          value={chosen}
          onChange={(e) => onChoose(e.target.value)}
          className="min-w-0 max-w-full rounded-md border border-stone-300 bg-white px-2 py-1 text-sm focus:outline-none focus:ring-2 focus:ring-teal-600"
        >
          <option value="">No script</option>
          {scripts.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </div>
      {!chosen ? (
        <p className="text-stone-600">Choose a script for this call, or one for the whole list above.</p>
      ) : other.isError ? (
        <ErrorAlert>{errorMessage(other.error)}</ErrorAlert>
      ) : !shown ? (
        <p className="text-stone-600" role="status">
          Filling in the script…
        </p>
      ) : (
        <>
          <p className="whitespace-pre-line break-words text-stone-800">{shown.text}</p>
          {shown.missing.length ? (
            <p className="mt-2 text-xs text-amber-800">
              No value for {shown.missing.map((f) => `{{${f}}}`).join(', ')}: ask, or fill it in on the contact.
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
