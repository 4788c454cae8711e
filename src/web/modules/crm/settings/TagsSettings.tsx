import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../../../lib/api';
import { announce } from '../../../ui/Announcer';
import { ErrorAlert } from '../../../ui/Alert';
import { Button } from '../../../ui/Button';
import { EmptyState } from '../../../ui/EmptyState';
import { inputClass, TextField } from '../../../ui/Field';
import { Card, PageHeading, SectionHeading } from '../../../ui/PageHeading';
import { SkeletonList } from '../../../ui/Skeleton';
import { useFormErrors } from '../../../ui/useFormErrors';
import { Forbidden } from '../../settings/Forbidden';
import { createTag, crmKeys, deleteTag, updateTag, type Tag } from '../api';
import { Dialog } from '../Dialog';
import { useCrmRole, useTags } from '../useCrm';

const DEFAULT_COLOUR = '#0f766e';

/** CRM-5: the workspace's tags — rename, recolour, delete, create. */
export function TagsSettings() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const { canManage, loading } = useCrmRole(workspaceId);
  const tags = useTags(workspaceId);
  if (!loading && !canManage) return <Forbidden what="tag settings" />;
  return (
    <div>
      <PageHeading description="Labels shared by contacts, companies and deals. Renaming one renames it everywhere.">Tags</PageHeading>
      <div className="space-y-6">
        <Card labelledBy="tags-list">
          <SectionHeading id="tags-list">All tags{tags.data ? ` (${tags.data.length})` : ''}</SectionHeading>
          {tags.isPending ? (
            <SkeletonList rows={2} label="Loading tags…" />
          ) : tags.isError ? (
            <ErrorAlert>{errorMessage(tags.error)}</ErrorAlert>
          ) : tags.data.length === 0 ? (
            <EmptyState title="No tags yet">Create one below, or type a new tag on any record.</EmptyState>
          ) : (
            <ul aria-label="Tags" className="divide-y divide-stone-200">
              {tags.data.map((t) => (
                <TagRow key={t.id} workspaceId={workspaceId} tag={t} />
              ))}
            </ul>
          )}
        </Card>
        <NewTag workspaceId={workspaceId} />
      </div>
    </div>
  );
}

function TagRow({ workspaceId, tag }: { workspaceId: string; tag: Tag }) {
  const client = useQueryClient();
  const [name, setName] = useState(tag.name);
  const [colour, setColour] = useState(tag.color ?? DEFAULT_COLOUR);
  const [deleting, setDeleting] = useState(false);
  const changed = name.trim() !== tag.name || colour !== (tag.color ?? DEFAULT_COLOUR);
  const refresh = () => client.invalidateQueries({ queryKey: crmKeys.all(workspaceId) });
  const save = useMutation({
    mutationFn: () => updateTag(workspaceId, tag.id, { name: name.trim(), color: colour }),
    onSuccess: async (t) => {
      announce(`Tag ${t.name} saved.`);
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteTag(workspaceId, tag.id),
    onSuccess: async () => {
      setDeleting(false);
      announce(`Tag ${tag.name} deleted.`);
      await refresh();
    },
  });
  const nameError = save.error instanceof ApiError ? (save.error.fields.name ?? save.error.fields.color ?? save.error.message) : save.error ? errorMessage(save.error) : undefined;
  return (
    <li className="flex flex-wrap items-start gap-2 py-3">
      <input type="color" aria-label={`Colour of ${tag.name}`} className="h-9 w-10 shrink-0 cursor-pointer rounded border border-stone-300 bg-white p-0.5" value={colour} onChange={(e) => setColour(e.target.value)} />
      <div className="min-w-0 flex-1">
        <input aria-label={`Name of ${tag.name}`} className={inputClass} value={name} onChange={(e) => setName(e.target.value)} aria-invalid={nameError ? true : undefined} />
        {nameError ? <p className="mt-1 text-sm text-red-700">{nameError}</p> : null}
      </div>
      <Button variant="secondary" size="sm" className="mt-0.5" disabled={!changed || !name.trim()} pending={save.isPending} onClick={() => save.mutate()}>
        Save<span className="sr-only"> tag {tag.name}</span>
      </Button>
      <Button variant="ghost" size="sm" className="mt-0.5" onClick={() => setDeleting(true)}>
        Delete<span className="sr-only"> tag {tag.name}</span>
      </Button>
      <Dialog open={deleting} onClose={() => setDeleting(false)} title={`Delete the tag ${tag.name}?`} description="It is taken off every contact, company and deal that has it. The deletion is recorded in the audit log.">
        {remove.isError ? <ErrorAlert className="mb-4">{errorMessage(remove.error)}</ErrorAlert> : null}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" autoFocus onClick={() => setDeleting(false)}>
            Cancel
          </Button>
          <Button variant="danger" pending={remove.isPending} pendingLabel="Deleting…" onClick={() => remove.mutate()}>
            Delete tag
          </Button>
        </div>
      </Dialog>
    </li>
  );
}

function NewTag({ workspaceId }: { workspaceId: string }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [colour, setColour] = useState(DEFAULT_COLOUR);
  const errors = useFormErrors(['name', 'color']);
  const create = useMutation({
    mutationFn: () => createTag(workspaceId, { name: name.trim(), color: colour }),
    onSuccess: async (t) => {
      announce(`Tag ${t.name} created.`);
      setName('');
      await client.invalidateQueries({ queryKey: crmKeys.tags(workspaceId) });
    },
    onError: (e) => errors.showError(e),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return errors.showFields({ name: 'Name the tag.' });
    errors.clear();
    create.mutate();
  };
  return (
    <Card labelledBy="new-tag">
      <SectionHeading id="new-tag">New tag</SectionHeading>
      <form ref={errors.formRef} onSubmit={submit} noValidate className="flex flex-wrap items-end gap-3">
        {errors.formError ? <ErrorAlert ref={errors.alertRef} className="w-full">{errors.formError}</ErrorAlert> : null}
        <TextField label="Name" containerClassName="min-w-0 flex-1" value={name} onChange={(e) => setName(e.target.value)} error={errors.fields.name} />
        <div>
          <label htmlFor="new-tag-colour" className="mb-1 block text-sm font-medium text-stone-800">
            Colour
          </label>
          <input id="new-tag-colour" type="color" className="h-9 w-12 cursor-pointer rounded border border-stone-300 bg-white p-0.5" value={colour} onChange={(e) => setColour(e.target.value)} />
        </div>
        <Button type="submit" pending={create.isPending} pendingLabel="Creating…">
          Create tag
        </Button>
      </form>
    </Card>
  );
}
