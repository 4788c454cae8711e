import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useParams } from '@tanstack/react-router';
import { errorMessage, isApiError } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { buttonClass } from '../../ui/Button';
import { PageHeading } from '../../ui/PageHeading';
import { LoadingBlock } from '../../ui/Spinner';
import { fetchImport, importKeys, refreshRecords } from './api';
import { ImportProgress } from './ImportProgress';
import { ImportReport } from './ImportReport';
import { formatBytes, objectLabels, StatusBadge } from './labels';
import { MappingStep } from './MappingStep';

/** CRM-7: one import, at whatever step it is: mapping, running (live progress), or its report. */
export function ImportDetailPage() {
  const { workspaceId, importId } = useParams({ from: '/w/$workspaceId/import/$importId' });
  const imp = useQuery({
    queryKey: importKeys.one(workspaceId, importId),
    queryFn: () => fetchImport(workspaceId, importId),
    // Live progress: every second while the job is queued or running.
    refetchInterval: (q) => (q.state.data && (q.state.data.status === 'queued' || q.state.data.status === 'running') ? 1000 : false),
  });
  // An import that finishes while watched changes the records: counts and tables catch up.
  const client = useQueryClient();
  const status = imp.data?.status;
  const [seen, setSeen] = useState(status);
  useEffect(() => {
    if (status === seen) return;
    if (seen && status === 'completed') void refreshRecords(client, workspaceId);
    setSeen(status);
  }, [status, seen, client, workspaceId]);
  const back = (
    <Link to="/w/$workspaceId/import" params={{ workspaceId }} className={buttonClass('secondary', 'sm')}>
      All imports
    </Link>
  );

  if (imp.isPending) return <LoadingBlock label="Loading the import…" />;
  if (imp.isError) {
    return (
      <div className="max-w-4xl">
        <PageHeading actions={back}>Import</PageHeading>
        <ErrorAlert>{isApiError(imp.error, 'not_found') ? 'This import does not exist in this workspace.' : errorMessage(imp.error)}</ErrorAlert>
      </div>
    );
  }
  const i = imp.data;
  return (
    <div className="max-w-5xl">
      <PageHeading
        actions={back}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <StatusBadge status={i.status} />
            <span>
              {objectLabels[i.object].title} · {formatBytes(i.fileSize)} · {i.fileType.toUpperCase()}
              {i.fileType === 'csv' ? ` · ${i.encoding}` : ''}
            </span>
          </span>
        }
      >
        <span className="break-all">Import of {i.fileName}</span>
      </PageHeading>
      {i.status === 'mapping' || i.status === 'uploaded' ? (
        <MappingStep workspaceId={workspaceId} imp={i} />
      ) : i.status === 'queued' || i.status === 'running' ? (
        <ImportProgress imp={i} />
      ) : (
        <ImportReport workspaceId={workspaceId} imp={i} />
      )}
    </div>
  );
}
