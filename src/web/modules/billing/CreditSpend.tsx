import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LedgerResponse } from './api';

type Spent = LedgerResponse['spentByDay'];

const palette = ['#0f766e', '#b45309', '#4338ca', '#be185d', '#15803d', '#57534e'];
const what = (refType: string | null) => (refType === 'ai_call' ? 'AI calls' : refType === 'enrichment' ? 'enrichment' : 'other');
const person = (name: string | null) => name ?? 'No member (a scheduled run)';
const dayLabel = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });

/**
 * BILL-3, WS-5: where the last 31 days' credits went, per person and day — a stacked bar per day
 * (one colour per person, the five biggest spenders and "others") and, for reading and screen
 * readers, each person's total split into AI calls and enrichment.
 */
export function CreditSpend({ spent }: { spent: Spent }) {
  const kept = spent.filter((s) => s.credits > 0);
  if (kept.length === 0) return <p className="text-sm text-stone-600">No credits spent in the last 31 days.</p>;

  const totals = new Map<string, { total: number; byWhat: Map<string, number> }>();
  for (const s of kept) {
    const t = totals.get(person(s.userName)) ?? { total: 0, byWhat: new Map() };
    t.total += s.credits;
    t.byWhat.set(what(s.refType), (t.byWhat.get(what(s.refType)) ?? 0) + s.credits);
    totals.set(person(s.userName), t);
  }
  const ranked = [...totals.entries()].sort((a, b) => b[1].total - a[1].total);
  const shown = ranked.slice(0, 5).map(([name]) => name);
  const series = ranked.length > 5 ? [...shown, 'Others'] : shown;
  const byDay = new Map<string, Record<string, number | string>>();
  for (const s of kept) {
    const row = byDay.get(s.day) ?? { day: dayLabel(s.day) };
    const key = shown.includes(person(s.userName)) ? person(s.userName) : 'Others';
    row[key] = Number(row[key] ?? 0) + s.credits;
    byDay.set(s.day, row);
  }
  const data = [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, row]) => row);

  return (
    <div className="space-y-3">
      <div className="h-56 w-full" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e7e5e4" />
            <XAxis dataKey="day" tickLine={false} axisLine={false} tick={{ fontSize: 11, fill: '#57534e' }} />
            <YAxis tickLine={false} axisLine={false} width={40} allowDecimals={false} tick={{ fontSize: 11, fill: '#57534e' }} />
            <Tooltip cursor={{ fill: '#f5f5f4' }} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {series.map((name, i) => (
              <Bar key={name} dataKey={name} stackId="credits" fill={palette[i % palette.length]} maxBarSize={40} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <table className="w-full text-sm" data-testid="credit-spend">
        <caption className="sr-only">Credits spent in the last 31 days, per person</caption>
        <thead>
          <tr className="text-left text-stone-600">
            <th scope="col" className="py-1 font-medium">Who</th>
            <th scope="col" className="py-1 font-medium">On what</th>
            <th scope="col" className="py-1 text-right font-medium">Credits</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {ranked.map(([name, t]) => (
            <tr key={name}>
              <th scope="row" className="py-1 text-left font-normal text-stone-800">{name}</th>
              <td className="py-1 text-stone-600">{[...t.byWhat.entries()].map(([k, v]) => `${v.toLocaleString()} on ${k}`).join(', ')}</td>
              <td className="py-1 text-right tabular-nums font-medium">{t.total.toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
