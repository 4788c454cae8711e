import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { ErrorAlert, InfoNote, StatusNote } from '../../ui/Alert';
import { announce } from '../../ui/Announcer';
import { Button, buttonClass } from '../../ui/Button';
import { Card } from '../../ui/PageHeading';
import { importKeys, refreshRecords, reportUrl, undoImport, type Import } from './api';
import { formatCount } from './labels';

/** CRM-7: how an import ended — counts, the validation report to download, and undo. */
export function ImportReport({ workspaceId, imp }: { workspaceId: string; imp: Import }) {
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLDivElement>(null);
  const undo = useMutation({
    mutationFn: () => undoImport(workspaceId, imp.id),
    onSuccess: (updated) => {
      client.setQueryData(importKeys.one(workspaceId, imp.id), updated);
      void client.invalidateQueries({ queryKey: importKeys.list(workspaceId) });
      void refreshRecords(client, workspaceId);
      setConfirming(false);
      announce('The import was undone.');
    },
  });
  useEffect(() => {
    if (confirming) confirmRef.current?.querySelector('button')?.focus();
  }, [confirming]);

  const counts = [
    { label: 'Created', value: imp.created },
    { label: 'Updated', value: imp.updated },
    { label: 'Skipped', value: imp.skipped, hint: 'Matched an existing record with nothing new, or a duplicate row' },
    { label: 'Failed', value: imp.failed, hint: 'Rows with problems; see the report' },
  ];
  const u = imp.undoResult;
  return (
    <div className="space-y-6">
      {imp.status === 'failed' ? <ErrorAlert title="Nothing was imported">{imp.error}</ErrorAlert> : null}
      {imp.status === 'completed' ? <StatusNote>Imported {formatCount(imp.rowsProcessed)} rows{imp.finishedAt ? ` on ${formatDateTime(imp.finishedAt)}` : ''}.</StatusNote> : null}
      {imp.status === 'undone' && u ? (
        <InfoNote>
          <p className="font-medium">This import was undone{imp.undoneAt ? ` on ${formatDateTime(imp.undoneAt)}` : ''}.</p>
          <p>
            {formatCount(u.deleted)} records deleted, {formatCount(u.restored)} restored to how they were, {formatCount(u.untagged)} tags removed.
          </p>
          {u.keptChanged || u.keptInUse ? (
            <p className="mt-1">
              Kept as they are: {formatCount(u.keptChanged)} {u.keptChanged === 1 ? 'record' : 'records'} changed by someone after the import
              {u.keptInUse ? `, and ${formatCount(u.keptInUse)} created ${u.keptInUse === 1 ? 'record' : 'records'} now used elsewhere (a deal or a timeline entry)` : ''}.
            </p>
          ) : null}
        </InfoNote>
      ) : null}

      <Card labelledBy="import-counts">
        <h2 id="import-counts" className="mb-4 text-lg font-semibold text-stone-900">
          Results
        </h2>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
          {counts.map((c) => (
            <div key={c.label} className="rounded-md border border-stone-200 p-3" title={c.hint}>
              <dt className="text-sm text-stone-600">{c.label}</dt>
              <dd className="text-2xl font-semibold text-stone-900 tabular-nums">{formatCount(c.value)}</dd>
            </div>
          ))}
        </dl>
        <div className="mt-5 flex flex-wrap items-center gap-3">
          {imp.errorCount > 0 ? (
            <a href={reportUrl(workspaceId, imp.id)} download className={buttonClass('secondary')}>
              Download the report ({formatCount(imp.errorCount)} {imp.errorCount === 1 ? 'line' : 'lines'}, CSV)
            </a>
          ) : (
            <span className="text-sm text-stone-600">No row had a problem.</span>
          )}
          {imp.canUndo && !confirming ? (
            <Button variant="danger" onClick={() => setConfirming(true)}>
              Undo this import
            </Button>
          ) : null}
        </div>
        {imp.errorCount > 0 ? <p className="mt-2 text-xs text-stone-500">Row numbers count the header as row 1, as a spreadsheet shows them.</p> : null}
      </Card>

      {confirming ? (
        <div ref={confirmRef} role="alertdialog" aria-labelledby="undo-title" aria-describedby="undo-desc" className="rounded-lg border border-red-200 bg-red-50 p-4">
          <h2 id="undo-title" className="font-semibold text-red-900">
            Undo this import?
          </h2>
          <p id="undo-desc" className="mt-1 text-sm text-red-900">
            The {formatCount(imp.created)} records it created will be deleted and the {formatCount(imp.updated)} it updated put back as they were. Records someone changed since the
            import are left as they are.
          </p>
          {undo.isError ? <ErrorAlert className="mt-3">{errorMessage(undo.error)}</ErrorAlert> : null}
          <div className="mt-3 flex flex-wrap gap-2">
            <Button variant="danger" pending={undo.isPending} pendingLabel="Undoing…" onClick={() => undo.mutate()}>
              Yes, undo the import
            </Button>
            <Button variant="secondary" onClick={() => setConfirming(false)} disabled={undo.isPending}>
              Keep it
            </Button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
