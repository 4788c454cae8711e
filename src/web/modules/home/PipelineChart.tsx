import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatAmount } from '../../lib/money';

export interface StageBar {
  name: string;
  value: number;
  count: number;
}

/**
 * CRM-3: open pipeline value by stage, as bars. Loaded on its own (recharts is large) when the
 * home page shows it. The figures are also in the table beside it, for screen readers and print.
 */
export function PipelineChart({ bars, currency, locale }: { bars: StageBar[]; currency: string; locale: string | undefined }) {
  return (
    <div className="h-56 w-full" aria-hidden="true" data-chart="pipeline">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={bars} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e7e5e4" />
          <XAxis dataKey="name" tickLine={false} axisLine={false} interval={0} tick={{ fontSize: 12, fill: '#57534e' }} />
          <YAxis tickLine={false} axisLine={false} width={64} tick={{ fontSize: 12, fill: '#57534e' }} tickFormatter={(v: number) => formatAmount(v, currency, locale, { compact: true })} />
          <Tooltip
            cursor={{ fill: '#f5f5f4' }}
            formatter={(value, _name, item) => [`${formatAmount(Number(value), currency, locale)} · ${(item.payload as StageBar).count} ${(item.payload as StageBar).count === 1 ? 'deal' : 'deals'}`, 'Open value']}
          />
          <Bar dataKey="value" fill="#0f766e" radius={[4, 4, 0, 0]} maxBarSize={56} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
