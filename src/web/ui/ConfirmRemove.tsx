import { useState, type ReactNode } from 'react';
import { Button } from './Button';

interface ConfirmRemoveProps {
  /** The first button: "Remove provider". */
  label: ReactNode;
  /** Asked once it is pressed: "Remove this provider and its key?" */
  question: ReactNode;
  onConfirm: () => void;
  pending: boolean;
  /** The confirming button, "Remove" unless said otherwise. */
  confirmLabel?: string;
  pendingLabel?: string;
  /** The first button's accessible name when its label alone is ambiguous in a list ("Remove Do you deliver?"). */
  ariaLabel?: string;
}

/** A removal that asks first, in place: the button becomes the question with Remove and Keep it. */
export function ConfirmRemove({ label, question, onConfirm, pending, confirmLabel = 'Remove', pendingLabel = 'Removing…', ariaLabel }: ConfirmRemoveProps) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <Button variant="danger" onClick={() => setAsking(true)} aria-label={ariaLabel}>
        {label}
      </Button>
    );
  }
  return (
    <span className="flex flex-wrap items-center gap-2 text-sm text-stone-700" role="group" aria-label="Confirm removal">
      {question}
      <Button variant="danger" size="sm" onClick={onConfirm} pending={pending} pendingLabel={pendingLabel}>
        {confirmLabel}
      </Button>
      <Button variant="ghost" size="sm" onClick={() => setAsking(false)}>
        Keep it
      </Button>
    </span>
  );
}
