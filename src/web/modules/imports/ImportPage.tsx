import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useId, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { ErrorAlert } from '../../ui/Alert';
import { announce } from '../../ui/Announcer';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { fetchImports, importKeys, MAX_UPLOAD_BYTES, uploadImport, type Import, type ImportObject } from './api';
import { formatBytes, formatCount, objectLabels, StatusBadge } from './labels';
import { ProgressBar } from './ProgressBar';

const ACCEPT = '.csv,.tsv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** What the browser can tell before uploading: the extension and the size. */
function checkFile(file: File): string | null {
  if (!/\.(csv|tsv|txt|xlsx)$/i.test(file.name)) return `"${file.name}" is not a CSV or Excel (.xlsx) file.`;
  if (file.size === 0) return `"${file.name}" is empty.`;
  if (file.size > MAX_UPLOAD_BYTES) return `"${file.name}" is ${formatBytes(file.size)}; an import takes files up to ${formatBytes(MAX_UPLOAD_BYTES)}. Split it into smaller files.`;
  return null;
}

/** CRM-7: start an import (choose what to import and the file), and the imports so far. */
export function ImportPage() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  return (
    <div className="max-w-4xl">
      <PageHeading description="Bring in contacts, companies or an email list from a CSV or Excel file. You map the columns and see a preview before anything is imported.">Import</PageHeading>
      <NewImport workspaceId={workspaceId} />
      <PastImports workspaceId={workspaceId} />
    </div>
  );
}

function NewImport({ workspaceId }: { workspaceId: string }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const [object, setObject] = useState<ImportObject>('contacts');
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const abort = useRef<AbortController | null>(null);
  const hintId = useId();

  const choose = (f: File | undefined) => {
    if (!f) return;
    const problem = checkFile(f);
    setError(problem);
    setFile(problem ? null : f);
    if (!problem) announce(`${f.name} chosen, ${formatBytes(f.size)}.`);
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    choose(e.dataTransfer.files[0]);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      input.current?.click();
    }
  };

  const upload = async () => {
    if (!file) return;
    setError(null);
    setProgress(0);
    abort.current = new AbortController();
    try {
      const created = await uploadImport(workspaceId, file, object, setProgress, abort.current.signal);
      await client.invalidateQueries({ queryKey: importKeys.list(workspaceId) });
      void navigate({ to: '/w/$workspaceId/import/$importId', params: { workspaceId, importId: created.id } });
    } catch (e) {
      if (!(e instanceof DOMException && e.name === 'AbortError')) setError(isApiError(e, 'unsupported_file', 'file_too_large', 'empty_file') ? e.message : errorMessage(e));
      setProgress(null);
    }
  };

  const uploading = progress !== null;
  return (
    <Card labelledBy="new-import" className="mb-8">
      <SectionHeading id="new-import">New import</SectionHeading>
      <fieldset className="mb-5">
        <legend className="mb-2 text-sm font-medium text-stone-800">What are you importing?</legend>
        <div className="grid gap-2 sm:grid-cols-3">
          {(Object.keys(objectLabels) as ImportObject[]).map((o) => (
            <label key={o} className="flex cursor-pointer gap-2 rounded-md border border-stone-200 p-3 text-sm has-checked:border-teal-600 has-checked:bg-teal-50">
              <input type="radio" name="import-object" value={o} checked={object === o} onChange={() => setObject(o)} className="mt-0.5 accent-teal-700" disabled={uploading} />
              <span>
                <span className="block font-medium text-stone-900">{objectLabels[o].title}</span>
                <span className="block text-stone-600">{objectLabels[o].description}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>

      <div
        role="button"
        tabIndex={0}
        aria-describedby={hintId}
        aria-label={file ? `File: ${file.name}. Press Enter to choose another file.` : 'Choose a file, or drop it here'}
        onKeyDown={onKey}
        onClick={() => !uploading && input.current?.click()}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={`flex min-h-32 cursor-pointer flex-col items-center justify-center rounded-lg border-2 border-dashed px-4 py-6 text-center text-sm focus-visible:outline-2 focus-visible:outline-teal-700 ${dragging ? 'border-teal-600 bg-teal-50' : 'border-stone-300 bg-stone-50 hover:bg-stone-100'}`}
      >
        {file ? (
          <>
            <span className="font-medium text-stone-900 break-all">{file.name}</span>
            <span className="text-stone-600">{formatBytes(file.size)} · click or drop to choose another</span>
          </>
        ) : (
          <>
            <span className="font-medium text-stone-900">Drop a file here, or click to choose one</span>
            <span id={hintId} className="text-stone-600">
              CSV (any separator, UTF-8 or Windows encoding) or Excel .xlsx, up to {formatBytes(MAX_UPLOAD_BYTES)}. The first row names the columns.
            </span>
          </>
        )}
      </div>
      <input ref={input} type="file" accept={ACCEPT} className="sr-only" tabIndex={-1} aria-hidden="true" onChange={(e) => choose(e.target.files?.[0])} />

      {error ? <ErrorAlert className="mt-4">{error}</ErrorAlert> : null}
      {uploading ? (
        <div className="mt-4">
          <ProgressBar value={progress} label={`Uploading ${file?.name ?? ''}`} detail={`${Math.round((progress ?? 0) * 100)}% uploaded`} />
          <Button variant="ghost" size="sm" className="mt-2" onClick={() => abort.current?.abort()}>
            Cancel upload
          </Button>
        </div>
      ) : (
        <div className="mt-4 flex justify-end">
          <Button onClick={upload} disabled={!file}>
            Upload and map columns
          </Button>
        </div>
      )}
    </Card>
  );
}

function PastImports({ workspaceId }: { workspaceId: string }) {
  const list = useQuery({
    queryKey: importKeys.list(workspaceId),
    queryFn: () => fetchImports(workspaceId),
    // Running imports move on by themselves.
    refetchInterval: (q) => (q.state.data?.some((i) => i.status === 'queued' || i.status === 'running') ? 2000 : false),
  });
  return (
    <section aria-labelledby="past-imports">
      <SectionHeading id="past-imports">Past imports</SectionHeading>
      {list.isPending ? (
        <SkeletonList rows={3} label="Loading imports…" />
      ) : list.isError ? (
        <ErrorAlert>{errorMessage(list.error)}</ErrorAlert>
      ) : list.data.length === 0 ? (
        <EmptyState title="No imports yet">Your imports will be listed here, with their reports and an undo button.</EmptyState>
      ) : (
        <ul className="divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white">
          {list.data.map((i) => (
            <PastImport key={i.id} workspaceId={workspaceId} item={i} />
          ))}
        </ul>
      )}
    </section>
  );
}

function PastImport({ workspaceId, item }: { workspaceId: string; item: Import }) {
  return (
    <li className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 text-sm">
      <Link to="/w/$workspaceId/import/$importId" params={{ workspaceId, importId: item.id }} className="min-w-0 flex-1 font-medium break-all text-teal-800 underline-offset-2 hover:underline">
        {item.fileName}
      </Link>
      <StatusBadge status={item.status} />
      <span className="text-stone-600">{objectLabels[item.object].title}</span>
      <span className="text-stone-600">
        {item.status === 'completed' || item.status === 'undone'
          ? `${formatCount(item.created)} created · ${formatCount(item.updated)} updated${item.failed ? ` · ${formatCount(item.failed)} failed` : ''}`
          : `${formatCount(item.rowsProcessed)} rows`}
      </span>
      <span className="w-full text-xs text-stone-500 sm:w-auto">
        {formatDateTime(item.createdAt)}
        {item.createdByName ? ` · ${item.createdByName}` : ''}
      </span>
    </li>
  );
}
