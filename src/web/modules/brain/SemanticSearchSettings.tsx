import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { ErrorAlert, InfoNote, StatusNote } from '../../ui/Alert';
import { announce } from '../../ui/Announcer';
import { Button } from '../../ui/Button';
import { Card, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { ProgressBar } from '../imports/ProgressBar';
import { brainKeys, startSemanticIndex, type BrainStatus } from './api';
import { useBrainStatus } from './useBrain';

/**
 * AI-3: search by meaning (owners and admins). Shows why it is on or off — pgvector in the
 * database, an embedding model at the provider, an index of the records — and builds the
 * index with a progress bar. Keyword and fuzzy search work whatever this says.
 */
export function SemanticSearchSettings({ workspaceId }: { workspaceId: string }) {
  const status = useBrainStatus(workspaceId, true, (data) => (data?.index && (data.index.state === 'queued' || data.index.state === 'running') ? 2000 : false));
  const client = useQueryClient();
  const start = useMutation({
    mutationFn: () => startSemanticIndex(workspaceId),
    onSuccess: async () => {
      announce('Indexing started.');
      await client.invalidateQueries({ queryKey: brainKeys.status(workspaceId) });
    },
  });
  return (
    <Card labelledBy="semantic-search">
      <SectionHeading id="semantic-search" description="Lets Ask find records by meaning (“customers who run cafés”) as well as by words. Restricted contacts, emails and phone numbers are never sent to be embedded.">
        Search by meaning
      </SectionHeading>
      {status.isPending ? (
        <SkeletonList rows={1} label="Loading…" />
      ) : status.isError ? (
        <ErrorAlert>{errorMessage(status.error)}</ErrorAlert>
      ) : (
        <SemanticBody status={status.data} starting={start.isPending} onStart={() => start.mutate()} />
      )}
      {start.isError ? <ErrorAlert className="mt-3">{errorMessage(start.error)}</ErrorAlert> : null}
    </Card>
  );
}

function SemanticBody({ status, starting, onStart }: { status: BrainStatus; starting: boolean; onStart: () => void }) {
  const index = status.index;
  const busy = index?.state === 'queued' || index?.state === 'running';
  const canIndex = status.vectorInstalled && status.embeddingModel !== null;
  return (
    <div className="space-y-3">
      {status.semanticSearch ? <StatusNote>On: answers search your records by meaning with {status.embeddingModel}.</StatusNote> : <InfoNote>{status.message}</InfoNote>}
      {busy && index ? (
        <ProgressBar
          value={index.total > 0 ? index.walked / index.total : null}
          label={index.state === 'queued' ? 'Waiting to start…' : 'Indexing your records'}
          detail={`${index.walked.toLocaleString()} of ${index.total.toLocaleString()} records`}
        />
      ) : null}
      {index?.state === 'failed' ? <ErrorAlert title="The last indexing stopped">{index.error ?? 'It stopped without a reason.'} Your records are unchanged; start it again when this is fixed.</ErrorAlert> : null}
      {index?.state === 'done' ? (
        <p className="text-sm text-stone-600">
          Last indexed {formatDateTime(index.finishedAt ?? index.startedAt)}: {index.walked.toLocaleString()} records, {index.embedded.toLocaleString()} of them changed. Changes are picked up every night.
        </p>
      ) : null}
      {canIndex ? (
        <Button variant={index?.state === 'done' ? 'secondary' : 'primary'} onClick={onStart} pending={starting || busy} pendingLabel={busy ? 'Indexing…' : 'Starting…'}>
          {index ? 'Index again now' : 'Index records'}
        </Button>
      ) : null}
    </div>
  );
}
