import { useMutation } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { createWorkspaceBody, updateWorkspaceBody } from '../../../server/modules/workspaces/workspaces.contract';
import { validate } from '../../lib/api';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { SelectField, TextAreaField, TextField } from '../../ui/Field';
import { useFormErrors } from '../../ui/useFormErrors';
import type { CreateWorkspaceInput, Workspace } from './api';
import { browserCountry, browserTimeZone, countryOptions, currencyForCountry, currencyOptions, timeZoneOptions } from './regions';

interface Values {
  name: string;
  legalName: string;
  category: string;
  taxId: string;
  country: string;
  state: string;
  timeZone: string;
  currency: string;
  addressLine1: string;
  addressLine2: string;
  city: string;
  postalCode: string;
  mailingAddress: string;
  zipCodes: string;
  cities: string;
  states: string;
}

const FIELDS = [
  'name',
  'legalName',
  'category',
  'taxId',
  'country',
  'state',
  'timeZone',
  'currency',
  'addressLine1',
  'addressLine2',
  'city',
  'postalCode',
  'mailingAddress',
  'territory.zipCodes',
  'territory.cities',
  'territory.states',
  'territory',
] as const;

function initialValues(workspace: Workspace | undefined): Values {
  if (workspace) {
    return {
      name: workspace.name,
      legalName: workspace.legalName ?? '',
      category: workspace.category ?? '',
      taxId: workspace.taxId ?? '',
      country: workspace.country ?? '',
      state: workspace.state ?? '',
      timeZone: workspace.timeZone,
      currency: workspace.currency,
      addressLine1: workspace.addressLine1 ?? '',
      addressLine2: workspace.addressLine2 ?? '',
      city: workspace.city ?? '',
      postalCode: workspace.postalCode ?? '',
      mailingAddress: workspace.mailingAddress ?? '',
      zipCodes: workspace.territory.zipCodes.join(', '),
      cities: workspace.territory.cities.join(', '),
      states: workspace.territory.states.join(', '),
    };
  }
  const country = browserCountry() ?? '';
  return {
    name: '',
    legalName: '',
    category: '',
    taxId: '',
    country,
    state: '',
    timeZone: browserTimeZone(),
    currency: currencyForCountry(country) ?? 'USD',
    addressLine1: '',
    addressLine2: '',
    city: '',
    postalCode: '',
    mailingAddress: '',
    zipCodes: '',
    cities: '',
    states: '',
  };
}

const list = (text: string) =>
  text
    .split(/[,\n]/)
    .map((part) => part.trim())
    .filter(Boolean);

/** Empty inputs mean "not set": null when editing (to clear), left out when creating. */
function toBody(values: Values, mode: 'create' | 'update'): CreateWorkspaceInput {
  const text = (value: string) => {
    const trimmed = value.trim();
    return trimmed ? trimmed : mode === 'update' ? null : undefined;
  };
  return {
    name: values.name.trim(),
    legalName: text(values.legalName),
    category: text(values.category),
    taxId: text(values.taxId.toUpperCase()),
    country: text(values.country),
    state: text(values.state),
    timeZone: values.timeZone,
    currency: values.currency,
    addressLine1: text(values.addressLine1),
    addressLine2: text(values.addressLine2),
    city: text(values.city),
    postalCode: text(values.postalCode),
    mailingAddress: text(values.mailingAddress),
    territory: { zipCodes: list(values.zipCodes), cities: list(values.cities), states: list(values.states) },
  };
}

/** Drops undefined keys so a strict schema sees only what was given. */
function compact<T extends object>(body: T): T {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as T;
}

interface BusinessProfileFormProps {
  workspace?: Workspace;
  mode: 'create' | 'update';
  submitLabel: string;
  pendingLabel?: string;
  onSubmit: (body: CreateWorkspaceInput) => Promise<Workspace>;
  onSaved?: (workspace: Workspace) => Promise<void> | void;
  readOnly?: boolean;
}

/** WS-1: the business profile and its territory, for onboarding and for settings. */
export function BusinessProfileForm({ workspace, mode, submitLabel, pendingLabel = 'Saving…', onSubmit, onSaved, readOnly = false }: BusinessProfileFormProps) {
  const [values, setValues] = useState<Values>(() => initialValues(workspace));
  const [currencyTouched, setCurrencyTouched] = useState(mode === 'update');
  const [saved, setSaved] = useState(false);
  const errors = useFormErrors(FIELDS);
  const countries = useMemo(() => [{ value: '', label: 'Choose a country…' }, ...countryOptions()], []);
  const currencies = useMemo(() => currencyOptions(), []);
  const zones = useMemo(() => timeZoneOptions(values.timeZone), [values.timeZone]);

  const mutation = useMutation({
    mutationFn: onSubmit,
    onSuccess: async (result) => {
      setSaved(true);
      await onSaved?.(result);
    },
    onError: (error) => errors.showError(error),
  });

  const set = <K extends keyof Values>(key: K) => (event: { target: { value: string } }) => {
    setSaved(false);
    const value = event.target.value;
    setValues((prev) => {
      const next = { ...prev, [key]: value };
      if (key === 'country' && !currencyTouched) next.currency = currencyForCountry(value) ?? prev.currency;
      return next;
    });
    if (key === 'currency') setCurrencyTouched(true);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const body = compact(toBody(values, mode));
    const checked = validate(mode === 'create' ? createWorkspaceBody : updateWorkspaceBody, body);
    if (!checked.ok) return errors.showFields(checked.fields);
    errors.clear();
    mutation.mutate(body);
  };

  const copyAddress = () => {
    const lines = [values.addressLine1, values.addressLine2, [values.city, values.state, values.postalCode].filter(Boolean).join(' '), countries.find((c) => c.value === values.country && c.value)?.label]
      .map((l) => (l ?? '').trim())
      .filter(Boolean);
    setValues((prev) => ({ ...prev, mailingAddress: lines.join('\n') }));
  };

  const f = errors.fields;
  const taxHint = values.country === 'IN' ? 'Your GSTIN: 15 characters, like 29ABCDE1234F1Z5.' : 'GSTIN in India, EIN in the US, VAT number in Europe…';

  return (
    <form ref={errors.formRef} onSubmit={submit} noValidate className="space-y-8">
      {errors.formError ? <ErrorAlert ref={errors.alertRef}>{errors.formError}</ErrorAlert> : null}
      <fieldset disabled={readOnly} className="space-y-8">
        <Group legend="Business" description="How your business appears on invoices, emails and booking pages.">
          <TextField label="Business name" name="name" autoComplete="organization" value={values.name} onChange={set('name')} error={f.name} containerClassName="sm:col-span-2" />
          <TextField label="Legal name" name="legalName" optional value={values.legalName} onChange={set('legalName')} error={f.legalName} />
          <TextField label="Category" name="category" optional placeholder="e.g. Dental clinic, Agency" value={values.category} onChange={set('category')} error={f.category} />
          <TextField label="Tax ID" name="taxId" optional hint={taxHint} value={values.taxId} onChange={set('taxId')} error={f.taxId} className="uppercase" />
        </Group>

        <Group legend="Location" description="Used for dates, times and money across the workspace.">
          <SelectField label="Country" name="country" options={countries} value={values.country} onChange={set('country')} error={f.country} />
          <TextField label="State or province" name="state" optional autoComplete="address-level1" value={values.state} onChange={set('state')} error={f.state} />
          <SelectField label="Time zone" name="timeZone" options={zones} value={values.timeZone} onChange={set('timeZone')} error={f.timeZone} />
          <SelectField label="Currency" name="currency" options={currencies} value={values.currency} onChange={set('currency')} error={f.currency} />
        </Group>

        <Group legend="Address">
          <TextField label="Address line 1" name="addressLine1" optional autoComplete="address-line1" value={values.addressLine1} onChange={set('addressLine1')} error={f.addressLine1} containerClassName="sm:col-span-2" />
          <TextField label="Address line 2" name="addressLine2" optional autoComplete="address-line2" value={values.addressLine2} onChange={set('addressLine2')} error={f.addressLine2} containerClassName="sm:col-span-2" />
          <TextField label="City" name="city" optional autoComplete="address-level2" value={values.city} onChange={set('city')} error={f.city} />
          <TextField label="Postal code" name="postalCode" optional autoComplete="postal-code" value={values.postalCode} onChange={set('postalCode')} error={f.postalCode} />
          <div className="sm:col-span-2">
            <TextAreaField
              label="Mailing address"
              name="mailingAddress"
              optional
              hint="The physical address printed in the footer of marketing emails, as anti-spam laws require."
              value={values.mailingAddress}
              onChange={set('mailingAddress')}
              error={f.mailingAddress}
            />
            {!readOnly ? (
              <Button variant="ghost" size="sm" className="mt-1" onClick={copyAddress}>
                Copy the business address
              </Button>
            ) : null}
          </div>
        </Group>

        <Group legend="Territory" description="Where you do business. Separate entries with commas.">
          <TextField label="Territory zip codes" name="zipCodes" optional placeholder="560001, 560002" value={values.zipCodes} onChange={set('zipCodes')} error={f['territory.zipCodes'] ?? f.territory} containerClassName="sm:col-span-2" />
          <TextField label="Territory cities" name="cities" optional placeholder="Bengaluru, Mysuru" value={values.cities} onChange={set('cities')} error={f['territory.cities']} />
          <TextField label="Territory states" name="states" optional placeholder="Karnataka" value={values.states} onChange={set('states')} error={f['territory.states']} />
        </Group>
      </fieldset>

      {readOnly ? null : (
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" pending={mutation.isPending} pendingLabel={pendingLabel}>
            {submitLabel}
          </Button>
          {saved && mode === 'update' ? <StatusNote className="py-2">Business profile saved.</StatusNote> : null}
        </div>
      )}
    </form>
  );
}

function Group({ legend, description, children }: { legend: string; description?: string; children: ReactNode }) {
  return (
    <fieldset className="min-w-0">
      <legend className="text-base font-semibold text-stone-900">{legend}</legend>
      {description ? <p className="mt-1 text-sm text-stone-600">{description}</p> : null}
      <div className="mt-4 grid gap-4 sm:grid-cols-2">{children}</div>
    </fieldset>
  );
}
