import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { errorMessage } from '../../lib/api';
import { Spinner } from '../../ui/Spinner';
import { searchRecords, type RecordType, type SearchResult } from './api';
import { useDebounced } from '../../ui/useDebounced';

const groupNames: Record<RecordType, string> = { contacts: 'Contacts', companies: 'Companies', deals: 'Deals' };
const order: RecordType[] = ['contacts', 'companies', 'deals'];

/**
 * CRM-6 command palette: Ctrl-K (⌘-K on a Mac) anywhere in the workspace opens a search over
 * contacts, companies and deals that forgives misspellings. Results are grouped by type; the
 * arrow keys move through them and Enter opens the record. A combobox with a listbox, so a
 * screen reader follows the active option.
 */
export function CommandPalette({ workspaceId }: { workspaceId: string }) {
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setOpen((o) => !o);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      returnTo.current = document.activeElement as HTMLElement | null;
      d.showModal();
    } else if (!open && d.open) {
      d.close();
      returnTo.current?.focus?.();
    }
  }, [open]);

  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        className="hidden items-center gap-2 rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm text-stone-500 hover:bg-stone-50 sm:inline-flex"
        aria-keyshortcuts="Control+K Meta+K"
      >
        <SearchIcon />
        Search…
        <kbd className="rounded border border-stone-200 px-1 text-xs">Ctrl K</kbd>
      </button>
      <button type="button" onClick={() => setOpen(true)} className="inline-flex rounded-md p-2 text-stone-600 hover:bg-stone-100 sm:hidden" aria-label="Search">
        <SearchIcon />
      </button>
      <dialog
        ref={dialog}
        onClose={() => setOpen(false)}
        onClick={(e) => {
          if (e.target === dialog.current) setOpen(false);
        }}
        aria-label="Search records"
        className="m-0 mx-auto mt-[10vh] w-[min(40rem,calc(100vw-1.5rem))] max-w-none rounded-xl border border-stone-200 bg-white p-0 shadow-2xl backdrop:bg-stone-900/40"
      >
        {open ? <PaletteBody workspaceId={workspaceId} onDone={() => setOpen(false)} /> : null}
      </dialog>
    </>
  );
}

function PaletteBody({ workspaceId, onDone }: { workspaceId: string; onDone: () => void }) {
  const id = useId();
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const q = useDebounced(text.trim(), 150);
  const navigate = useNavigate();
  const results = useQuery({
    queryKey: ['search', workspaceId, q],
    queryFn: ({ signal }) => searchRecords(workspaceId, q, signal),
    enabled: q.length > 0,
    staleTime: 10_000,
  });
  const list: SearchResult[] = q ? order.flatMap((t) => (results.data?.results ?? []).filter((r) => r.type === t)) : [];
  useEffect(() => setActive(0), [q]);

  const go = (r: SearchResult | undefined) => {
    if (!r) return;
    onDone();
    if (r.type === 'contacts') void navigate({ to: '/w/$workspaceId/contacts/$contactId', params: { workspaceId, contactId: r.id } });
    else if (r.type === 'companies') void navigate({ to: '/w/$workspaceId/companies/$companyId', params: { workspaceId, companyId: r.id } });
    else void navigate({ to: '/w/$workspaceId/deals/$dealId', params: { workspaceId, dealId: r.id } });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => (list.length ? (a + 1) % list.length : 0));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => (list.length ? (a - 1 + list.length) % list.length : 0));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      go(list[active]);
    }
  };
  const optionId = (i: number) => `${id}-opt-${i}`;

  return (
    <div>
      <div className="flex items-center gap-2 border-b border-stone-200 px-4">
        <SearchIcon />
        <label htmlFor={`${id}-input`} className="sr-only">
          Search contacts, companies and deals
        </label>
        <input
          id={`${id}-input`}
          autoFocus
          role="combobox"
          aria-expanded={list.length > 0}
          aria-controls={`${id}-list`}
          aria-activedescendant={list.length ? optionId(active) : undefined}
          aria-autocomplete="list"
          className="h-12 flex-1 bg-transparent text-base text-stone-900 outline-none placeholder:text-stone-400"
          placeholder="Search contacts, companies and deals…"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          maxLength={100}
        />
        {results.isFetching ? <Spinner /> : null}
        <kbd className="hidden rounded border border-stone-200 px-1 text-xs text-stone-500 sm:inline">Esc</kbd>
      </div>
      <div className="max-h-[60vh] overflow-y-auto p-2">
        {!q ? (
          <p className="px-2 py-6 text-center text-sm text-stone-500">Type a name, email, phone, company or deal. Spelling mistakes are fine.</p>
        ) : results.isError ? (
          <p role="alert" className="px-2 py-6 text-center text-sm text-red-700">
            {errorMessage(results.error)}
          </p>
        ) : results.isPending ? (
          <p className="px-2 py-6 text-center text-sm text-stone-500">Searching…</p>
        ) : list.length === 0 ? (
          <p role="status" className="px-2 py-6 text-center text-sm text-stone-500">
            Nothing matches “{q}”.
          </p>
        ) : null}
        <ul id={`${id}-list`} role="listbox" aria-label="Results">
          {list.map((r, i) => (
            <li key={`${r.type}-${r.id}`} role="presentation">
              {i === 0 || list[i - 1]!.type !== r.type ? (
                <p role="presentation" className="px-2 pt-2 pb-1 text-xs font-semibold tracking-wide text-stone-500 uppercase">
                  {groupNames[r.type]}
                </p>
              ) : null}
              <div
                id={optionId(i)}
                role="option"
                aria-selected={i === active}
                onMouseEnter={() => setActive(i)}
                onClick={() => go(r)}
                className={`flex cursor-pointer items-baseline justify-between gap-3 rounded-md px-3 py-2 text-sm ${i === active ? 'bg-teal-50 text-teal-900' : 'text-stone-800'}`}
              >
                <span className="truncate font-medium">{r.title}</span>
                {r.subtitle ? <span className="truncate text-xs text-stone-500">{r.subtitle}</span> : null}
              </div>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

function SearchIcon() {
  return (
    <svg viewBox="0 0 20 20" aria-hidden="true" className="size-4 shrink-0 text-stone-500" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round">
      <circle cx="9" cy="9" r="5.5" />
      <path d="M13.5 13.5L17 17" />
    </svg>
  );
}
