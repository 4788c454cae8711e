import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { ErrorAlert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { SelectField } from '../../ui/Field';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { Forbidden } from '../settings/Forbidden';
import { useWorkspace } from '../workspaces/useWorkspaces';
import { AiNotConnected } from './AiNotConnected';
import { aiCallOutcomes, aiKeys, fetchAiCalls, formatCost, formatCount, outcomeLabels, type AiCallOutcome, type AiCallSummary, type AiUsage } from './api';
import { useAiStatus, useAiUsage } from './useAi';

const PAGE_SIZE = 25;
const utcDay = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
/** Usage days are UTC days: shown as such, not shifted into the browser's time zone. */
const formatDay = (day: string) => utcDay.format(new Date(`${day}T00:00:00Z`));

/** AI-4, WS-5: every AI call with its cost, and usage per day and per member. Staff see their own. */
export function AiUsagePage() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const workspace = useWorkspace(workspaceId);
  const allowed = workspace.data ? workspace.data.role !== 'client' : true;
  const usage = useAiUsage(workspaceId, allowed);
  const status = useAiStatus(workspaceId, allowed);
  if (!allowed || (isApiError(usage.error) && usage.error.status === 403)) return <Forbidden what="AI usage" />;
  const own = usage.data?.scope === 'own';
  return (
    <div className="space-y-6">
      <PageHeading description={own ? 'The AI calls you made: what was sent, what came back, and what it cost.' : 'Every AI call in this workspace: what was sent, what came back, and what it cost.'}>AI usage</PageHeading>
      {status.data && !status.data.configured ? <AiNotConnected workspaceId={workspaceId} message={status.data.message} /> : null}
      <UsageSummary usage={usage} />
      <CallList workspaceId={workspaceId} own={own} />
    </div>
  );
}

function UsageSummary({ usage }: { usage: ReturnType<typeof useAiUsage> }) {
  if (usage.isPending) return <SkeletonList rows={2} label="Loading usage…" />;
  if (usage.isError) return <ErrorAlert>{errorMessage(usage.error)}</ErrorAlert>;
  const u = usage.data;
  const stats = [
    { label: 'Calls', value: formatCount(u.totals.calls) },
    { label: 'Tokens in / out', value: `${formatCount(u.totals.tokensIn)} / ${formatCount(u.totals.tokensOut)}` },
    { label: 'Cost', value: formatCost(u.totals.costUsd) },
    { label: 'Failed or refused', value: formatCount(u.totals.failed) },
  ];
  return (
    <Card labelledBy="ai-usage-summary">
      <SectionHeading id="ai-usage-summary" description={`Since ${formatDay(u.since)} (last 30 days, UTC).${limitsText(u)}`}>
        Last 30 days
      </SectionHeading>
      <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
        {stats.map((s) => (
          <div key={s.label} className="rounded-md bg-stone-50 p-3">
            <dt className="text-xs text-stone-600">{s.label}</dt>
            <dd className="mt-1 text-lg font-semibold text-stone-900 tabular-nums">{s.value}</dd>
          </div>
        ))}
      </dl>
      {u.totals.unpricedCalls > 0 ? (
        <p className="mt-3 text-sm text-stone-600">{u.totals.unpricedCalls} calls used a model without a known price; their cost is not included.</p>
      ) : null}
      {u.days.length ? (
        <div className="mt-6 grid gap-6 lg:grid-cols-2">
          <UsageTable caption="Usage per day" first="Day" rows={[...u.days].reverse().map((d) => ({ key: d.day, label: formatDay(d.day), ...d }))} />
          {u.scope === 'workspace' ? (
            <UsageTable caption="Usage per member" first="Member" rows={u.users.map((m) => ({ key: m.userId ?? 'none', label: m.userName ?? (m.userId ? 'A former member' : 'System'), ...m }))} />
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}

function limitsText(u: AiUsage): string {
  const parts = [
    u.limits.workspaceCallsPerDay !== null && `${u.limits.workspaceCallsPerDay} calls a day for the workspace`,
    u.limits.userCallsPerDay !== null && `${u.limits.userCallsPerDay} calls a day per person`,
    u.limits.workspaceTokensPerDay !== null && `${u.limits.workspaceTokensPerDay.toLocaleString()} tokens a day for the workspace`,
    u.limits.userTokensPerDay !== null && `${u.limits.userTokensPerDay.toLocaleString()} tokens a day per person`,
  ].filter(Boolean);
  return parts.length ? ` Limits: ${parts.join(', ')}.` : '';
}

function UsageTable({ caption, first, rows }: { caption: string; first: string; rows: { key: string; label: string; calls: number; tokensIn: number; tokensOut: number; costUsd: number }[] }) {
  return (
    <div className="overflow-x-auto rounded-md border border-stone-200">
      <table className="w-full text-left text-sm">
        <caption className="px-3 py-2 text-left text-sm font-medium text-stone-800">{caption}</caption>
        <thead className="bg-stone-50 text-xs text-stone-600 uppercase">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">{first}</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Calls</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Tokens</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Cost</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row" className="px-3 py-2 font-normal text-stone-900">{r.label}</th>
              <td className="px-3 py-2 text-right tabular-nums">{formatCount(r.calls)}</td>
              <td className="px-3 py-2 text-right tabular-nums">{formatCount(r.tokensIn + r.tokensOut)}</td>
              <td className="px-3 py-2 text-right tabular-nums">{formatCost(r.costUsd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CallList({ workspaceId, own }: { workspaceId: string; own: boolean }) {
  const [outcome, setOutcome] = useState<AiCallOutcome | ''>('');
  const filters = { outcome: outcome || undefined };
  const calls = useInfiniteQuery({
    queryKey: aiKeys.calls(workspaceId, filters),
    queryFn: ({ pageParam }) => fetchAiCalls(workspaceId, { ...filters, cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
  const items = useMemo(() => calls.data?.pages.flatMap((p) => p.items) ?? [], [calls.data]);
  return (
    <Card labelledBy="ai-calls">
      <SectionHeading id="ai-calls" description={own ? 'Your calls, newest first.' : 'Newest first. Open a call to see the prompt, the records it used and the answer.'}>
        Calls
      </SectionHeading>
      <div className="mb-4 max-w-xs">
        <SelectField
          label="Outcome"
          value={outcome}
          onChange={(e) => setOutcome(e.target.value as AiCallOutcome | '')}
          options={[{ value: '', label: 'All outcomes' }, ...aiCallOutcomes.map((o) => ({ value: o, label: outcomeLabels[o] }))]}
        />
      </div>
      {calls.isPending ? (
        <SkeletonList rows={4} label="Loading AI calls…" />
      ) : calls.isError && items.length === 0 ? (
        <ErrorAlert>{errorMessage(calls.error)}</ErrorAlert>
      ) : items.length === 0 ? (
        <EmptyState title={outcome ? `No calls that ${outcomeLabels[outcome].toLowerCase()}` : 'No AI calls yet'}>
          {outcome ? 'Try another outcome.' : 'Calls appear here as soon as someone uses an AI feature or tests the connection.'}
        </EmptyState>
      ) : (
        <>
          <ul className="divide-y divide-stone-100 sm:hidden">
            {items.map((c) => (
              <li key={c.id} className="py-3">
                <Link to="/w/$workspaceId/settings/ai-usage/$callId" params={{ workspaceId, callId: c.id }} className="block rounded focus-visible:outline-2 focus-visible:outline-teal-700">
                  <span className="flex items-center justify-between gap-2">
                    <span className="font-medium text-stone-900">{c.feature}</span>
                    <OutcomeBadge outcome={c.outcome} />
                  </span>
                  <span className="mt-1 block text-xs text-stone-600">
                    {formatDateTime(c.createdAt)} · {c.model} · {formatCost(c.costUsd)}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          <div className="hidden overflow-x-auto rounded-md border border-stone-200 sm:block">
            <table className="w-full min-w-[44rem] text-left text-sm">
              <caption className="sr-only">AI calls, newest first</caption>
              <thead className="bg-stone-50 text-xs text-stone-600 uppercase">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">When</th>
                  <th scope="col" className="px-3 py-2 font-medium">Feature</th>
                  {own ? null : <th scope="col" className="px-3 py-2 font-medium">Who</th>}
                  <th scope="col" className="px-3 py-2 font-medium">Model</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">Tokens</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">Cost</th>
                  <th scope="col" className="px-3 py-2 font-medium">Outcome</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {items.map((c) => (
                  <CallRow key={c.id} workspaceId={workspaceId} call={c} own={own} />
                ))}
              </tbody>
            </table>
          </div>
          <div className="mt-4 flex items-center gap-3" aria-live="polite">
            {calls.hasNextPage ? (
              <Button variant="secondary" onClick={() => calls.fetchNextPage()} pending={calls.isFetchingNextPage} pendingLabel="Loading…">
                Load more
              </Button>
            ) : (
              <p className="text-sm text-stone-500">{items.length} {items.length === 1 ? 'call' : 'calls'} · that’s everything</p>
            )}
            {calls.isFetchNextPageError ? (
              <p role="alert" className="text-sm text-red-700">
                {errorMessage(calls.error)}
              </p>
            ) : null}
          </div>
        </>
      )}
    </Card>
  );
}

function CallRow({ workspaceId, call, own }: { workspaceId: string; call: AiCallSummary; own: boolean }) {
  return (
    <tr className="align-top">
      <td className="px-3 py-2 whitespace-nowrap">
        <Link to="/w/$workspaceId/settings/ai-usage/$callId" params={{ workspaceId, callId: call.id }} className="text-teal-800 underline underline-offset-2 hover:text-teal-950">
          <time dateTime={call.createdAt}>{formatDateTime(call.createdAt)}</time>
        </Link>
      </td>
      <td className="px-3 py-2 text-stone-900">{call.feature}</td>
      {own ? null : <td className="px-3 py-2 text-stone-700">{call.userName ?? 'System'}</td>}
      <td className="px-3 py-2">
        <code className="font-mono text-xs text-stone-800">{call.model}</code>
      </td>
      <td className="px-3 py-2 text-right tabular-nums">{call.tokensIn === null ? '—' : formatCount(call.tokensIn + (call.tokensOut ?? 0))}</td>
      <td className="px-3 py-2 text-right tabular-nums" title={call.costNote ?? undefined}>
        {formatCost(call.costUsd)}
      </td>
      <td className="px-3 py-2">
        <OutcomeBadge outcome={call.outcome} />
      </td>
    </tr>
  );
}

const badgeClass: Record<AiCallOutcome, string> = {
  ok: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  error: 'bg-red-50 text-red-800 ring-red-200',
  rate_limited: 'bg-amber-50 text-amber-900 ring-amber-200',
  cancelled: 'bg-stone-100 text-stone-700 ring-stone-200',
  limit_exceeded: 'bg-amber-50 text-amber-900 ring-amber-200',
};

export function OutcomeBadge({ outcome }: { outcome: AiCallOutcome }) {
  return <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${badgeClass[outcome]}`}>{outcomeLabels[outcome]}</span>;
}
