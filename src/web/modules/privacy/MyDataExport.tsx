import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { Button, buttonClass } from '../../ui/Button';
import { SectionHeading } from '../../ui/PageHeading';
import { fetchMyExport, fetchMyLatestExport, requestMyExport, type DataExport, type RequestedExport } from './api';

const working = (s: DataExport['status']) => s === 'queued' || s === 'running';

/**
 * PRIV-2: "Download my data" — everything about the signed-in person across their workspaces,
 * built by a job (progress polled), then a link that works once until it expires. Any member may
 * use it; a reloaded page shows the latest export's state (its link was given only once).
 */
export function MyDataExport() {
  const [requested, setRequested] = useState<RequestedExport | null>(null);
  const [taken, setTaken] = useState(false);
  const latest = useQuery({ queryKey: ['my-export-latest'], queryFn: fetchMyLatestExport, enabled: requested === null });
  const start = useMutation({
    mutationFn: requestMyExport,
    onSuccess: (r) => {
      setTaken(false);
      setRequested(r);
    },
  });
  const shownId = requested?.id ?? latest.data?.export?.id ?? null;
  const known = requested ?? latest.data?.export ?? null;
  const progress = useQuery({
    queryKey: ['my-export', shownId],
    queryFn: () => fetchMyExport(shownId!),
    enabled: shownId !== null && known !== null && working(known.status),
    refetchInterval: (q) => (q.state.data && !working(q.state.data.status) ? false : 1000),
  });
  const status = progress.data ?? known;
  const state = taken ? 'downloaded' : status?.status;
  const percent = status && status.rowsTotal > 0 ? Math.round((status.rowsDone / status.rowsTotal) * 100) : 0;
  const askButton = (label: string) => (
    <Button onClick={() => start.mutate()} pending={start.isPending} pendingLabel="Asking…">
      {label}
    </Button>
  );

  return (
    <section aria-labelledby="my-data-heading">
      <SectionHeading
        id="my-data-heading"
        description="Everything Kestrel holds about you, in every workspace you belong to: your profile, sign-ins, memberships, what you made and wrote, as JSON and CSV in one zip. The link works once, for 24 hours."
      >
        Download my data
      </SectionHeading>
      {start.error ? <ErrorAlert className="mb-3">{errorMessage(start.error)}</ErrorAlert> : null}
      {latest.isPending && requested === null ? (
        <p role="status" aria-busy="true" className="text-sm text-stone-600">
          Checking for an earlier export…
        </p>
      ) : latest.error && requested === null ? (
        <div className="space-y-2">
          <ErrorAlert>Could not check for an earlier export: {errorMessage(latest.error)}</ErrorAlert>
          {askButton('Download my data')}
        </div>
      ) : !status ? (
        askButton('Download my data')
      ) : working(status.status) && !taken ? (
        <div className="space-y-2" role="status" aria-live="polite">
          <p className="text-sm text-stone-700">
            {status.status === 'queued' ? 'Your export is waiting to start…' : `Gathering your data… ${status.rowsDone.toLocaleString()} of ${status.rowsTotal.toLocaleString()} rows`}
          </p>
          <div className="h-2 w-full max-w-md overflow-hidden rounded bg-stone-200" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-label="Your export's progress">
            <div className="h-full bg-teal-700" style={{ width: `${percent}%` }} />
          </div>
          {progress.error ? <ErrorAlert>Could not check its progress: {errorMessage(progress.error)}</ErrorAlert> : null}
        </div>
      ) : state === 'ready' && requested ? (
        <div className="space-y-2">
          <StatusNote>
            Your data is ready: {status.rowsTotal.toLocaleString()} rows. The link works once, until {formatDateTime(status.expiresAt)}.
          </StatusNote>
          <a className={buttonClass('primary')} href={requested.downloadUrl} download onClick={() => setTaken(true)}>
            Download the zip
          </a>
        </div>
      ) : state === 'ready' ? (
        <div className="space-y-2">
          <p className="text-sm text-stone-700">
            An export was ready, but its one-time link was shown only on the page where you asked for it. Ask for a new one to get a link.
          </p>
          {askButton('Ask for a new export')}
        </div>
      ) : state === 'downloaded' ? (
        <div className="space-y-2">
          <StatusNote>Downloaded. The file has been deleted from the server; the link no longer works.</StatusNote>
          {askButton('Ask for a new export')}
        </div>
      ) : state === 'expired' ? (
        <div className="space-y-2">
          <p className="text-sm text-stone-700">Your last export expired before it was downloaded, and its file was deleted.</p>
          {askButton('Ask for a new export')}
        </div>
      ) : (
        <div className="space-y-2">
          <ErrorAlert>{status.error ?? 'Your export could not be built.'} Nothing was kept from it.</ErrorAlert>
          {askButton('Try again')}
        </div>
      )}
    </section>
  );
}
