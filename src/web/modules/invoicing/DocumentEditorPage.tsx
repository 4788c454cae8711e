import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useEffect, useMemo, useState } from 'react';
import { ALL_RATES_BPS, ratesOn } from '../../../server/modules/invoicing/gst/rates';
import { UQC_CODES } from '../../../server/modules/invoicing/gst/codes';
import { errorMessage, isApiError } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { Button, buttonClass } from '../../ui/Button';
import { inputClass, SelectField, TextField } from '../../ui/Field';
import { PageHeading } from '../../ui/PageHeading';
import { LoadingBlock } from '../../ui/Spinner';
import { announce } from '../../ui/Announcer';
import { RecordPicker } from '../crm/RecordPicker';
import { invoicingApi, invoicingKeys, useInvoicingSettings, useProducts, useSeries, type DocumentBody, type DocumentType, type InvoiceDocument, type Product } from './api';
import { inr, parseQuantity, parseRupees, quantityText, rateText, rupeesText, stateOptions, todayInIndia, typeLabels, issuedText, keepIssueNotice } from './format';
import { TotalsPanel } from './TotalsPanel';
import { lineDiscount, liveTotals, type HeadDraft, type LineDraft } from './useLiveTotals';
import type { SupplyKind } from '../../../server/modules/invoicing/gst/compute';

const plusDays = (iso: string, n: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
let nextKey = 1;
const emptyLine = (): LineDraft => ({ key: nextKey++, productId: '', description: '', hsn: '', uqc: 'NOS', quantity: '1', price: '', priceIncludesTax: false, rateBps: 1800, cessBps: 0, discountText: '', discountKind: 'percent' });
const lineFromProduct = (p: Product, keep: LineDraft): LineDraft => ({ ...keep, productId: p.id, description: p.name, hsn: p.hsn, uqc: p.uqc, price: rupeesText(p.pricePaise), priceIncludesTax: p.priceIncludesTax, rateBps: p.rateBps, cessBps: p.cessBps });
/** A percentage discount as the field shows it ("10"). */
const percentText = (d: InvoiceDocument['discount'] | undefined) => (d?.kind === 'percent' ? String(d.bps / 100) : '');
/** A line's discount as its field shows it: "10" (%) or "150.00" (₹). */
const discountFields = (d: InvoiceDocument['discount'] | undefined): Pick<LineDraft, 'discountText' | 'discountKind'> =>
  d?.kind === 'amount' ? { discountKind: 'amount', discountText: rupeesText(d.paise) } : { discountKind: 'percent', discountText: percentText(d) };

const linesFrom = (d: InvoiceDocument): LineDraft[] => d.lines.map((l) => ({
  key: nextKey++, productId: l.productId ?? '', description: l.description, hsn: l.hsn, uqc: l.uqc, quantity: quantityText(l.quantityMilli),
  price: rupeesText(l.unitPricePaise), priceIncludesTax: l.priceIncludesTax, rateBps: l.rateBps, cessBps: l.cessBps,
  ...discountFields(l.discount),
}));

const supplyKinds: { value: SupplyKind; label: string }[] = [
  { value: 'regular', label: 'Regular (in India)' }, { value: 'export-with-payment', label: 'Export, tax paid' }, { value: 'export-without-payment', label: 'Export under LUT (no tax)' },
  { value: 'sez-with-payment', label: 'SEZ, tax paid' }, { value: 'sez-without-payment', label: 'SEZ under LUT (no tax)' },
];

/** INV-2: drafts a quote, invoice or credit note with totals worked out live by the GST engine. */
export function DocumentEditorPage() {
  const { workspaceId, documentId } = useParams({ strict: false }) as { workspaceId: string; documentId?: string };
  const search = useSearch({ strict: false }) as { creditFor?: string; fromQuote?: string; type?: DocumentType };
  const existing = useQuery({ queryKey: invoicingKeys.document(workspaceId, documentId ?? ''), queryFn: () => invoicingApi.document(workspaceId, documentId!), enabled: !!documentId });
  const original = useQuery({ queryKey: invoicingKeys.document(workspaceId, search.creditFor ?? ''), queryFn: () => invoicingApi.document(workspaceId, search.creditFor!), enabled: !!search.creditFor });
  const quote = useQuery({ queryKey: invoicingKeys.document(workspaceId, search.fromQuote ?? ''), queryFn: () => invoicingApi.document(workspaceId, search.fromQuote!), enabled: !!search.fromQuote });
  const settings = useInvoicingSettings(workspaceId);
  const series = useSeries(workspaceId);
  const products = useProducts(workspaceId);
  if (settings.isPending || series.isPending || products.isPending || (documentId && existing.isPending) || (search.creditFor && original.isPending) || (search.fromQuote && quote.isPending)) return <LoadingBlock label="Loading the editor…" />;
  const failed = settings.error ?? series.error ?? products.error ?? existing.error ?? original.error ?? quote.error;
  if (failed) return <ErrorAlert>{errorMessage(failed)}</ErrorAlert>;
  if (!settings.data) {
    return (
      <ErrorAlert title="Invoicing is not set up">
        Enter your GST details first. <Link to={`/w/${workspaceId}/invoices/settings` as '/'} className="underline">Open settings</Link>
      </ErrorAlert>
    );
  }
  const type: DocumentType = existing.data?.documentType ?? (search.creditFor ? 'credit_note' : search.type ?? 'invoice');
  return (
    <Editor
      key={documentId ?? search.creditFor ?? search.fromQuote ?? type}
      workspaceId={workspaceId}
      type={type}
      supplierStateCode={settings.data.stateCode}
      series={series.data!.items.filter((s) => s.documentType === type)}
      products={products.data!.items}
      existing={existing.data ?? null}
      original={original.data ?? null}
      quote={quote.data ?? null}
    />
  );
}

function Editor({ workspaceId, type, supplierStateCode, series, products, existing, original, quote }: {
  workspaceId: string; type: DocumentType; supplierStateCode: string; series: { id: string; example: string }[]; products: Product[];
  existing: InvoiceDocument | null; original: InvoiceDocument | null; quote: InvoiceDocument | null;
}) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const from = existing ?? original ?? quote;
  const [seriesId, setSeriesId] = useState(existing?.seriesId ?? series[0]?.id ?? '');
  const [company, setCompany] = useState({ id: from?.companyId ?? '', label: from?.buyerName ?? '' });
  const [buyerName, setBuyerName] = useState(from?.buyerName ?? '');
  const [dueDate, setDueDate] = useState(existing?.dueDate ?? (type === 'invoice' ? plusDays(todayInIndia(), 15) : ''));
  const [notes, setNotes] = useState(existing?.notes ?? '');
  const [head, setHead] = useState<HeadDraft>({
    documentDate: existing?.documentDate ?? todayInIndia(), buyerGstin: from?.buyerGstin ?? '', buyerStateCode: from?.buyerStateCode ?? '',
    supplyKind: from?.supplyKind ?? 'regular', ...discountFields((existing ?? quote)?.discount),
  });
  const [lines, setLines] = useState<LineDraft[]>(from ? linesFrom(from) : [emptyLine()]);
  const [serverError, setServerError] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const live = useMemo(() => liveTotals(head, lines, supplierStateCode, original?.documentDate), [head, lines, supplierStateCode, original]);
  const rates = ratesOn(original?.documentDate ?? head.documentDate);
  useEffect(() => setServerError(null), [head, lines]);

  const setLine = (key: number, patch: Partial<LineDraft>) => setLines((ls) => ls.map((l) => (l.key === key ? { ...l, ...patch } : l)));
  const body = (): DocumentBody | null => {
    if (!live.ok) return null;
    const invoiceDiscount = lineDiscount(head.discountText, head.discountKind);
    return {
      documentType: type, seriesId, documentDate: head.documentDate, dueDate: dueDate || null,
      ...(company.id ? { companyId: company.id } : {}),
      ...(buyerName.trim() ? { buyerName: buyerName.trim() } : {}),
      buyerGstin: head.buyerGstin.trim() || null, buyerStateCode: head.buyerStateCode || null, supplyKind: head.supplyKind,
      ...(original ? { originalDocumentId: original.id } : {}),
      discount: invoiceDiscount ?? null,
      ...(notes.trim() ? { notes: notes.trim() } : {}),
      lines: lines.map((l) => {
        const discount = lineDiscount(l.discountText, l.discountKind);
        return {
          ...(l.productId ? { productId: l.productId } : {}), description: l.description.trim() || undefined, hsn: l.hsn.trim(), uqc: l.uqc.trim().toUpperCase(),
          quantityMilli: parseQuantity(l.quantity)!, unitPricePaise: parseRupees(l.price)!, priceIncludesTax: l.priceIncludesTax, rateBps: l.rateBps, cessBps: l.cessBps,
          discount: discount ?? null,
        };
      }),
    };
  };
  const save = useMutation({
    mutationFn: async (andIssue: boolean) => {
      const b = body();
      if (!b) throw new Error('invalid');
      let doc = existing
        ? await invoicingApi.updateDocument(workspaceId, existing.id, { ...b, version: existing.version })
        : await invoicingApi.createDocument(workspaceId, b);
      if (andIssue) doc = await invoicingApi.issue(workspaceId, doc.id, doc.version);
      return doc;
    },
    onSuccess: async (doc) => {
      await queryClient.invalidateQueries({ queryKey: invoicingKeys.all(workspaceId) });
      const said = doc.number ? issuedText(doc) : 'Draft saved.';
      announce(said);
      if (doc.stockBelowZero?.length) keepIssueNotice(doc.id, said);
      await navigate({ to: `/w/${workspaceId}/invoices/${doc.id}` as '/' });
    },
    onError: (e) => setServerError({ message: errorMessage(e), fields: isApiError(e) ? e.fields : {} }),
  });
  const fieldError = (f: string) => serverError?.fields[f] ?? (!live.ok && live.field === f ? live.message : undefined);

  const title = existing ? `Edit draft ${typeLabels[type].toLowerCase()}` : original ? `Credit note for ${original.number}` : quote ? `Invoice from quote ${quote.number ?? ''}`.trim() : `New ${typeLabels[type].toLowerCase()}`;
  return (
    <div className="max-w-6xl">
      <PageHeading description={type === 'quote' ? 'A quote is not a tax invoice; turn it into one when the customer agrees.' : 'Tax is computed per line; the totals below are what the invoice will carry.'}>{title}</PageHeading>
      {series.length === 0 ? (
        <ErrorAlert className="mb-4">
          There is no {typeLabels[type].toLowerCase()} numbering series yet. <Link to={`/w/${workspaceId}/invoices/settings` as '/'} className="underline">Add one in settings</Link>.
        </ErrorAlert>
      ) : null}
      <form
        noValidate
        className="grid gap-6 lg:grid-cols-[1fr_18rem]"
        onSubmit={(e) => {
          e.preventDefault();
          const issue = (e.nativeEvent as SubmitEvent).submitter?.getAttribute('value') === 'issue';
          save.mutate(issue);
        }}
      >
        <div className="min-w-0 space-y-6">
          <fieldset className="grid gap-4 rounded-lg border border-stone-200 bg-white p-4 sm:grid-cols-2">
            <legend className="px-1 text-sm font-semibold text-stone-900">Customer</legend>
            {original ? null : (
              <RecordPicker workspaceId={workspaceId} kind="company" label="Company from the CRM" value={company.id} hint="Or leave empty and type a name for a walk-in sale."
                onChange={(id, label) => { setCompany({ id, label }); if (id && !buyerName) setBuyerName(label); }} error={fieldError('companyId')} />
            )}
            <TextField label="Bill to (name)" value={buyerName} onChange={(e) => setBuyerName(e.target.value)} maxLength={200} error={fieldError('buyerName')} placeholder="Walk-in customer" />
            <TextField label="Buyer GSTIN" optional value={head.buyerGstin} maxLength={15} autoCapitalize="characters" spellCheck={false}
              onChange={(e) => setHead({ ...head, buyerGstin: e.target.value.toUpperCase() })} error={fieldError('buyerGstin')} hint="A registered buyer's GSTIN decides the place of supply." />
            <SelectField label="Buyer's state" optional value={head.buyerStateCode} onChange={(e) => setHead({ ...head, buyerStateCode: e.target.value })} error={fieldError('buyerStateCode')}
              options={[{ value: '', label: 'Same as mine (sale at the counter)' }, ...stateOptions]} />
            <SelectField label="Kind of supply" value={head.supplyKind} onChange={(e) => setHead({ ...head, supplyKind: e.target.value as SupplyKind })} options={supplyKinds} error={fieldError('placeOfSupply')} />
          </fieldset>
          <fieldset className="grid gap-4 rounded-lg border border-stone-200 bg-white p-4 sm:grid-cols-3">
            <legend className="px-1 text-sm font-semibold text-stone-900">{typeLabels[type]}</legend>
            <SelectField label="Series" value={seriesId} onChange={(e) => setSeriesId(e.target.value)} options={series.map((s) => ({ value: s.id, label: s.example.replace(/\d+$/, (d) => '#'.repeat(d.length)) }))} error={fieldError('seriesId')} hint="The number is given when you issue." />
            <TextField label="Date" type="date" value={head.documentDate} onChange={(e) => setHead({ ...head, documentDate: e.target.value })} error={fieldError('documentDate')} />
            <TextField label="Due date" optional type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} error={fieldError('dueDate')} />
          </fieldset>
          <fieldset className="rounded-lg border border-stone-200 bg-white p-4">
            <legend className="px-1 text-sm font-semibold text-stone-900">Lines</legend>
            <ol className="space-y-4">
              {lines.map((l, i) => (
                <li key={l.key} className="grid grid-cols-2 gap-3 border-b border-stone-100 pb-4 sm:grid-cols-6" aria-label={`Line ${i + 1}`}>
                  <label className="col-span-2 text-sm font-medium text-stone-800 sm:col-span-3">
                    Product or service
                    <select className={`${inputClass} mt-1`} value={l.productId} onChange={(e) => {
                      const p = products.find((x) => x.id === e.target.value);
                      setLine(l.key, p ? lineFromProduct(p, l) : { productId: '' });
                    }}>
                      <option value="">Type a description instead</option>
                      {products.map((p) => <option key={p.id} value={p.id}>{p.name} ({p.sku})</option>)}
                    </select>
                  </label>
                  <TextField containerClassName="col-span-2 sm:col-span-3" label="Description" value={l.description} maxLength={500} onChange={(e) => setLine(l.key, { description: e.target.value })} error={fieldError(`lines.${i}.description`)} />
                  <TextField label="HSN/SAC" value={l.hsn} maxLength={8} inputMode="numeric" onChange={(e) => setLine(l.key, { hsn: e.target.value })} error={fieldError(`lines.${i}.hsn`)} />
                  <label className="text-sm font-medium text-stone-800">
                    Unit
                    <select className={`${inputClass} mt-1`} value={l.uqc} onChange={(e) => setLine(l.key, { uqc: e.target.value })}>
                      {UQC_CODES.map((u) => <option key={u}>{u}</option>)}
                    </select>
                  </label>
                  <TextField label="Quantity" value={l.quantity} inputMode="decimal" onChange={(e) => setLine(l.key, { quantity: e.target.value })} error={fieldError(`lines.${i}.quantityMilli`)} />
                  <TextField label="Price (₹)" value={l.price} inputMode="decimal" onChange={(e) => setLine(l.key, { price: e.target.value })} error={fieldError(`lines.${i}.unitPricePaise`)} />
                  <label className="text-sm font-medium text-stone-800">
                    GST rate
                    <select className={`${inputClass} mt-1`} value={l.rateBps} aria-invalid={fieldError(`lines.${i}.rateBps`) ? true : undefined} onChange={(e) => setLine(l.key, { rateBps: Number(e.target.value) })}>
                      {ALL_RATES_BPS.map((r) => <option key={r} value={r} disabled={!rates.includes(r)}>{rateText(r)}{rates.includes(r) ? '' : ' (not on this date)'}</option>)}
                    </select>
                    {fieldError(`lines.${i}.rateBps`) ? <span className="mt-1 block text-sm font-normal text-red-700">{fieldError(`lines.${i}.rateBps`)}</span> : null}
                  </label>
                  <DiscountField id={`line-${l.key}-discount`} label="Discount" groupLabel={`Line ${i + 1} discount in`} kind={l.discountKind} text={l.discountText} error={fieldError(`lines.${i}.discount`)}
                    onKind={(k) => setLine(l.key, { discountKind: k })} onText={(t) => setLine(l.key, { discountText: t })} />
                  <div className="col-span-2 flex items-end justify-between gap-2 sm:col-span-6">
                    <span className="text-sm text-stone-600 tabular-nums" data-testid={`line-${i}-total`}>
                      {live.ok ? `Taxable ${inr(live.result.lines[i]!.taxablePaise)} · with tax ${inr(live.result.lines[i]!.totalPaise)}${Number.parseFloat(head.discountText) > 0 ? ' · after the invoice discount' : ''}` : ''}
                    </span>
                    {lines.length > 1 ? <Button variant="ghost" size="sm" onClick={() => setLines((ls) => ls.filter((x) => x.key !== l.key))}>Remove line {i + 1}</Button> : null}
                  </div>
                </li>
              ))}
            </ol>
            <div className="mt-3 flex flex-wrap items-end justify-between gap-3">
              <Button variant="secondary" size="sm" onClick={() => setLines((ls) => [...ls, emptyLine()])} disabled={lines.length >= 200}>Add line</Button>
              <DiscountField id="invoice-discount" label="Invoice discount" groupLabel="Invoice discount in" kind={head.discountKind} text={head.discountText} error={fieldError('discount')} className="w-48"
                hint="On the whole invoice, spread over the lines before tax."
                onKind={(k) => setHead({ ...head, discountKind: k })} onText={(t) => setHead({ ...head, discountText: t })} />
            </div>
          </fieldset>
          <TextField label="Notes" optional value={notes} maxLength={2000} onChange={(e) => setNotes(e.target.value)} placeholder="Bank details, terms…" />
        </div>
        <aside className="space-y-4 lg:sticky lg:top-20 lg:self-start">
          {live.ok ? (
            <TotalsPanel totals={live.result} regime={live.result.regime} placeOfSupply={live.pos} label="Live totals" discountPaise={live.result.discountPaise} />
          ) : (
            <p role="status" className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900">Totals appear when every line is complete: {live.message}</p>
          )}
          {serverError ? <ErrorAlert>{serverError.message}</ErrorAlert> : null}
          <div className="flex flex-col gap-2">
            {type !== 'quote' ? (
              <Button type="submit" value="issue" pending={save.isPending && save.variables === true} pendingLabel="Issuing…" disabled={!live.ok || !seriesId || save.isPending}>
                Save and issue
              </Button>
            ) : null}
            <Button type="submit" value="draft" variant={type === 'quote' ? 'primary' : 'secondary'} pending={save.isPending && save.variables === false} disabled={!live.ok || !seriesId || save.isPending}>
              Save draft
            </Button>
            <Link to={`/w/${workspaceId}/invoices` as '/'} className={buttonClass('ghost')}>Cancel</Link>
          </div>
        </aside>
      </form>
    </div>
  );
}

/** A discount typed as a percentage or in rupees, with a % / ₹ switch (a line's, or the whole invoice's). */
function DiscountField({ id, label, groupLabel, kind, text, error, hint, className = '', onKind, onText }: {
  id: string; label: string; groupLabel: string; kind: 'percent' | 'amount'; text: string; error?: string | undefined; hint?: string; className?: string;
  onKind: (k: 'percent' | 'amount') => void; onText: (t: string) => void;
}) {
  const described = [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`text-sm ${className}`}>
      <div className="mb-1 flex flex-wrap items-center justify-between gap-1">
        <label htmlFor={id} className="font-medium text-stone-800">{label}<span className="sr-only"> {kind === 'percent' ? '%' : '₹'}</span></label>
        <div role="group" aria-label={groupLabel} className="-my-0.5 flex overflow-hidden rounded border border-stone-300 text-xs">
          {(['percent', 'amount'] as const).map((k) => (
            <button key={k} type="button" aria-pressed={kind === k} aria-label={k === 'percent' ? 'Percent' : 'Rupees'}
              className={`h-6 w-6 font-medium ${kind === k ? 'bg-stone-800 text-white' : 'bg-white text-stone-700 hover:bg-stone-100'}`}
              onClick={() => onKind(k)}>{k === 'percent' ? '%' : '₹'}</button>
          ))}
        </div>
      </div>
      <input id={id} className={inputClass} value={text} inputMode="decimal" placeholder={kind === 'percent' ? '0 %' : '₹ 0'}
        aria-invalid={error ? true : undefined} aria-describedby={described} onChange={(e) => onText(e.target.value)} />
      {hint ? <p id={`${id}-hint`} className="mt-1 text-xs text-stone-500">{hint}</p> : null}
      {error ? <p id={`${id}-error`} className="mt-1 text-sm text-red-700">{error}</p> : null}
    </div>
  );
}
