import { useId, type ReactNode } from 'react';

/** A setting that is on or off: its label and hint on the left, the switch on the right; `pending` while the change is saved. */
export function SwitchRow({ label, hint, checked, pending, onToggle }: { label: ReactNode; hint: ReactNode; checked: boolean; pending: boolean; onToggle: () => void }) {
  const id = useId();
  return (
    <div className="flex items-start justify-between gap-4">
      <div>
        <p id={`${id}-label`} className="font-medium text-stone-900">
          {label}
        </p>
        <p id={`${id}-hint`} className="mt-1 text-sm text-stone-600">
          {hint}
        </p>
      </div>
      <button
        type="button"
        role="switch"
        aria-checked={checked}
        aria-labelledby={`${id}-label`}
        aria-describedby={`${id}-hint`}
        disabled={pending}
        onClick={onToggle}
        className={`relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors disabled:opacity-60 ${checked ? 'bg-teal-700' : 'bg-stone-300'}`}
      >
        <span aria-hidden="true" className={`inline-block size-5 rounded-full bg-white shadow transition-transform ${checked ? 'translate-x-5' : 'translate-x-0.5'}`} />
      </button>
    </div>
  );
}
