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
