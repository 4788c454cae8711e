import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { Button, buttonClass } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { SelectField } from '../../ui/Field';
import { crmKeys, type Deal, type Stage } from './api';
import { BoardColumn } from './BoardColumn';
import { CreateDealDialog } from './CreateDealDialog';
import { LostReasonDialog } from './LostReasonDialog';
import { pathTo } from './RecordParts';
import { useBoard } from './useBoard';
import { useCrmRole, usePipelines } from './useCrm';

/** CRM-3, CRM-6: deals by stage; drag a card (or use its Move menu or the arrow keys) to change its stage. */
export function DealsBoard() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const search = useSearch({ from: '/w/$workspaceId/deals/board' });
  const navigate = useNavigate();
  const client = useQueryClient();
  const { canEdit, canManage } = useCrmRole(workspaceId);
  const pipelines = usePipelines(workspaceId);
  const pipeline = pipelines.data?.find((p) => p.id === search.pipeline) ?? pipelines.data?.[0];
  const board = useBoard(workspaceId, pipeline);
  const [creating, setCreating] = useState(false);
  const [lost, setLost] = useState<{ deal: Deal; to: Stage } | null>(null);

  const requestMove = (deal: Deal, to: Stage) => {
    if (!canEdit || deal.stageId === to.id) return;
    if (to.kind === 'lost') setLost({ deal, to });
    else board.move.mutate({ deal, to });
  };

  const failed = board.move.isError && !board.move.isPending ? board.move : null;

  return (
    <div className="min-w-0">
      <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 tabIndex={-1} data-page-heading="" className="text-2xl font-semibold tracking-tight text-stone-900 focus:outline-none">
            Deals board
          </h1>
          <p className="mt-1 text-sm text-stone-600">
            Drag a card to another stage, or focus it and press the left or right arrow key.{' '}
            <Link {...pathTo(`/w/${workspaceId}/deals`)} className="font-medium text-teal-700 hover:underline">
              Table view
            </Link>
          </p>
        </div>
        <div className="flex flex-wrap items-end gap-2">
          {pipelines.data && pipelines.data.length > 1 ? (
            <SelectField
              label="Pipeline"
              name="pipeline"
              options={pipelines.data.map((p) => ({ value: p.id, label: p.name }))}
              value={pipeline?.id ?? ''}
              onChange={(e) => void navigate({ to: '/w/$workspaceId/deals/board', params: { workspaceId }, search: { pipeline: e.target.value }, replace: true })}
            />
          ) : null}
          {canEdit ? <Button onClick={() => setCreating(true)}>Add deal</Button> : null}
        </div>
      </div>

      {failed ? (
        <ErrorAlert className="mb-4">
          {isApiError(failed.error, 'version_conflict')
            ? `Someone else changed ${failed.variables?.deal.name} a moment ago, so it stayed where it was. The board now shows the latest; move it again if you still want to.`
            : `${failed.variables?.deal.name} could not be moved: ${errorMessage(failed.error)} It is back in its column.`}
        </ErrorAlert>
      ) : null}

      {pipelines.isPending ? (
        <BoardSkeleton />
      ) : pipelines.isError ? (
        <ErrorAlert>{errorMessage(pipelines.error)}</ErrorAlert>
      ) : !pipeline ? (
        <EmptyState title="No pipeline yet" action={canManage ? <Link to="/w/$workspaceId/settings/pipelines" params={{ workspaceId }} className={buttonClass('primary')}>Set up a pipeline</Link> : undefined} />
      ) : (
        <div className="relative -mx-4 overflow-x-auto px-4 pb-4 sm:mx-0 sm:px-0" role="region" aria-label={`${pipeline.name} stages`} tabIndex={0}>
          <ol className="flex snap-x snap-mandatory gap-3 sm:snap-none" aria-label="Stages">
            {board.stages.map((stage, i) => (
              <BoardColumn
                key={stage.id}
                workspaceId={workspaceId}
                stage={stage}
                stages={board.stages}
                column={board.columns[i]!}
                totals={board.totals.data?.stages.find((s) => s.stageId === stage.id)}
                canEdit={canEdit}
                onMove={requestMove}
                onRetry={() => void client.invalidateQueries({ queryKey: crmKeys.lists(workspaceId, 'deals') })}
              />
            ))}
          </ol>
        </div>
      )}

      <CreateDealDialog
        workspaceId={workspaceId}
        open={creating}
        onClose={() => setCreating(false)}
        initial={pipeline ? { pipelineId: pipeline.id } : {}}
        onCreated={() => {
          void client.invalidateQueries({ queryKey: crmKeys.lists(workspaceId, 'deals') });
          if (pipeline) void client.invalidateQueries({ queryKey: crmKeys.totals(workspaceId, pipeline.id) });
        }}
      />
      <LostReasonDialog
        dealName={lost?.deal.name ?? null}
        stageName={lost?.to.name ?? 'Lost'}
        onCancel={() => setLost(null)}
        onConfirm={(reason) => {
          if (lost) board.move.mutate({ ...lost, lostReason: reason });
          setLost(null);
        }}
      />
    </div>
  );
}

function BoardSkeleton() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading the board…" className="flex gap-3 overflow-hidden">
      {Array.from({ length: 4 }, (_, i) => (
        <div key={i} className="w-72 shrink-0 animate-pulse space-y-2 rounded-lg bg-stone-100 p-3 motion-reduce:animate-none">
          <div className="h-4 w-24 rounded bg-stone-200" />
          <div className="h-20 rounded bg-white" />
          <div className="h-20 rounded bg-white" />
        </div>
      ))}
      <span className="sr-only">Loading the board…</span>
    </div>
  );
}
