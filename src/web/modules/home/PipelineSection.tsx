import { Link } from '@tanstack/react-router';
import { lazy, Suspense, useId, useState } from 'react';
import { formatAmount } from '../../lib/money';
import { SelectField } from '../../ui/Field';
import type { Home } from './api';
import { Card, Empty, linkCls } from './Card';

// recharts is big: it loads with the chart, not with the home page.
const PipelineChart = lazy(() => import('./PipelineChart').then((m) => ({ default: m.PipelineChart })));

/** CRM-3: open value per stage of a pipeline in the workspace's currency, as a chart and a table. */
export function PipelineSection({ workspaceId, pipelines, currency, locale }: { workspaceId: string; pipelines: Home['pipelines']; currency: string; locale: string | undefined }) {
  const [pipelineId, setPipelineId] = useState(pipelines[0]?.id ?? '');
  const tableId = useId();
  const pipeline = pipelines.find((p) => p.id === pipelineId) ?? pipelines[0];
  if (!pipeline) return null;
  const amountIn = (totals: { currency: string; amount: string }[], c: string) => Number(totals.find((t) => t.currency === c)?.amount ?? 0);
  const bars = pipeline.stages.map((st) => ({ name: st.name, value: amountIn(st.totals, currency), count: st.count }));
  const total = bars.reduce((n, b) => n + b.value, 0);
  const deals = bars.reduce((n, b) => n + b.count, 0);
  const others = [...new Set(pipeline.stages.flatMap((st) => st.totals.map((t) => t.currency)).filter((c) => c !== currency))];
  return (
    <Card
      title="Pipeline value by stage"
      figure={`${formatAmount(total, currency, locale)} open in ${deals} ${deals === 1 ? 'deal' : 'deals'}`}
      more={
        <Link to="/w/$workspaceId/deals/board" params={{ workspaceId }} search={{ pipeline: pipeline.id }} className={linkCls}>
          Open the board →
        </Link>
      }
      wide
    >
      {pipelines.length > 1 ? (
        <SelectField label="Pipeline" containerClassName="mb-3 max-w-xs" options={pipelines.map((p) => ({ value: p.id, label: p.name }))} value={pipeline.id} onChange={(e) => setPipelineId(e.target.value)} />
      ) : null}
      {deals === 0 ? (
        <Empty>No open deals in {pipeline.name} yet. Add a deal and its value shows here by stage.</Empty>
      ) : (
        <div className="grid gap-4 md:grid-cols-[minmax(0,1fr)_16rem]">
          <Suspense fallback={<div className="h-56 animate-pulse rounded bg-stone-100 motion-reduce:animate-none" />}>
            <PipelineChart bars={bars} currency={currency} locale={locale} />
          </Suspense>
          <table aria-describedby={tableId} className="w-full self-start text-sm">
            <caption id={tableId} className="sr-only">
              Open value by stage in {pipeline.name}, in {currency}
            </caption>
            <thead>
              <tr className="text-left text-xs text-stone-500">
                <th scope="col" className="pb-1 font-medium">
                  Stage
                </th>
                <th scope="col" className="pb-1 text-right font-medium">
                  Deals
                </th>
                <th scope="col" className="pb-1 text-right font-medium">
                  Value
                </th>
              </tr>
            </thead>
            <tbody>
              {bars.map((b) => (
                <tr key={b.name} className="border-t border-stone-100">
                  <th scope="row" className="py-1 text-left font-normal text-stone-800">
                    {b.name}
                  </th>
                  <td className="py-1 text-right text-stone-600 tabular-nums">{b.count}</td>
                  <td className="py-1 text-right font-medium text-stone-900 tabular-nums">{formatAmount(b.value, currency, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {others.length ? (
        <p className="mt-2 text-xs text-stone-500">
          Also open in other currencies:{' '}
          {others.map((c) => formatAmount(pipeline.stages.reduce((n, st) => n + amountIn(st.totals, c), 0), c, locale)).join(', ')} (not in the chart).
        </p>
      ) : null}
    </Card>
  );
}

