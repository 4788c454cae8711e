import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { errorMessage } from '../../lib/api';
import { describedBy, FieldNotes, inputClass } from '../../ui/Field';
import { Spinner } from '../../ui/Spinner';
import { crmKeys, fetchCompanies, fetchContacts } from './api';
import { contactName } from './format';

/** Names of records seen on this page (in records and search results), so a picked id shows its name. */
const labels = new Map<string, string>();
export const rememberLabel = (id: string | null | undefined, label: string) => {
  if (id) labels.set(id, label);
};
export const recordLabel = (id: string) => labels.get(id) ?? 'Selected record';

interface Option {
  id: string;
  label: string;
  detail: string | null;
}

async function search(workspaceId: string, kind: 'company' | 'contact', q: string): Promise<Option[]> {
  if (kind === 'company') {
    const page = await fetchCompanies(workspaceId, { q: q || undefined, limit: 8 });
    return page.items.map((c) => ({ id: c.id, label: c.name, detail: c.domain }));
  }
  const page = await fetchContacts(workspaceId, { q: q || undefined, limit: 8 });
  return page.items.map((c) => ({ id: c.id, label: contactName(c), detail: c.email && contactName(c) !== c.email ? c.email : null }));
}

/**
 * Picks a company or contact by typing the start of its name (a combobox: arrow keys move,
 * Enter picks, Escape closes). Shows the picked record with a button to clear it.
 */
export function RecordPicker({
  workspaceId,
  kind,
  label,
  value,
  onChange,
  error,
  disabled,
  hint,
}: {
  workspaceId: string;
  kind: 'company' | 'contact';
  label: string;
  value: string;
  onChange: (id: string, label: string) => void;
  error?: string | undefined;
  disabled?: boolean;
  hint?: string;
}) {
  const id = useId();
  const listId = `${id}-list`;
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), 200);
    return () => clearTimeout(timer);
  }, [text]);

  const results = useQuery({
    queryKey: [...crmKeys.list(workspaceId, kind === 'company' ? 'companies' : 'contacts', { picker: q })],
    queryFn: () => search(workspaceId, kind, q),
    enabled: open && !disabled,
    staleTime: 10_000,
  });
  const options = results.data ?? [];
  useEffect(() => {
    for (const o of options) rememberLabel(o.id, o.label);
    setActive(0);
  }, [results.data]); // eslint-disable-line react-hooks/exhaustive-deps

  const pick = (option: Option) => {
    rememberLabel(option.id, option.label);
    onChange(option.id, option.label);
    setText('');
    setOpen(false);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      setActive((i) => Math.min(i + 1, Math.max(options.length - 1, 0)));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => Math.max(i - 1, 0));
    } else if (event.key === 'Enter' && open) {
      event.preventDefault();
      const option = options[active];
      if (option) pick(option);
    } else if (event.key === 'Escape' && open) {
      // Only the list closes; a surrounding dialog stays open.
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
    }
  };


  return (
    <div>
      <label htmlFor={id} id={`${id}-label`} className="mb-1 block text-sm font-medium text-stone-800">
        {label}
      </label>
      {value ? (
        <div role="group" aria-labelledby={`${id}-label`} className="flex items-center gap-2 rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm">
          <span className="min-w-0 flex-1 truncate">
            {recordLabel(value)}
          </span>
          {disabled ? null : (
            <button
              type="button"
              className="rounded px-2 py-0.5 text-xs font-medium text-stone-600 hover:bg-stone-100"
              onClick={() => {
                onChange('', '');
                requestAnimationFrame(() => inputRef.current?.focus());
              }}
            >
              Change<span className="sr-only"> {label.toLowerCase()}</span>
            </button>
          )}
        </div>
      ) : (
        <div className="relative">
          <input
            ref={inputRef}
            id={id}
            type="text"
            role="combobox"
            aria-expanded={open}
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={open && options[active] ? `${listId}-${options[active].id}` : undefined}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy(id, hint, error)}
            autoComplete="off"
            placeholder={kind === 'company' ? 'Type a company name…' : 'Type a name or email…'}
            className={inputClass}
            value={text}
            disabled={disabled}
            onChange={(e) => {
              setText(e.target.value);
              setOpen(true);
            }}
            onFocus={() => setOpen(true)}
            onBlur={() => setTimeout(() => setOpen(false), 150)}
            onKeyDown={onKeyDown}
          />
          {open ? (
            <ul id={listId} role="listbox" aria-label={`${label} matches`} className="absolute top-full right-0 left-0 z-30 mt-1 max-h-64 overflow-auto rounded-md border border-stone-200 bg-white py-1 shadow-lg">
              {results.isPending ? (
                <li className="px-3 py-2 text-sm text-stone-500">
                  <Spinner label="Searching…" />
                </li>
              ) : results.isError ? (
                <li className="px-3 py-2 text-sm text-red-700">{errorMessage(results.error)}</li>
              ) : options.length === 0 ? (
                <li className="px-3 py-2 text-sm text-stone-500">{q ? `Nothing starts with "${q}".` : 'Nothing here yet.'}</li>
              ) : (
                options.map((o, i) => (
                  <li
                    key={o.id}
                    id={`${listId}-${o.id}`}
                    role="option"
                    aria-selected={i === active}
                    className="cursor-pointer px-3 py-2 text-sm aria-selected:bg-teal-50 aria-selected:text-teal-900"
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => pick(o)}
                  >
                    <span className="block truncate font-medium">{o.label}</span>
                    {o.detail ? <span className="block truncate text-xs text-stone-500">{o.detail}</span> : null}
                  </li>
                ))
              )}
            </ul>
          ) : null}
        </div>
      )}
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  );
}
