import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, errorMessage } from '../../lib/api';
import { announce } from '../../ui/Announcer';
import { ErrorAlert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { crmKeys, type RecordType } from './api';
import { fieldOfError, type FieldDef, type FormValue } from './fields';
import { FieldInput } from './FieldInput';

const emptyFor = (def: FieldDef<never>): FormValue => (def.input === 'checkbox' ? false : def.input === 'multi' ? [] : '');
const isEmpty = (v: FormValue) => v === '' || v === false || (Array.isArray(v) && v.length === 0);

/**
 * A create form built from field descriptors: checks each field before sending, sends only
 * what was filled in, and shows the server's field errors next to the fields.
 */
export function CreateForm<R extends { id: string }>({
  workspaceId,
  type,
  fields,
  initial = {},
  create,
  onCreated,
  onCancel,
  submitLabel,
  extra,
  extraBody,
  extraErrorKeys = [],
  wide = ['lines', 'multi', 'checkbox'],
}: {
  workspaceId: string;
  type: RecordType;
  fields: FieldDef<never>[];
  initial?: Record<string, FormValue>;
  create: (body: Record<string, unknown>) => Promise<R>;
  onCreated: (record: R) => void;
  onCancel: () => void;
  submitLabel: string;
  /** Controls that are not plain fields (the deal's pipeline and stage), rendered first. */
  extra?: (errors: Record<string, string>) => ReactNode;
  extraBody?: () => { body: Record<string, unknown>; errors: Record<string, string> };
  extraErrorKeys?: string[];
  wide?: string[];
}) {
  const client = useQueryClient();
  const [values, setValues] = useState<Record<string, FormValue>>(() => Object.fromEntries(fields.map((f) => [f.key, initial[f.key] ?? emptyFor(f)])));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const alertRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!attempt) return;
    const frame = requestAnimationFrame(() => {
      const invalid = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
      if (invalid) invalid.focus();
      else alertRef.current?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [attempt]);

  const mutation = useMutation({
    mutationFn: create,
    onSuccess: (record) => {
      void client.invalidateQueries({ queryKey: crmKeys.lists(workspaceId, type) });
      void client.invalidateQueries({ queryKey: crmKeys.summary(workspaceId) });
      announce('Created.');
      onCreated(record);
    },
    onError: (error) => {
      const keys = [...fields.map((f) => f.key), ...extraErrorKeys];
      const mapped: Record<string, string> = {};
      const rest: string[] = [];
      if (error instanceof ApiError) {
        for (const [path, message] of Object.entries(error.fields)) {
          const key = fieldOfError(path, keys);
          if (key) mapped[key] ??= message;
          else rest.push(message);
        }
      }
      setErrors(mapped);
      const fieldsOnly = Object.keys(mapped).length > 0 && rest.length === 0;
      setFormError(fieldsOnly ? null : [error instanceof ApiError && error.code === 'validation_failed' ? 'Some details are not valid.' : errorMessage(error), ...rest].join(' '));
      setAttempt((n) => n + 1);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    const body: Record<string, unknown> = {};
    const custom: Record<string, unknown> = {};
    for (const def of fields) {
      const v = values[def.key]!;
      const message = def.check?.(v);
      if (message) found[def.key] = message;
      if (isEmpty(v) && def.input !== 'checkbox') continue;
      const out = def.toApi(v);
      if (out === undefined || out === null) continue;
      if (def.key.startsWith('custom.')) custom[def.key.slice(7)] = out;
      else body[def.key] = out;
    }
    if (Object.keys(custom).length) body.custom = custom;
    const more = extraBody?.();
    Object.assign(found, more?.errors ?? {});
    if (Object.keys(found).length) {
      setErrors(found);
      setFormError(null);
      setAttempt((n) => n + 1);
      return;
    }
    setErrors({});
    setFormError(null);
    mutation.mutate({ ...body, ...(more?.body ?? {}) });
  };

  return (
    <form ref={formRef} onSubmit={submit} noValidate className="space-y-4">
      {formError ? <ErrorAlert ref={alertRef}>{formError}</ErrorAlert> : null}
      {extra?.(errors)}
      <div className="grid gap-4 sm:grid-cols-2">
        {fields.map((def) => (
          <div key={def.key} className={wide.includes(def.input) ? 'sm:col-span-2' : ''}>
            <FieldInput
              workspaceId={workspaceId}
              def={def}
              value={values[def.key]!}
              onChange={(v) => {
                setValues((s) => ({ ...s, [def.key]: v }));
                setErrors(({ [def.key]: _, ...rest }) => rest);
              }}
              error={errors[def.key]}
              disabled={mutation.isPending}
            />
          </div>
        ))}
      </div>
      <div className="flex flex-wrap justify-end gap-2 pt-2">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" pending={mutation.isPending} pendingLabel="Creating…">
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
