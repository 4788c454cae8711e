import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { checkGstin } from '../../../server/modules/invoicing/gst/gstin';
import { errorMessage, isApiError } from '../../lib/api';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { CheckboxField, SelectField, TextField } from '../../ui/Field';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { LoadingBlock } from '../../ui/Spinner';
import { invoicingApi, invoicingKeys, useInvoicingSettings, useSeries, type DocumentType, type Settings } from './api';
import { stateOptions, typeLabels } from './format';
import { InvoicingNav } from './InvoicingNav';
import { PaymentAccountsCard } from './PaymentLinks';

/** INV-2: the business's GST identity and its numbering series. */
export function InvoicingSettingsPage() {
  const { workspaceId } = useParams({ strict: false }) as { workspaceId: string };
  const settings = useInvoicingSettings(workspaceId);
  const series = useSeries(workspaceId);
  return (
    <div className="max-w-3xl">
      <PageHeading description="What every invoice carries about you, and how documents are numbered.">Invoicing settings</PageHeading>
      <InvoicingNav workspaceId={workspaceId} />
      {settings.isPending ? <LoadingBlock /> : settings.isError ? <ErrorAlert>{errorMessage(settings.error)}</ErrorAlert> : (
        <div className="space-y-6">
          <IdentityForm workspaceId={workspaceId} settings={settings.data} />
          {settings.data ? <PaymentDetailsForm workspaceId={workspaceId} settings={settings.data} /> : null}
          {settings.data ? <LogoCard workspaceId={workspaceId} settings={settings.data} /> : null}
          <Card labelledBy="series-heading">
            <SectionHeading id="series-heading" description="One series per document type; numbers restart each financial year (April–March) and never skip.">Numbering</SectionHeading>
            {series.data && series.data.items.length > 0 ? (
              <ul className="mb-4 space-y-1 text-sm">
                {series.data.items.map((s) => <li key={s.id}><span className="font-medium">{typeLabels[s.documentType]}</span> · <span className="font-mono">{s.example}</span></li>)}
              </ul>
            ) : <p className="mb-4 text-sm text-stone-600">No series yet. Add one for invoices to begin.</p>}
            <SeriesForm workspaceId={workspaceId} disabled={!settings.data} />
          </Card>
          <PaymentAccountsCard workspaceId={workspaceId} />
        </div>
      )}
    </div>
  );
}

function IdentityForm({ workspaceId, settings }: { workspaceId: string; settings: Settings | null }) {
  const queryClient = useQueryClient();
  const [legalName, setLegalName] = useState(settings?.legalName ?? '');
  const [gstin, setGstin] = useState(settings?.gstin ?? '');
  const [stateCode, setStateCode] = useState(settings?.stateCode ?? '29');
  const [allowNegativeStock, setAllowNegative] = useState(settings?.allowNegativeStock ?? false);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const gstinCheck = gstin.trim().length === 15 ? checkGstin(gstin) : null;
  const save = useMutation({
    mutationFn: () => invoicingApi.saveSettings(workspaceId, { legalName: legalName.trim(), gstin: gstin.trim() || null, ...(gstin.trim() ? {} : { stateCode }), allowNegativeStock }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: invoicingKeys.all(workspaceId) });
      setSaved(true);
    },
    onError: (e) => { setFields(isApiError(e) ? e.fields : {}); setError(errorMessage(e)); },
  });
  return (
    <Card labelledBy="identity-heading">
      <SectionHeading id="identity-heading" description="The GSTIN's first two digits are your state; it decides CGST+SGST or IGST on each invoice.">Your business</SectionHeading>
      <form noValidate className="grid gap-4 sm:grid-cols-2" onSubmit={(e) => { e.preventDefault(); setSaved(false); setError(null); setFields({}); save.mutate(); }}>
        <TextField containerClassName="sm:col-span-2" label="Legal name" value={legalName} maxLength={200} onChange={(e) => setLegalName(e.target.value)} error={fields.legalName} />
        <TextField label="GSTIN" optional value={gstin} maxLength={15} spellCheck={false} onChange={(e) => setGstin(e.target.value.toUpperCase())}
          error={fields.gstin ?? (gstinCheck && !gstinCheck.ok ? gstinCheck.message : undefined)}
          hint={gstinCheck?.ok ? `Valid · state ${gstinCheck.stateCode}` : '15 characters; the last is a check digit.'} />
        <SelectField label="State" value={gstinCheck?.ok ? gstinCheck.stateCode : stateCode} disabled={!!gstinCheck?.ok} onChange={(e) => setStateCode(e.target.value)} options={stateOptions} error={fields.stateCode} />
        <div className="sm:col-span-2">
          <CheckboxField label="Allow stock to go below zero" checked={allowNegativeStock} onChange={(e) => setAllowNegative(e.target.checked)} hint="Off: an invoice for more than is in stock is refused when you issue it." />
        </div>
        {error ? <ErrorAlert className="sm:col-span-2">{error}</ErrorAlert> : null}
        {saved ? <StatusNote className="sm:col-span-2">Saved.</StatusNote> : null}
        <div className="sm:col-span-2"><Button type="submit" pending={save.isPending}>Save business details</Button></div>
      </form>
    </Card>
  );
}

const bankFields = [
  ['bankAccountName', 'Account name', 200, 'sm:col-span-2'],
  ['bankAccountNumber', 'Account number', 18, ''],
  ['bankIfsc', 'IFSC', 11, ''],
  ['bankName', 'Bank', 100, ''],
  ['bankBranch', 'Branch', 100, ''],
  ['upiId', 'UPI id', 100, 'sm:col-span-2'],
] as const;
type BankKey = (typeof bankFields)[number][0];
const IFSC = /^[A-Z]{4}0[A-Z0-9]{6}$/;

/** INV-2: where customers pay, printed on every invoice. */
function PaymentDetailsForm({ workspaceId, settings }: { workspaceId: string; settings: Settings }) {
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Record<BankKey, string>>(() => Object.fromEntries(bankFields.map(([k]) => [k, settings[k] ?? ''])) as Record<BankKey, string>);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const ifsc = values.bankIfsc.trim().toUpperCase();
  const save = useMutation({
    mutationFn: () => invoicingApi.saveSettings(workspaceId, {
      legalName: settings.legalName, gstin: settings.gstin, ...(settings.gstin ? {} : { stateCode: settings.stateCode }), allowNegativeStock: settings.allowNegativeStock,
      ...Object.fromEntries(bankFields.map(([k]) => [k, values[k].trim() || null])),
    }),
    onSuccess: async () => { await queryClient.invalidateQueries({ queryKey: invoicingKeys.all(workspaceId) }); setSaved(true); },
    onError: (e) => { setFields(isApiError(e) ? e.fields : {}); setError(errorMessage(e)); },
  });
  return (
    <Card labelledBy="bank-heading">
      <SectionHeading id="bank-heading" description="Printed under the totals on every invoice so customers can pay by bank transfer or UPI. Leave a field empty to leave it off.">Payment details</SectionHeading>
      <form noValidate className="grid gap-4 sm:grid-cols-2" onSubmit={(e) => { e.preventDefault(); setSaved(false); setError(null); setFields({}); save.mutate(); }}>
        {bankFields.map(([key, label, max, span]) => (
          <TextField key={key} containerClassName={span} label={label} optional value={values[key]} maxLength={max} spellCheck={false}
            inputMode={key === 'bankAccountNumber' ? 'numeric' : undefined}
            onChange={(e) => setValues((v) => ({ ...v, [key]: key === 'bankIfsc' ? e.target.value.toUpperCase() : e.target.value }))}
            error={fields[key] ?? (key === 'bankIfsc' && ifsc.length === 11 && !IFSC.test(ifsc) ? 'Four letters, a zero, then six letters or digits.' : undefined)}
            hint={key === 'bankIfsc' ? 'e.g. HDFC0001234' : key === 'upiId' ? 'e.g. shop@okhdfcbank' : undefined} />
        ))}
        {error ? <ErrorAlert className="sm:col-span-2">{error}</ErrorAlert> : null}
        {saved ? <StatusNote className="sm:col-span-2">Saved.</StatusNote> : null}
        <div className="sm:col-span-2"><Button type="submit" pending={save.isPending}>Save payment details</Button></div>
      </form>
    </Card>
  );
}

const LOGO_MAX = 512 * 1024;
const toBase64 = (buf: ArrayBuffer) => {
  const bytes = new Uint8Array(buf);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
};

/** INV-2: the logo at the top left of every invoice PDF. */
function LogoCard({ workspaceId, settings }: { workspaceId: string; settings: Settings }) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const done = async () => { await queryClient.invalidateQueries({ queryKey: invoicingKeys.all(workspaceId) }); setVersion((v) => v + 1); };
  const upload = useMutation({
    mutationFn: async (file: File) => {
      if (file.size > LOGO_MAX) throw new Error('The logo is larger than 512 KB.');
      return invoicingApi.uploadLogo(workspaceId, toBase64(await file.arrayBuffer()));
    },
    onSuccess: done,
    onError: (e) => setError(errorMessage(e)),
  });
  const remove = useMutation({ mutationFn: () => invoicingApi.removeLogo(workspaceId), onSuccess: done, onError: (e) => setError(errorMessage(e)) });
  return (
    <Card labelledBy="logo-heading">
      <SectionHeading id="logo-heading" description="Printed at the top left of every invoice. PNG or JPEG, at most 512 KB.">Logo</SectionHeading>
      <div className="flex flex-col gap-4 sm:flex-row sm:items-center">
        <div className="flex h-20 w-40 shrink-0 items-center justify-center rounded border border-dashed border-stone-300 bg-white">
          {settings.logoType
            ? <img src={`${invoicingApi.logoUrl(workspaceId)}?v=${version}`} alt="Your logo" className="max-h-16 max-w-36 object-contain" />
            : <span className="text-xs text-stone-500">No logo</span>}
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <label className="inline-flex cursor-pointer items-center rounded-md border border-stone-300 bg-white px-3 py-2 text-sm font-medium text-stone-800 shadow-sm hover:bg-stone-50 focus-within:ring-2 focus-within:ring-stone-500">
            {upload.isPending ? 'Uploading…' : settings.logoType ? 'Replace logo' : 'Upload logo'}
            <input type="file" accept="image/png,image/jpeg" className="sr-only"
              onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; setError(null); if (f) upload.mutate(f); }} />
          </label>
          {settings.logoType ? <Button type="button" variant="secondary" pending={remove.isPending} onClick={() => { setError(null); remove.mutate(); }}>Remove</Button> : null}
        </div>
      </div>
      {error ? <ErrorAlert className="mt-3">{error}</ErrorAlert> : null}
    </Card>
  );
}

function SeriesForm({ workspaceId, disabled }: { workspaceId: string; disabled: boolean }) {
  const queryClient = useQueryClient();
  const [documentType, setType] = useState<DocumentType>('invoice');
  const [prefix, setPrefix] = useState('INV');
  const [digits, setDigits] = useState('4');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () => invoicingApi.createSeries(workspaceId, { documentType, prefix: prefix.trim(), digits: Number(digits) }),
    onSuccess: async () => { await queryClient.invalidateQueries({ queryKey: invoicingKeys.series(workspaceId) }); setPrefix(documentType === 'invoice' ? 'CN' : 'INV'); },
    onError: (e) => { setFields(isApiError(e) ? e.fields : {}); setError(errorMessage(e)); },
  });
  return (
    <form noValidate className="grid gap-3 sm:grid-cols-4 sm:items-end" onSubmit={(e) => { e.preventDefault(); setError(null); setFields({}); save.mutate(); }}>
      <SelectField label="Document" value={documentType} onChange={(e) => setType(e.target.value as DocumentType)} options={[{ value: 'invoice', label: 'Invoice' }, { value: 'quote', label: 'Quote' }, { value: 'credit_note', label: 'Credit note' }]} />
      <TextField label="Prefix" value={prefix} maxLength={16} onChange={(e) => setPrefix(e.target.value)} error={fields.prefix} />
      <SelectField label="Digits" value={digits} onChange={(e) => setDigits(e.target.value)} options={['3', '4', '5', '6'].map((d) => ({ value: d, label: d }))} error={fields.digits} />
      <Button type="submit" variant="secondary" pending={save.isPending} disabled={disabled}>Add series</Button>
      {error ? <ErrorAlert className="sm:col-span-4">{error}</ErrorAlert> : null}
    </form>
  );
}
