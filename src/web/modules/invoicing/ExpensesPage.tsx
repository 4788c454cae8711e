import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { formatDate } from '../../lib/format';
import { ErrorAlert } from '../../ui/Alert';
import { announce } from '../../ui/Announcer';
import { Button, buttonClass } from '../../ui/Button';
import { CheckboxField, SelectField, TextField } from '../../ui/Field';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { invoicingApi, invoicingKeys, type ExpenseBody, type Expenses } from './api';
import { inr, parseRupees, todayInIndia } from './format';
import { InvoicingNav } from './InvoicingNav';

export const categoryLabels: Record<ExpenseBody['category'], string> = {
  rent: 'Rent', salaries: 'Salaries', utilities: 'Electricity, water, phone', travel: 'Travel', marketing: 'Marketing', supplies: 'Supplies',
  professional_fees: 'Professional fees', repairs: 'Repairs', bank_charges: 'Bank charges', other: 'Other',
};

/** INV-3: what the business spends, by category, with the GST paid on it and the input tax credit. */
export function ExpensesPage() {
  const { workspaceId } = useParams({ strict: false }) as { workspaceId: string };
  const queryClient = useQueryClient();
  const [month, setMonth] = useState(todayInIndia().slice(0, 7));
  const list = useQuery({ queryKey: invoicingKeys.expenses(workspaceId, month), queryFn: () => invoicingApi.expenses(workspaceId, /^\d{4}-\d{2}$/.test(month) ? month : undefined) });
  const remove = useMutation({
    mutationFn: (id: string) => invoicingApi.deleteExpense(workspaceId, id),
    onSuccess: async () => { await queryClient.invalidateQueries({ queryKey: invoicingKeys.all(workspaceId) }); announce('Expense removed.'); },
  });
  return (
    <div className="max-w-5xl">
      <PageHeading description="Rent, salaries, bills: what you spend, with the GST you can claim back. Profit on the reports page counts them.">Expenses</PageHeading>
      <InvoicingNav workspaceId={workspaceId} />
      <div className="grid gap-6 lg:grid-cols-[1fr_20rem]">
        <Card labelledBy="expense-list-heading" className="min-w-0">
          <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
            <SectionHeading id="expense-list-heading">Spent in the month</SectionHeading>
            <label className="text-sm font-medium text-stone-800">
              Month
              <input type="month" value={month} onChange={(e) => setMonth(e.target.value)} className="mt-1 block rounded-md border border-stone-300 px-3 py-2 text-sm" />
            </label>
          </div>
          {remove.isError ? <ErrorAlert className="mb-3">{errorMessage(remove.error)}</ErrorAlert> : null}
          {list.isPending ? <SkeletonList rows={3} label="Loading expenses…" /> : list.isError ? <ErrorAlert>{errorMessage(list.error)}</ErrorAlert> : list.data.items.length === 0 ? (
            <p className="text-sm text-stone-600">No expenses in this month yet.</p>
          ) : (
            <>
              <ul className="divide-y divide-stone-100" data-testid="expenses">
                {list.data.items.map((e) => (
                  <li key={e.id} className="flex flex-wrap items-start justify-between gap-2 py-2 text-sm">
                    <div className="min-w-0">
                      <p className="font-medium text-stone-900">{e.description}</p>
                      <p className="text-xs text-stone-600">{formatDate(e.spentOn)} · {categoryLabels[e.category]}{e.vendorName ? ` · ${e.vendorName}` : ''}{e.gstPaise ? ` · GST ${inr(e.gstPaise)}${e.itcEligible ? ' (credit)' : ''}` : ''}</p>
                    </div>
                    <div className="flex flex-wrap items-center gap-2">
                      <span className="tabular-nums">{inr(e.amountPaise)}</span>
                      <BillControl workspaceId={workspaceId} month={month} expense={e} />
                      <Button variant="ghost" size="sm" aria-label={`Remove ${e.description}`} onClick={() => remove.mutate(e.id)}>Remove</Button>
                    </div>
                  </li>
                ))}
              </ul>
              <p className="mt-3 border-t border-stone-200 pt-3 text-sm text-stone-700" data-testid="expense-totals">
                Total <span className="font-semibold tabular-nums">{inr(list.data.amountPaise)}</span> + GST {inr(list.data.gstPaise)} · input tax credit <span className="font-semibold tabular-nums">{inr(list.data.itcPaise)}</span>
              </p>
            </>
          )}
        </Card>
        <ExpenseForm workspaceId={workspaceId} />
      </div>
    </div>
  );
}

function ExpenseForm({ workspaceId }: { workspaceId: string }) {
  const queryClient = useQueryClient();
  const blank = { spentOn: todayInIndia(), category: 'rent' as ExpenseBody['category'], description: '', vendorName: '', vendorGstin: '', amount: '', gst: '', itcEligible: true };
  const [v, setV] = useState(blank);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () => {
      const amountPaise = parseRupees(v.amount);
      const gstPaise = v.gst.trim() ? parseRupees(v.gst) : 0;
      const bad: Record<string, string> = {};
      if (!amountPaise) bad.amountPaise = 'The amount before GST, like 5000.';
      if (gstPaise === null) bad.gstPaise = 'The GST paid, like 900, or leave empty.';
      if (Object.keys(bad).length) throw Object.assign(new Error('Check the form.'), { fields: bad });
      return invoicingApi.createExpense(workspaceId, {
        spentOn: v.spentOn, category: v.category, description: v.description.trim(), amountPaise: amountPaise!, gstPaise: gstPaise!, itcEligible: v.itcEligible,
        ...(v.vendorName.trim() ? { vendorName: v.vendorName.trim() } : {}), ...(v.vendorGstin.trim() ? { vendorGstin: v.vendorGstin.trim() } : {}),
      });
    },
    onSuccess: async (e) => {
      await queryClient.invalidateQueries({ queryKey: invoicingKeys.all(workspaceId) });
      announce(`${e.description}: ${inr(e.amountPaise)} recorded.`);
      setV({ ...blank, spentOn: v.spentOn, category: v.category });
    },
    onError: (e) => { setFields(isApiError(e) ? e.fields : ((e as { fields?: Record<string, string> }).fields ?? {})); setError(isApiError(e) ? errorMessage(e) : e.message); },
  });
  return (
    <Card labelledBy="expense-form-heading">
      <SectionHeading id="expense-form-heading">Record an expense</SectionHeading>
      <form noValidate className="space-y-3" onSubmit={(e) => { e.preventDefault(); setError(null); setFields({}); save.mutate(); }}>
        <TextField label="Date" type="date" value={v.spentOn} onChange={(e) => setV({ ...v, spentOn: e.target.value })} error={fields.spentOn} />
        <SelectField label="Category" value={v.category} onChange={(e) => setV({ ...v, category: e.target.value as ExpenseBody['category'] })} options={Object.entries(categoryLabels).map(([value, label]) => ({ value, label }))} error={fields.category} />
        <TextField label="Description" value={v.description} maxLength={300} onChange={(e) => setV({ ...v, description: e.target.value })} error={fields.description} />
        <TextField label="Amount before GST (₹)" inputMode="decimal" value={v.amount} onChange={(e) => setV({ ...v, amount: e.target.value })} error={fields.amountPaise} />
        <TextField label="GST paid (₹)" optional inputMode="decimal" value={v.gst} onChange={(e) => setV({ ...v, gst: e.target.value })} error={fields.gstPaise} />
        <CheckboxField label="Claim the GST as input tax credit" checked={v.itcEligible} onChange={(e) => setV({ ...v, itcEligible: e.target.checked })} hint="Off: the GST counts as a cost." />
        <TextField label="Vendor" optional value={v.vendorName} maxLength={200} onChange={(e) => setV({ ...v, vendorName: e.target.value })} error={fields.vendorName} />
        <TextField label="Vendor GSTIN" optional value={v.vendorGstin} maxLength={15} spellCheck={false} onChange={(e) => setV({ ...v, vendorGstin: e.target.value.toUpperCase() })} error={fields.vendorGstin} />
        {error ? <ErrorAlert>{error}</ErrorAlert> : null}
        <Button type="submit" pending={save.isPending}>Record expense</Button>
      </form>
    </Card>
  );
}

/** INV-3: the vendor's bill on an expense: attach a PDF, JPEG or PNG (checked again by the server), download it, replace it. */
function BillControl({ workspaceId, month, expense }: { workspaceId: string; month: string; expense: Expenses['items'][number] }) {
  const queryClient = useQueryClient();
  const inputId = `bill-${expense.id}`;
  const attach = useMutation({
    mutationFn: async (file: File) => {
      if (file.size > 2 * 1024 * 1024) throw new Error('The bill is larger than 2 MB.');
      const bytes = new Uint8Array(await file.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return invoicingApi.attachBill(workspaceId, expense.id, { dataBase64: btoa(binary), fileName: file.name.slice(0, 200) });
    },
    onSuccess: async () => { await queryClient.invalidateQueries({ queryKey: invoicingKeys.expenses(workspaceId, month) }); announce('Bill attached.'); },
  });
  return (
    <span className="flex flex-wrap items-center gap-2">
      {expense.attachmentName ? (
        <a className="text-sm font-medium text-teal-800 underline" href={invoicingApi.billUrl(workspaceId, expense.id)} download aria-label={`Download the bill for ${expense.description}`}>Bill</a>
      ) : null}
      <label htmlFor={inputId} className={`${buttonClass('ghost', 'sm')} cursor-pointer`}>{attach.isPending ? 'Attaching…' : expense.attachmentName ? 'Replace bill' : 'Attach bill'}<span className="sr-only"> for {expense.description}</span></label>
      <input id={inputId} type="file" accept="application/pdf,image/jpeg,image/png" className="sr-only" onChange={(ev) => { const f = ev.target.files?.[0]; if (f) attach.mutate(f); ev.target.value = ''; }} />
      {attach.isError ? <span role="alert" className="basis-full text-xs text-red-700">{errorMessage(attach.error)}</span> : null}
    </span>
  );
}
