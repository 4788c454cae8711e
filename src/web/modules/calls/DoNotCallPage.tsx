import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { Button, buttonClass } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { SelectField, TextField } from '../../ui/Field';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { ProgressBar } from '../imports/ProgressBar';
import { isManager, useWorkspace } from '../workspaces/useWorkspaces';
import { callsApi, uploadRegistry, type DncEntry, type DncImport } from './api';

const sourceLabels: Record<DncEntry['source'], string> = { contact_request: 'Contact asked', manual: 'Added by hand', registry: 'National registry' };

/** CALL-2: the workspace's do-not-call list — search, add a number, import a national registry file with progress. */
export function DoNotCallPage() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const workspace = useWorkspace(workspaceId);
  const manager = !!workspace.data && isManager(workspace.data.role);
  const qc = useQueryClient();
  const [q, setQ] = useState('');
  const list = useInfiniteQuery({
    queryKey: ['calls', workspaceId, 'dnc', q],
    queryFn: ({ pageParam }) => callsApi.list(workspaceId, { q, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const total = list.data?.pages[0]?.total ?? 0;

  const [number, setNumber] = useState('');
  const [reason, setReason] = useState('');
  const [added, setAdded] = useState('');
  const add = useMutation({
    mutationFn: () => callsApi.add(workspaceId, { number, reason: reason.trim() || null }),
    onSuccess: (e) => {
      setAdded(`${e.number} is on the do-not-call list.`);
      setNumber('');
      setReason('');
      void qc.invalidateQueries({ queryKey: ['calls', workspaceId] });
    },
  });
  const addSubmit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  const fieldError = add.error && isApiError(add.error) ? add.error.fields.number : undefined;

  return (
    <div className="max-w-4xl">
      <PageHeading
        description="Numbers that are never offered in the call list and to which a call cannot be logged."
        actions={
          <Link to={`/w/${workspaceId}/calls` as '/'} className={buttonClass('secondary')}>
            Back to calls
          </Link>
        }
      >
        Do-not-call list
      </PageHeading>

      <div className="mb-8 grid gap-6 lg:grid-cols-2">
        <Card labelledBy="dnc-add-heading">
          <SectionHeading id="dnc-add-heading">Add a number</SectionHeading>
          <form onSubmit={addSubmit} className="space-y-3" noValidate>
            {add.isError && !fieldError ? <ErrorAlert>{errorMessage(add.error)}</ErrorAlert> : null}
            {added ? <StatusNote>{added}</StatusNote> : null}
            <TextField label="Phone number" type="tel" autoComplete="off" value={number} maxLength={40} onChange={(e) => setNumber(e.target.value)} error={fieldError} hint="With the country code, like +1 512 555 0100; numbers without one take the workspace's country." />
            <TextField label="Reason" optional value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
            <Button type="submit" pending={add.isPending} disabled={!number.trim()}>
              Add to the list
            </Button>
          </form>
        </Card>
        {manager ? <RegistryImport workspaceId={workspaceId} /> : null}
      </div>

      <section aria-labelledby="dnc-list-heading">
        <SectionHeading id="dnc-list-heading" description={list.data ? `${total.toLocaleString()} number${total === 1 ? '' : 's'}${q ? ' match' : ''}.` : undefined}>
          Numbers
        </SectionHeading>
        <TextField label="Find a number" type="search" value={q} maxLength={40} onChange={(e) => setQ(e.target.value)} containerClassName="mb-3 max-w-xs" />
        {list.isPending ? (
          <SkeletonList rows={4} label="Loading the list…" />
        ) : list.isError ? (
          <ErrorAlert>{errorMessage(list.error)}</ErrorAlert>
        ) : items.length === 0 ? (
          <EmptyState title={q ? 'No number matches' : 'The list is empty'}>{q ? 'Try fewer digits.' : 'Numbers appear here when a contact asks not to be called, when you add one, or from a registry import.'}</EmptyState>
        ) : (
          <ul className="divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white">
            {items.map((e) => (
              <li key={e.number} className="flex flex-wrap items-baseline gap-x-4 gap-y-1 px-4 py-2.5">
                <span className="font-medium tabular-nums text-stone-900 sm:w-40">{e.number}</span>
                <span className="rounded-full bg-stone-100 px-2 py-0.5 text-xs font-medium text-stone-700">{sourceLabels[e.source]}</span>
                <span className="w-full min-w-0 text-sm text-stone-600 sm:w-auto sm:flex-1">
                  {e.reason ?? ''}
                  {e.contactId ? (
                    <>
                      {e.reason ? ' · ' : ''}
                      <Link to={`/w/${workspaceId}/contacts/${e.contactId}` as '/'} className="text-teal-800 underline">
                        contact
                      </Link>
                    </>
                  ) : null}
                </span>
                <span className="text-xs text-stone-500">
                  {formatDateTime(e.createdAt)}
                  {e.addedByName ? ` · ${e.addedByName}` : ''}
                </span>
              </li>
            ))}
          </ul>
        )}
        {list.hasNextPage ? (
          <Button variant="secondary" className="mt-3" onClick={() => void list.fetchNextPage()} pending={list.isFetchingNextPage} pendingLabel="Loading…">
            Show more
          </Button>
        ) : null}
      </section>
    </div>
  );
}

function RegistryImport({ workspaceId }: { workspaceId: string }) {
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<'full' | 'additions' | 'deletions'>('full');
  const [sent, setSent] = useState<number | null>(null);
  const [current, setCurrent] = useState<string | null>(null);
  const upload = useMutation({
    mutationFn: () => uploadRegistry(workspaceId, file!, setSent, kind),
    onSuccess: (imp) => {
      setCurrent(imp.id);
      setSent(null);
    },
  });
  const progress = useQuery({
    queryKey: ['calls', workspaceId, 'dnc-import', current],
    queryFn: () => callsApi.importOne(workspaceId, current!),
    enabled: !!current,
    refetchInterval: (query) => {
      const s = (query.state.data as DncImport | undefined)?.status;
      if (s === 'completed' || s === 'failed') {
        void qc.invalidateQueries({ queryKey: ['calls', workspaceId, 'dnc'] });
        return false;
      }
      return 700;
    },
  });
  const imp = progress.data;
  return (
    <Card labelledBy="dnc-import-heading">
      <SectionHeading id="dnc-import-heading" description="The US National Do Not Call Registry's full-list file (one area code and number per line: 2015550123 or 201,5550123), or one of its change-list files of additions or deletions.">
        Import a registry file
      </SectionHeading>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (file) upload.mutate();
        }}
        className="space-y-3"
      >
        {upload.isError ? <ErrorAlert>{errorMessage(upload.error)}</ErrorAlert> : null}
        <div>
          <label htmlFor="dnc-file" className="mb-1 block text-sm font-medium text-stone-800">
            File
          </label>
          <input id="dnc-file" type="file" accept=".txt,.csv,text/plain,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} className="block w-full text-sm text-stone-700 file:mr-3 file:rounded-md file:border file:border-stone-300 file:bg-white file:px-3 file:py-1.5 file:text-sm" />
        </div>
        <SelectField
          label="What the file is"
          value={kind}
          onChange={(e) => setKind(e.target.value as typeof kind)}
          options={[
            { value: 'full', label: 'Full list' },
            { value: 'additions', label: 'Change list: additions' },
            { value: 'deletions', label: 'Change list: deletions (registry numbers come off; your own entries stay)' },
          ]}
        />
        {sent !== null ? <ProgressBar value={sent} label="Uploading" detail={`${Math.round(sent * 100)}%`} /> : null}
        <Button type="submit" disabled={!file} pending={upload.isPending} pendingLabel="Uploading…">
          Import
        </Button>
      </form>
      {imp ? (
        <div className="mt-4" aria-live="polite">
          {imp.status === 'failed' ? (
            <ErrorAlert>{imp.error ?? 'The import failed.'}</ErrorAlert>
          ) : (
            <ProgressBar
              value={imp.fileSize ? imp.bytesRead / imp.fileSize : null}
              label={imp.status === 'completed' ? 'Import finished' : 'Importing'}
              detail={`${imp.linesRead.toLocaleString()} lines read · ${imp.added.toLocaleString()} added${imp.removed ? ` · ${imp.removed.toLocaleString()} removed` : ''}${imp.invalid ? ` · ${imp.invalid.toLocaleString()} not numbers` : ''}`}
            />
          )}
        </div>
      ) : null}
    </Card>
  );
}
