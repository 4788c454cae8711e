import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { announce } from '../../ui/Announcer';
import { Button } from '../../ui/Button';
import { inputClass } from '../../ui/Field';
import { createTag, crmKeys, fetchTags, tagRecord, untagRecord, type RecordType, type TagSummary } from './api';
import { useTags } from './useCrm';

export function TagChip({ tag, onRemove, removing }: { tag: TagSummary; onRemove?: () => void; removing?: boolean }) {
  return (
    <span className="inline-flex items-center gap-1 rounded-full bg-stone-100 py-0.5 pr-1 pl-2.5 text-xs font-medium text-stone-800 ring-1 ring-stone-200">
      <span aria-hidden="true" className="size-2 rounded-full bg-stone-400" data-color={tag.color ?? undefined} ref={(el) => setDot(el, tag.color)} />
      {tag.name}
      {onRemove ? (
        <button type="button" onClick={onRemove} disabled={removing} className="rounded-full p-0.5 text-stone-500 hover:bg-stone-200 hover:text-stone-900 disabled:opacity-50">
          <svg viewBox="0 0 20 20" aria-hidden="true" className="size-3.5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
            <path d="M6 6l8 8M14 6l-8 8" />
          </svg>
          <span className="sr-only">Remove tag {tag.name}</span>
        </button>
      ) : (
        <span className="w-1.5" />
      )}
    </span>
  );
}

/** The CSP forbids inline style attributes, but setting a style property from script is allowed. */
function setDot(el: HTMLElement | null, color: string | null) {
  if (el) el.style.backgroundColor = color ?? '';
}

/** A record's tags: remove one, add an existing one, or create a new one by typing its name. */
export function TagEditor({ workspaceId, type, recordId, tags, canEdit, queryKey }: { workspaceId: string; type: RecordType; recordId: string; tags: TagSummary[]; canEdit: boolean; queryKey: readonly unknown[] }) {
  const client = useQueryClient();
  const all = useTags(workspaceId);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const listId = useId();

  const setTags = (next: TagSummary[]) => client.setQueryData(queryKey, (old: { tags: TagSummary[] } | undefined) => (old ? { ...old, tags: next } : old));

  const add = useMutation({
    mutationFn: async (name: string) => {
      const existing = all.data?.find((t) => t.name.toLowerCase() === name.toLowerCase());
      let tagId = existing?.id;
      if (!tagId) {
        try {
          tagId = (await createTag(workspaceId, { name })).id;
        } catch (e) {
          // Someone made it a moment ago: use theirs.
          if (!isApiError(e, 'tag_name_taken')) throw e;
          const fresh = await client.fetchQuery({ queryKey: crmKeys.tags(workspaceId), queryFn: () => fetchTags(workspaceId).then((r) => r.tags), staleTime: 0 });
          tagId = fresh.find((t) => t.name.toLowerCase() === name.toLowerCase())?.id;
          if (!tagId) throw e;
        }
        void client.invalidateQueries({ queryKey: crmKeys.tags(workspaceId) });
      }
      return tagRecord(workspaceId, type, recordId, tagId);
    },
    onSuccess: (r, name) => {
      setTags(r.tags);
      setText('');
      setError(null);
      announce(`Tag ${name} added.`);
    },
    onError: (e) => setError(errorMessage(e)),
  });
  const remove = useMutation({
    mutationFn: (tag: TagSummary) => untagRecord(workspaceId, type, recordId, tag.id),
    onSuccess: (_r, tag) => {
      setTags(tags.filter((t) => t.id !== tag.id));
      announce(`Tag ${tag.name} removed.`);
    },
    onError: (e) => setError(errorMessage(e)),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const name = text.trim();
    if (!name) return setError('Type a tag name.');
    if (name.length > 60) return setError('Use at most 60 characters.');
    if (tags.some((t) => t.name.toLowerCase() === name.toLowerCase())) return setError(`Already tagged ${name}.`);
    add.mutate(name);
  };

  const suggestions = (all.data ?? []).filter((t) => !tags.some((x) => x.id === t.id));

  return (
    <div>
      {tags.length ? (
        <ul aria-label="Tags" className="flex flex-wrap gap-1.5">
          {tags.map((tag) => (
            <li key={tag.id}>
              <TagChip tag={tag} onRemove={canEdit ? () => remove.mutate(tag) : undefined} removing={remove.isPending && remove.variables?.id === tag.id} />
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-stone-500">No tags yet.</p>
      )}
      {canEdit ? (
        <form onSubmit={submit} className="mt-3 flex gap-2" noValidate>
          <label htmlFor={inputId} className="sr-only">
            Add a tag
          </label>
          <input
            id={inputId}
            list={listId}
            className={`${inputClass} py-1.5`}
            placeholder="Add a tag…"
            autoComplete="off"
            value={text}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${inputId}-error` : undefined}
            onChange={(e) => {
              setText(e.target.value);
              setError(null);
            }}
          />
          <datalist id={listId}>
            {suggestions.map((t) => (
              <option key={t.id} value={t.name} />
            ))}
          </datalist>
          <Button type="submit" variant="secondary" size="sm" pending={add.isPending} pendingLabel="Adding…">
            Add
          </Button>
        </form>
      ) : null}
      {error ? (
        <p id={`${inputId}-error`} role="alert" className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
