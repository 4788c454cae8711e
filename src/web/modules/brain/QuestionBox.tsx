import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { validate } from '../../lib/api';
import { Button } from '../../ui/Button';
import { inputClass } from '../../ui/Field';
import { askBody } from './api';

/** The question box: Enter sends, Shift+Enter starts a new line. */
export function QuestionBox({ onAsk, busy, disabled, onStop, serverError, placeholder }: { onAsk: (question: string) => Promise<boolean>; busy: boolean; disabled: boolean; onStop: () => void; serverError?: string | undefined; placeholder: string }) {
  const [question, setQuestion] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  const error = fieldError ?? serverError;

  const send = async () => {
    if (busy || disabled) return;
    const checked = validate(askBody, { question });
    if (!checked.ok) {
      setFieldError(checked.fields.question ?? 'Type a question.');
      ref.current?.focus();
      return;
    }
    setFieldError(null);
    const asked = question;
    setQuestion('');
    // Put the question back when it did not go through, so nothing typed is lost.
    if (!(await onAsk(checked.data.question))) setQuestion((now) => now || asked);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void send();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };
  return (
    <form onSubmit={submit} className="rounded-lg border border-stone-200 bg-white p-3 shadow-sm">
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-stone-800">
        Your question
      </label>
      <textarea
        ref={ref}
        id={id}
        value={question}
        onChange={(e) => {
          setQuestion(e.target.value);
          if (fieldError) setFieldError(null);
        }}
        onKeyDown={onKeyDown}
        rows={2}
        maxLength={2000}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        disabled={disabled}
        className={`${inputClass} resize-y`}
      />
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <div className="mt-2 flex flex-wrap items-center justify-between gap-2">
        <p id={`${id}-hint`} className="text-xs text-stone-500">
          Enter sends · Shift+Enter for a new line
        </p>
        {busy ? (
          <Button variant="secondary" size="sm" onClick={onStop}>
            Stop
          </Button>
        ) : (
          <Button type="submit" size="sm" disabled={disabled}>
            Ask
          </Button>
        )}
      </div>
    </form>
  );
}
