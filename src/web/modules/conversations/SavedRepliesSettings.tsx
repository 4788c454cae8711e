import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../../lib/api';
import { ErrorAlert, InfoNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { TextAreaField, TextField } from '../../ui/Field';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { useWorkspace } from '../workspaces/useWorkspaces';
import { createCanned, fetchCanned, inboxKeys, removeCanned } from './api';

/** CONV-4: Settings → Saved replies — the team's canned answers, offered in the inbox's composer. */
export function SavedRepliesSettings() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const workspace = useWorkspace(workspaceId);
  const allowed = workspace.data ? workspace.data.role !== 'client' : true;
  const queryClient = useQueryClient();
  const key = [...inboxKeys.all(workspaceId), 'canned'];
  const list = useQuery({ queryKey: key, queryFn: () => fetchCanned(workspaceId), enabled: allowed });
  const [shortcut, setShortcut] = useState('');
  const [body, setBody] = useState('');
  const add = useMutation({
    mutationFn: () => createCanned(workspaceId, { shortcut: shortcut.trim(), body: body.trim() }),
    onSuccess: () => {
      setShortcut('');
      setBody('');
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const remove = useMutation({ mutationFn: (id: string) => removeCanned(workspaceId, id), onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }) });
  if (!allowed) return <InfoNote>Saved replies belong to the team's inbox.</InfoNote>;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  const fields = add.error instanceof ApiError && Object.keys(add.error.fields).length ? add.error.fields : undefined;
  return (
    <div>
      <PageHeading description="Answers your team gives often. In the inbox, pick one under “Saved replies…” to put it in your reply, then change it as you like.">Saved replies</PageHeading>
      <Card>
        <SectionHeading>Your saved replies</SectionHeading>
        {list.isPending ? <SkeletonList rows={3} /> : null}
        {list.error ? <ErrorAlert>{errorMessage(list.error)}</ErrorAlert> : null}
        {list.data && !list.data.items.length ? <p className="text-sm text-stone-600">No saved replies yet: add the first one below.</p> : null}
        <ul className="divide-y divide-stone-100" aria-label="Saved replies">
          {list.data?.items.map((r) => (
            <li key={r.id} className="flex items-start gap-3 py-2">
              <span className="flex-1">
                <span className="block font-medium text-stone-900">/{r.shortcut}</span>
                <span className="block whitespace-pre-wrap text-sm text-stone-600">{r.body}</span>
              </span>
              <Button size="sm" variant="ghost" onClick={() => remove.mutate(r.id)} aria-label={`Remove /${r.shortcut}`}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
        {remove.error ? <ErrorAlert>{errorMessage(remove.error)}</ErrorAlert> : null}
      </Card>
      <Card className="mt-6">
        <form onSubmit={submit} className="space-y-3" aria-label="Add a saved reply">
          <SectionHeading>Add a saved reply</SectionHeading>
          <TextField label="Shortcut" hint="A word to find it by, such as prices or opening-hours." value={shortcut} maxLength={40} onChange={(e) => setShortcut(e.target.value)} error={fields?.shortcut} required />
          <TextAreaField label="Reply" value={body} rows={4} maxLength={4000} onChange={(e) => setBody(e.target.value)} error={fields?.body} required />
          {add.error && !fields ? <ErrorAlert>{errorMessage(add.error)}</ErrorAlert> : null}
          <Button type="submit" pending={add.isPending}>
            Add saved reply
          </Button>
        </form>
      </Card>
    </div>
  );
}
