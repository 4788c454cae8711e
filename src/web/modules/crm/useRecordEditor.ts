import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, errorMessage, isApiError } from '../../lib/api';
import { announce } from '../../ui/Announcer';
import { fieldOfError, sameValue, type FieldDef, type FormValue } from './fields';

interface Versioned {
  id: string;
  version: number;
}

/**
 * Edits of one record, kept as changes on top of the version that was loaded (`base`).
 * Saving sends only the changed fields with that version. When someone else saved in between,
 * the server answers 409 with the current record: nothing is lost — the person sees their
 * values and ours and chooses to reapply ours on top of theirs, or to discard ours.
 */
export function useRecordEditor<R extends Versioned>({
  record,
  fields,
  queryKey,
  save,
  what,
}: {
  record: R;
  fields: FieldDef<R>[];
  queryKey: QueryKey;
  save: (body: Record<string, unknown>) => Promise<R>;
  what: string;
}) {
  const client = useQueryClient();
  const [base, setBase] = useState<R>(record);
  const [edits, setEdits] = useState<Record<string, FormValue>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<R | null>(null);
  const [attempt, setAttempt] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const byKey = useMemo(() => new Map(fields.map((f) => [f.key, f])), [fields]);

  const dirtyKeys = useMemo(
    () => Object.keys(edits).filter((k) => byKey.has(k) && !sameValue(edits[k]!, byKey.get(k)!.read(base))),
    [edits, base, byKey],
  );
  const dirty = dirtyKeys.length > 0;

  // A newer copy from the server (a refetch, a move on the board) becomes the base while
  // nothing is being edited; during an edit the save's version check catches it instead.
  useEffect(() => {
    if (record.id !== base.id || (record.version > base.version && !dirty)) {
      setBase(record);
      if (record.id !== base.id) setEdits({});
    }
  }, [record, base, dirty]);

  // Focus the first field with an error after a failed save.
  useEffect(() => {
    if (!attempt) return;
    const frame = requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
    return () => cancelAnimationFrame(frame);
  }, [attempt]);

  const value = useCallback((key: string): FormValue => (key in edits ? edits[key]! : (byKey.get(key)?.read(base) ?? '')), [edits, base, byKey]);
  const set = useCallback((key: string, v: FormValue) => {
    setEdits((e) => ({ ...e, [key]: v }));
    setErrors((e) => {
      if (!(key in e)) return e;
      const { [key]: _, ...rest } = e;
      return rest;
    });
  }, []);

  const mutation = useMutation({
    mutationFn: (body: Record<string, unknown>) => save(body),
    onSuccess: (saved) => {
      client.setQueryData(queryKey, saved);
      setBase(saved);
      setEdits({});
      setConflict(null);
      setFormError(null);
      announce(`${what} saved.`);
      void client.invalidateQueries({ queryKey: queryKey.slice(0, 3), exact: false, refetchType: 'none' });
    },
    onError: (error) => {
      if (isApiError(error, 'version_conflict')) {
        const current = (error as ApiError).details.current as R | undefined;
        if (current) {
          setConflict(current);
          client.setQueryData(queryKey, current);
          announce(`Someone else changed this ${what.toLowerCase()}. Review their changes.`);
          return;
        }
      }
      if (error instanceof ApiError && Object.keys(error.fields).length) {
        const mapped: Record<string, string> = {};
        const rest: string[] = [];
        for (const [path, message] of Object.entries(error.fields)) {
          const key = fieldOfError(path, [...byKey.keys()]);
          if (key) mapped[key] ??= message;
          else rest.push(message);
        }
        setErrors(mapped);
        setFormError(rest.length ? rest.join(' ') : 'Some details are not valid. Check the marked fields.');
        setAttempt((n) => n + 1);
        return;
      }
      setFormError(errorMessage(error));
    },
  });

  /** The request body for `keys` on top of `onto`, with the values the person gave. */
  const bodyFor = useCallback(
    (onto: R, keys: string[], valueOf: (key: string) => FormValue) => {
      const body: Record<string, unknown> = { version: onto.version };
      const custom: Record<string, unknown> = {};
      for (const key of keys) {
        const out = byKey.get(key)!.toApi(valueOf(key));
        if (out === undefined) continue;
        if (key.startsWith('custom.')) custom[key.slice(7)] = out;
        else body[key] = out;
      }
      if (Object.keys(custom).length) body.custom = custom;
      return body;
    },
    [byKey],
  );

  const submit = useCallback(
    (onto: R = base, keys: string[] = dirtyKeys) => {
      const found: Record<string, string> = {};
      for (const key of keys) {
        const message = byKey.get(key)?.check?.(value(key));
        if (message) found[key] = message;
      }
      if (Object.keys(found).length) {
        setErrors(found);
        setFormError(null);
        setAttempt((n) => n + 1);
        return;
      }
      setErrors({});
      setFormError(null);
      mutation.mutate(bodyFor(onto, keys, value));
    },
    [base, dirtyKeys, byKey, value, mutation, bodyFor],
  );

  /**
   * Edit in place: saves one field at once. `invalid` keeps the person editing with the
   * error at the field; `conflict` leaves their value in the edits for the conflict panel.
   */
  const saveField = useCallback(
    async (key: string, v: FormValue): Promise<'saved' | 'invalid' | 'conflict'> => {
      const message = byKey.get(key)?.check?.(v);
      if (message) {
        setErrors({ [key]: message });
        setFormError(null);
        return 'invalid';
      }
      setEdits((e) => ({ ...e, [key]: v }));
      setErrors({});
      setFormError(null);
      try {
        await mutation.mutateAsync(bodyFor(base, [key], () => v));
        return 'saved';
      } catch (error) {
        return isApiError(error, 'version_conflict') ? 'conflict' : 'invalid';
      }
    },
    [base, byKey, mutation, bodyFor],
  );

  /** Escape: the field goes back to its saved value and its error goes away. */
  const cancelField = useCallback((key: string) => {
    setEdits((e) => {
      if (!(key in e)) return e;
      const { [key]: _, ...rest } = e;
      return rest;
    });
    setErrors((e) => {
      if (!(key in e)) return e;
      const { [key]: _, ...rest } = e;
      return rest;
    });
    setFormError(null);
  }, []);

  /** Their version becomes the base; our changes are sent again on top of it. */
  const reapply = useCallback(() => {
    if (!conflict) return;
    const theirs = conflict;
    setBase(theirs);
    setConflict(null);
    // Fields where ours now equals theirs drop out by themselves.
    const keys = Object.keys(edits).filter((k) => byKey.has(k) && !sameValue(edits[k]!, byKey.get(k)!.read(theirs)));
    if (keys.length) submit(theirs, keys);
    else announce('Their version already has your changes.');
  }, [conflict, edits, byKey, submit]);

  const discard = useCallback(() => {
    if (conflict) setBase(conflict);
    setConflict(null);
    setEdits({});
    setErrors({});
    setFormError(null);
  }, [conflict]);

  /** After our own change through another route (a stage move), adopt its result without touching the edits. */
  const adopt = useCallback((next: R) => {
    client.setQueryData(queryKey, next);
    setBase(next);
  }, [client, queryKey]);

  return { base, value, set, dirty, dirtyKeys, errors, formError, conflict, edits, submit: () => submit(), saveField, cancelField, saving: mutation.isPending, reapply, discard, adopt, formRef };
}

export type RecordEditor<R extends Versioned> = ReturnType<typeof useRecordEditor<R>>;
