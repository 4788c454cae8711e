import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Gstr3bResult, Reports } from '../../../server/modules/invoicing/invoicing.contract';
import { api, ApiError, errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { buttonClass } from '../../ui/Button';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { inr, quantityText, todayInIndia } from './format';
import { InvoicingNav } from './InvoicingNav';

const compact = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', notation: 'compact', maximumFractionDigits: 1 });
const monthLabel = (m: string) => new Date(`${m}-01T00:00:00Z`).toLocaleDateString('en-IN', { month: 'short', year: '2-digit', timeZone: 'UTC' });
const rupeesFromPaise = (p: number) => p / 100;

/** INV-4: the month's GST returns to download, GSTR-3B 3.1, and sales, ageing and top sellers as charts. */
export function ReportsPage() {
  const { workspaceId } = useParams({ strict: false }) as { workspaceId: string };
  const [month, setMonth] = useState(todayInIndia().slice(0, 7));
  const base = `/api/workspaces/${workspaceId}/invoicing`;
  const reports = useQuery({ queryKey: ['invoicing', workspaceId, 'reports'], queryFn: () => api.get<Reports>(`${base}/reports`, { query: { months: 12 } }) });
  const gstr3b = useQuery({ queryKey: ['invoicing', workspaceId, 'gstr3b', month], queryFn: () => api.get<Gstr3bResult>(`${base}/returns/gstr3b`, { query: { month } }), enabled: /^\d{4}-\d{2}$/.test(month), retry: false });
  return (
    <div className="max-w-5xl">
      <PageHeading description="GST returns for a month, and how sales and money owed are going.">Reports & GST</PageHeading>
      <InvoicingNav workspaceId={workspaceId} />
      <div className="space-y-6">
        <Card labelledBy="returns-heading">
          <SectionHeading id="returns-heading" description="GSTR-1 in the GST portal's JSON shape (upload it in the offline tool or the portal), or as a workbook for your accountant.">GST returns</SectionHeading>
          <div className="flex flex-wrap items-end gap-3">
            <label className="text-sm font-medium text-stone-800">
              Month
              <input type="month" value={month} onChange={(e) => setMonth(e.target.value)} className="mt-1 block rounded-md border border-stone-300 px-3 py-2 text-sm" />
            </label>
            <a className={buttonClass('primary')} href={`${base}/returns/gstr1?month=${month}`} download>Download GSTR-1 (JSON)</a>
            <a className={buttonClass('secondary')} href={`${base}/returns/gstr1?month=${month}&format=xlsx`} download>GSTR-1 spreadsheet</a>
          </div>
          <div className="mt-5">
            <h3 className="mb-2 text-sm font-semibold text-stone-900">GSTR-3B · 3.1 outward supplies</h3>
            {gstr3b.isPending ? <SkeletonList rows={1} label="Working out GSTR-3B…" /> : gstr3b.isError ? (
              <ErrorAlert>
                {errorMessage(gstr3b.error)}
                {gstr3b.error instanceof ApiError && gstr3b.error.code === 'invoicing_not_set_up' ? (
                  <>
                    {' '}
                    <Link to={`/w/${workspaceId}/invoices/settings` as '/'} className="font-medium underline">
                      Open invoicing settings
                    </Link>
                  </>
                ) : null}
              </ErrorAlert>
            ) : (
              <ReturnFigures testId="gstr3b" head="Nature of supplies" columns={['Taxable value', 'IGST', 'CGST', 'SGST/UTGST', 'Cess']} rows={[
                ['(a) Taxable outward supplies', row3b(gstr3b.data.sup_details.osup_det)],
                ['(b) Zero-rated (exports, SEZ)', row3b({ ...gstr3b.data.sup_details.osup_zero, camt: 0, samt: 0 })],
                ['(c) Nil-rated, exempted', row3b({ txval: gstr3b.data.sup_details.osup_nil_exmp.txval, iamt: 0, camt: 0, samt: 0, csamt: 0 })],
              ]} />
            )}
            {gstr3b.isError ? null : <h3 className="mt-5 mb-2 text-sm font-semibold text-stone-900">GSTR-3B · 4 eligible input tax credit</h3>}
            {gstr3b.isPending ? <SkeletonList rows={1} label="Working out input tax credit…" /> : gstr3b.isError ? null : (
              <div>
                <ReturnFigures testId="gstr3b-itc" head="Details" columns={['IGST', 'CGST', 'SGST/UTGST', 'Cess']} rows={[
                  ['(A)(5) All other ITC (expenses billed by a registered vendor)', rowItc(gstr3b.data.itc_elg.itc_avl.find((r) => r.ty === 'OTH')!)],
                  ['(C) Net ITC available', rowItc(gstr3b.data.itc_elg.itc_net)],
                  ['(D)(2) Ineligible (marked not claimable)', rowItc(gstr3b.data.itc_elg.itc_inelg.find((r) => r.ty === 'OTH')!)],
                ]} />
                <p className="mt-2 text-xs text-stone-500">From this month's expenses with a vendor GSTIN: IGST when the vendor is in another state, CGST and SGST when in yours. Attach each bill on the Expenses page.</p>
              </div>
            )}
          </div>
        </Card>
        {reports.isPending ? <SkeletonList rows={3} label="Loading reports…" /> : reports.isError ? <ErrorAlert>{errorMessage(reports.error)}</ErrorAlert> : <Charts r={reports.data} />}
      </div>
    </div>
  );
}

const rupeesText = (n: number) => n.toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const rowItc = (v: { iamt: number; camt: number; samt: number; csamt: number }) => [v.iamt, v.camt, v.samt, v.csamt];
const row3b = (v: { txval: number; iamt: number; camt: number; samt: number; csamt: number }) => [v.txval, v.iamt, v.camt, v.samt, v.csamt];

/**
 * A GSTR-3B table: a table from 640 px up; on a phone each row is a card of label and figures, so no
 * column (Cess last) hides behind a sideways scroll.
 */
function ReturnFigures({ testId, head, columns, rows }: { testId: string; head: string; columns: string[]; rows: [string, number[]][] }) {
  return (
    <>
      <table className="hidden w-full text-sm sm:table" data-testid={testId}>
        <thead className="text-left text-xs text-stone-600">
          <tr><th className="py-1 pr-3">{head}</th>{columns.map((c, i) => <th key={c} className={`py-1 text-right ${i < columns.length - 1 ? 'pr-3' : ''}`}>{c}</th>)}</tr>
        </thead>
        <tbody className="divide-y divide-stone-100 tabular-nums">
          {rows.map(([label, figures]) => (
            <tr key={label}><td className="py-1.5 pr-3 text-stone-700">{label}</td>{figures.map((x, i) => <td key={i} className="py-1.5 pr-3 text-right last:pr-0">{rupeesText(x)}</td>)}</tr>
          ))}
        </tbody>
      </table>
      <ul className="space-y-2 sm:hidden" data-testid={`${testId}-cards`}>
        {rows.map(([label, figures]) => (
          <li key={label} className="rounded-md border border-stone-200 px-3 py-2">
            <p className="text-sm font-medium text-stone-800">{label}</p>
            <dl className="mt-1 grid gap-y-0.5 text-sm tabular-nums">
              {figures.map((x, i) => (
                <div key={columns[i]} className="flex justify-between gap-2"><dt className="text-stone-500">{columns[i]}</dt><dd className="text-stone-900">{rupeesText(x)}</dd></div>
              ))}
            </dl>
          </li>
        ))}
      </ul>
    </>
  );
}

function Charts({ r }: { r: Reports }) {
  const sales = r.salesByMonth.map((m) => ({ name: monthLabel(m.month), value: rupeesFromPaise(m.totalPaise), count: m.invoices }));
  const ageing = r.ageing.map((a) => ({ name: `${a.bucket} days`, value: rupeesFromPaise(a.balancePaise), count: a.invoices }));
  const owed = r.ageing.reduce((s, a) => s + a.balancePaise, 0);
  return (
    <div className="grid gap-6 md:grid-cols-2">
      <Card labelledBy="sales-heading" className="min-w-0 md:col-span-2">
        <SectionHeading id="sales-heading" description="Invoices less credit notes, tax included, by month.">Sales</SectionHeading>
        <BarPanel data={sales} label="Sales" unit="invoice" />
        <table className="sr-only"><caption>Sales by month</caption><tbody>{r.salesByMonth.map((m) => <tr key={m.month}><th>{m.month}</th><td>{inr(m.totalPaise)}</td></tr>)}</tbody></table>
      </Card>
      <Card labelledBy="profit-heading" className="min-w-0 md:col-span-2">
        <SectionHeading id="profit-heading" description="Sales before tax, less what the goods sold cost you, less expenses.">Profit</SectionHeading>
        <ProfitChart rows={r.profitByMonth} />
        <ProfitTable row={r.profitByMonth.at(-1)!} />
      </Card>
      <Card labelledBy="ageing-heading" className="min-w-0">
        <SectionHeading id="ageing-heading" description={`${inr(owed)} owed, by days past the due date.`}>Receivables ageing</SectionHeading>
        <BarPanel data={ageing} label="Owed" unit="invoice" color="#b45309" />
        <ul className="mt-2 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2" data-testid="ageing">
          {r.ageing.map((a) => <li key={a.bucket} className="flex justify-between gap-2"><span className="text-stone-600">{a.bucket} days</span><span className="tabular-nums">{inr(a.balancePaise)}</span></li>)}
        </ul>
      </Card>
      <Card labelledBy="customers-heading" className="min-w-0">
        <SectionHeading id="customers-heading" description="By taxable value over the last 12 months.">Top customers</SectionHeading>
        <TopList rows={r.topCustomers.map((c) => ({ name: c.name, value: c.taxablePaise, detail: `${c.invoices} ${c.invoices === 1 ? 'invoice' : 'invoices'}` }))} empty="No sales yet." />
      </Card>
      <Card labelledBy="products-heading" className="min-w-0 md:col-span-2">
        <SectionHeading id="products-heading" description="By taxable value over the last 12 months.">Top products</SectionHeading>
        <TopList rows={r.topProducts.map((p) => ({ name: p.name, value: p.taxablePaise, detail: `${quantityText(p.quantityMilli)} sold` }))} empty="No products sold yet." />
      </Card>
    </div>
  );
}

function ProfitChart({ rows }: { rows: Reports['profitByMonth'] }) {
  const data = rows.map((m) => ({ name: monthLabel(m.month), value: rupeesFromPaise(m.profitPaise) }));
  return (
    <div className="h-56 w-full" aria-hidden="true">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e7e5e4" />
          <XAxis dataKey="name" tickLine={false} axisLine={false} tick={{ fontSize: 11, fill: '#57534e' }} />
          <YAxis tickLine={false} axisLine={false} width={60} tick={{ fontSize: 11, fill: '#57534e' }} tickFormatter={(v: number) => compact.format(v)} />
          <ReferenceLine y={0} stroke="#a8a29e" />
          <Tooltip cursor={{ fill: '#f5f5f4' }} formatter={(value) => [compact.format(Number(value)), 'Profit']} />
          <Bar dataKey="value" radius={[4, 4, 0, 0]} maxBarSize={48} isAnimationActive={false}>
            {data.map((d) => <Cell key={d.name} fill={d.value < 0 ? '#b91c1c' : '#0f766e'} />)}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** The latest month's profit as figures (also what a screen reader reads). */
function ProfitTable({ row }: { row: Reports['profitByMonth'][number] }) {
  const cells: [string, number][] = [['Sales', row.salesPaise], ['Cost of goods', -row.costOfGoodsPaise], ['Expenses', -row.expensesPaise]];
  return (
    <dl className="mt-3 grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4" data-testid="profit">
      {cells.map(([k, v]) => <div key={k} className="flex justify-between gap-2 sm:block"><dt className="text-stone-600">{k}, {monthLabel(row.month)}</dt><dd className="tabular-nums">{inr(v)}</dd></div>)}
      <div className="flex justify-between gap-2 sm:block"><dt className="font-semibold text-stone-900">Profit</dt><dd className={`font-semibold tabular-nums ${row.profitPaise < 0 ? 'text-red-700' : ''}`}>{inr(row.profitPaise)}</dd></div>
    </dl>
  );
}

function BarPanel({ data, label, unit, color = '#0f766e' }: { data: { name: string; value: number; count: number }[]; label: string; unit: string; color?: string }) {
  return (
    <div className="h-56 w-full" aria-hidden="true">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e7e5e4" />
          <XAxis dataKey="name" tickLine={false} axisLine={false} tick={{ fontSize: 11, fill: '#57534e' }} />
          <YAxis tickLine={false} axisLine={false} width={60} tick={{ fontSize: 11, fill: '#57534e' }} tickFormatter={(v: number) => compact.format(v)} />
          <Tooltip cursor={{ fill: '#f5f5f4' }} formatter={(value, _n, item) => [`${compact.format(Number(value))} · ${(item.payload as { count: number }).count} ${unit}s`, label]} />
          <Bar dataKey="value" fill={color} radius={[4, 4, 0, 0]} maxBarSize={48} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** A ranked list with a bar behind each figure: readable as text, seen as a chart. */
function TopList({ rows, empty }: { rows: { name: string; value: number; detail: string }[]; empty: string }) {
  if (rows.length === 0) return <p className="text-sm text-stone-600">{empty}</p>;
  const max = Math.max(...rows.map((r) => r.value), 1);
  return (
    <ol className="space-y-2">
      {rows.map((r, i) => (
        <li key={`${r.name}-${i}`} className="text-sm">
          <div className="flex justify-between gap-3"><span className="truncate text-stone-800">{r.name}</span><span className="shrink-0 tabular-nums">{inr(r.value)}</span></div>
          <div className="mt-1 h-1.5 rounded bg-stone-100"><div className="h-1.5 rounded bg-teal-600" style={{ width: `${Math.max(2, (r.value / max) * 100)}%` }} /></div>
          <p className="text-xs text-stone-500">{r.detail}</p>
        </li>
      ))}
    </ol>
  );
}
