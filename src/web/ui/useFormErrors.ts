import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, errorMessage, type FieldErrors } from '../lib/api';

/**
 * Field and form errors for one form, from client-side validation or the server's answer.
 * After each failed attempt focus moves to the first invalid field, or to the form's alert.
 */
export function useFormErrors(fieldNames: readonly string[]) {
  const formRef = useRef<HTMLFormElement>(null);
  const alertRef = useRef<HTMLDivElement>(null);
  const [fields, setFields] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (attempt === 0) return;
    const frame = requestAnimationFrame(() => {
      const invalid = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
      if (invalid) invalid.focus();
      else alertRef.current?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [attempt]);

  const clear = useCallback(() => {
    setFields({});
    setFormError(null);
  }, []);

  /** Client-side validation failed, or the server refused: field messages go next to fields, the rest to the alert. */
  const present = useCallback(
    (incoming: FieldErrors, message: string | null) => {
      const next: FieldErrors = {};
      const leftover: string[] = [];
      for (const [key, text] of Object.entries(incoming)) {
        const field = fieldNames.find((name) => key === name || key.startsWith(`${name}.`));
        if (field) next[field] ??= text;
        else leftover.push(text);
      }
      setFields(next);
      const hasFieldErrors = Object.keys(next).length > 0;
      const lead = message ?? (hasFieldErrors ? null : 'Please check the form.');
      const parts = [hasFieldErrors && leftover.length === 0 ? null : lead, ...leftover].filter((p): p is string => Boolean(p));
      setFormError(parts.length ? parts.join(' ') : null);
      setAttempt((n) => n + 1);
    },
    [fieldNames],
  );

  const showFields = useCallback((next: FieldErrors) => present(next, null), [present]);

  const showError = useCallback(
    (error: unknown) => {
      const fields = error instanceof ApiError ? error.fields : {};
      const invalid = error instanceof ApiError && error.code === 'validation_failed';
      present(fields, invalid ? 'Some details are not valid.' : errorMessage(error));
    },
    [present],
  );

  return { formRef, alertRef, fields, formError, clear, showFields, showError, setFormError };
}
