import { buttonClass } from '../../ui/Button';
import { DropdownPanel, useDisclosure } from '../../ui/Disclosure';
import type { ViewField } from './api';

/** Which columns the table shows, in the order chosen; the first is the record's link. */
export function ColumnChooser({ fields, columns, onChange }: { fields: ViewField[]; columns: string[]; onChange: (next: string[]) => void }) {
  const menu = useDisclosure();
  const toggle = (key: string) => onChange(columns.includes(key) ? columns.filter((c) => c !== key) : [...columns, key]);
  const move = (key: string, by: -1 | 1) => {
    const i = columns.indexOf(key);
    const j = i + by;
    if (i < 0 || j < 0 || j >= columns.length) return;
    const next = [...columns];
    [next[i], next[j]] = [next[j]!, next[i]!];
    onChange(next);
  };
  return (
    <div className="relative">
      <button {...menu.buttonProps} className={buttonClass('secondary', 'sm')}>
        Columns
      </button>
      <DropdownPanel open={menu.open} panelProps={menu.panelProps} label="Columns">
        <ul className="max-h-80 overflow-y-auto p-1">
          {fields.map((f) => {
            const on = columns.includes(f.key);
            return (
              <li key={f.key} className="flex items-center gap-2 rounded px-2 py-1 hover:bg-stone-50">
                <label className="flex flex-1 items-center gap-2 text-sm">
                  <input type="checkbox" className="size-4 accent-teal-700" checked={on} disabled={on && columns.length === 1} onChange={() => toggle(f.key)} />
                  {f.label}
                  {f.custom ? <span className="text-xs text-stone-500">custom</span> : null}
                </label>
                {on ? (
                  <span className="flex gap-0.5">
                    <button type="button" className="rounded px-1 text-xs hover:bg-stone-200" onClick={() => move(f.key, -1)} aria-label={`Move ${f.label} left`}>
                      ←
                    </button>
                    <button type="button" className="rounded px-1 text-xs hover:bg-stone-200" onClick={() => move(f.key, 1)} aria-label={`Move ${f.label} right`}>
                      →
                    </button>
                  </span>
                ) : null}
              </li>
            );
          })}
        </ul>
      </DropdownPanel>
    </div>
  );
}
