import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage, isApiError } from '../../lib/api';
import { announce } from '../../ui/Announcer';
import { crmKeys, fetchBoardTotals, fetchDeals, moveDeal, type BoardTotals, type Deal, type Page, type Pipeline, type Stage } from './api';

export const COLUMN_PAGE = 50;
const columnKey = (w: string, pipelineId: string, stageId: string) => crmKeys.list(w, 'deals', { board: true, pipelineId, stageId });

/** Adds (sign 1) or takes away (sign -1) a deal's amount from a column's totals. */
function adjust(totals: BoardTotals | undefined, stageId: string, deal: Deal, sign: 1 | -1): BoardTotals | undefined {
  if (!totals) return totals;
  return {
    stages: totals.stages.map((s) => {
      if (s.stageId !== stageId) return s;
      const amount = Number(deal.amount ?? 0) * sign;
      const has = s.totals.some((t) => t.currency === deal.currency);
      const list = has ? s.totals : [...s.totals, { currency: deal.currency, amount: '0' }];
      return {
        ...s,
        count: s.count + sign,
        totals: list.map((t) => (t.currency === deal.currency ? { ...t, amount: (Number(t.amount) + amount).toFixed(2) } : t)),
      };
    }),
  };
}

/**
 * CRM-3: the deals board of one pipeline — a page of deals per stage, the column totals, and
 * moves that show at once and roll back if the server refuses.
 */
export function useBoard(workspaceId: string, pipeline: Pipeline | undefined) {
  const client = useQueryClient();
  const stages = pipeline?.stages ?? [];
  const columns = useQueries({
    queries: stages.map((s) => ({
      queryKey: columnKey(workspaceId, pipeline!.id, s.id),
      queryFn: () => fetchDeals(workspaceId, { pipelineId: pipeline!.id, stageId: s.id, limit: COLUMN_PAGE }),
    })),
  });
  const totals = useQuery({ queryKey: crmKeys.totals(workspaceId, pipeline?.id ?? ''), queryFn: () => fetchBoardTotals(workspaceId, pipeline!.id), enabled: !!pipeline });

  const move = useMutation({
    mutationFn: ({ deal, to, lostReason }: { deal: Deal; to: Stage; lostReason?: string }) =>
      moveDeal(workspaceId, deal.id, { stageId: to.id, version: deal.version, ...(lostReason ? { lostReason } : {}) }),
    onMutate: async ({ deal, to }) => {
      const from = columnKey(workspaceId, deal.pipelineId, deal.stageId);
      const into = columnKey(workspaceId, to.pipelineId, to.id);
      const totalsKey = crmKeys.totals(workspaceId, deal.pipelineId);
      await Promise.all([from, into, totalsKey].map((queryKey) => client.cancelQueries({ queryKey })));
      const snapshot = { from: client.getQueryData<Page<Deal>>(from), into: client.getQueryData<Page<Deal>>(into), totals: client.getQueryData<BoardTotals>(totalsKey) };
      const moved: Deal = { ...deal, stageId: to.id, stage: { id: to.id, name: to.name, kind: to.kind }, status: to.kind, probability: to.probability };
      client.setQueryData<Page<Deal>>(from, (p) => (p ? { ...p, items: p.items.filter((d) => d.id !== deal.id) } : p));
      client.setQueryData<Page<Deal>>(into, (p) => (p ? { ...p, items: [moved, ...p.items.filter((d) => d.id !== deal.id)] } : p));
      client.setQueryData<BoardTotals>(totalsKey, (t) => adjust(adjust(t, deal.stageId, deal, -1), to.id, deal, 1));
      announce(`${deal.name} moved to ${to.name}.`);
      return { snapshot, from, into, totalsKey };
    },
    onError: (error, { deal }, context) => {
      if (context) {
        client.setQueryData(context.from, context.snapshot.from);
        client.setQueryData(context.into, context.snapshot.into);
        client.setQueryData(context.totalsKey, context.snapshot.totals);
      }
      const message = isApiError(error, 'version_conflict')
        ? `Someone else changed ${deal.name} a moment ago, so it was not moved. The board now shows the latest.`
        : `${deal.name} was not moved: ${errorMessage(error)}`;
      announce(message);
      if (isApiError(error, 'version_conflict', 'not_found')) void client.invalidateQueries({ queryKey: crmKeys.lists(workspaceId, 'deals') });
    },
    onSuccess: (saved, _vars, context) => {
      // The server's copy carries the new version, so the next move of this card is not refused.
      client.setQueryData<Page<Deal>>(context.into, (p) => (p ? { ...p, items: p.items.map((d) => (d.id === saved.id ? saved : d)) } : p));
      client.setQueryData(crmKeys.record(workspaceId, 'deals', saved.id), saved);
    },
    onSettled: (_r, _e, { deal }) => {
      void client.invalidateQueries({ queryKey: crmKeys.totals(workspaceId, deal.pipelineId) });
    },
  });

  return { stages, columns, totals, move };
}
