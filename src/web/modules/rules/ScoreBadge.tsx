import { useEffect, useId, useRef, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { Spinner } from '../../ui/Spinner';
import { useScore } from './useRules';

const tone = (score: number) => (score >= 50 ? 'bg-teal-700 text-white' : score > 0 ? 'bg-teal-100 text-teal-900' : score < 0 ? 'bg-red-100 text-red-800' : 'bg-stone-100 text-stone-700');
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/**
 * CRM-10: a contact's lead score; opening it (click, Enter or Space) lists every rule with its
 * points, the ones that matched first, so the number is never a mystery. Shown to anyone who can see the contact.
 */
export function ScoreBadge({ workspaceId, contactId, version }: { workspaceId: string; contactId: string; /** The contact's version: a saved edit refetches the score. */ version?: number }) {
  const [open, setOpen] = useState(false);
  const score = useScore(workspaceId, contactId, true, version);
  const panelId = useId();
  const wrapper = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        wrapper.current?.querySelector('button')?.focus();
      }
    };
    const onClick = (e: MouseEvent) => {
      if (!wrapper.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open]);

  if (score.isPending) {
    return (
      <span className="inline-flex items-center gap-1 text-sm text-stone-500">
        <Spinner /> Score…
      </span>
    );
  }
  if (score.isError) return <span className="text-sm text-stone-500" title={errorMessage(score.error)}>Score unavailable</span>;
  const { score: value, rules } = score.data;
  const matched = rules.filter((r) => r.matched);
  const unmatched = rules.filter((r) => !r.matched);
  return (
    <div ref={wrapper} className="relative inline-block">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        className={`inline-flex items-center gap-1 rounded-full px-2.5 py-0.5 text-sm font-semibold ${tone(value)}`}
      >
        <span className="sr-only">Lead score </span>
        {value}
        <span aria-hidden="true" className="text-xs font-normal opacity-80">
          pts
        </span>
        <span className="sr-only">, show how it is made up</span>
      </button>
      {open ? (
        <div id={panelId} role="region" aria-label="How the score is made up" className="absolute left-0 z-20 mt-2 w-72 max-w-[90vw] rounded-lg border border-stone-200 bg-white p-3 text-sm shadow-lg">
          {rules.length === 0 ? (
            <p className="text-stone-600">No scoring rules yet. Owners and admins add them in Settings → Lead scoring.</p>
          ) : (
            <>
              <p className="mb-2 font-medium text-stone-900">Score {value}</p>
              <ul className="space-y-1">
                {matched.map((r) => (
                  <li key={r.ruleId} className="flex justify-between gap-3">
                    <span className="text-stone-800">{r.label}</span>
                    <span className={`font-medium tabular-nums ${r.points < 0 ? 'text-red-700' : 'text-teal-800'}`}>{signed(r.points)}</span>
                  </li>
                ))}
              </ul>
              {unmatched.length ? (
                <>
                  <p className="mt-3 mb-1 text-xs font-medium text-stone-500 uppercase">Not met</p>
                  <ul className="space-y-1">
                    {unmatched.map((r) => (
                      <li key={r.ruleId} className="flex justify-between gap-3 text-stone-500">
                        <span>{r.label}</span>
                        <span className="tabular-nums">{signed(r.points)}</span>
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </>
          )}
        </div>
      ) : null}
    </div>
  );
}
