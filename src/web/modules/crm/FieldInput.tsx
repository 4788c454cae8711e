import { useId, useMemo } from 'react';
import { CheckboxField, inputClass, SelectField, TextAreaField, TextField } from '../../ui/Field';
import { countryOptions, currencyOptions } from '../workspaces/regions';
import type { FieldDef, FormValue } from './fields';
import { timeZoneOptions } from './format';
import { RecordPicker } from './RecordPicker';
import { useOwners } from './useCrm';

interface Props {
  workspaceId: string;
  def: FieldDef<never>;
  value: FormValue;
  onChange: (value: FormValue) => void;
  error?: string | undefined;
  disabled?: boolean;
}

const asText = (v: FormValue) => (typeof v === 'string' ? v : '');

/** One form control for a field descriptor, with its label, hint and error. */
export function FieldInput({ workspaceId, def, value, onChange, error, disabled }: Props) {
  const label = def.required ? `${def.label} *` : def.label;
  const common = { label, hint: def.hint, error, disabled, name: def.key };
  switch (def.input) {
    case 'checkbox':
      return <CheckboxField label={def.label} hint={def.hint} error={error} disabled={disabled} name={def.key} checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
    case 'lines':
      return <TextAreaField {...common} rows={2} value={asText(value)} onChange={(e) => onChange(e.target.value)} />;
    case 'select':
      return <SelectField {...common} options={def.options ?? []} value={asText(value)} onChange={(e) => onChange(e.target.value)} />;
    case 'multi':
      return <MultiSelect label={label} options={def.options ?? []} value={Array.isArray(value) ? value : []} onChange={onChange} error={error} disabled={disabled} />;
    case 'owner':
      return <OwnerSelect workspaceId={workspaceId} {...common} value={asText(value)} onChange={onChange} />;
    case 'company':
    case 'contact':
      return <RecordPicker workspaceId={workspaceId} kind={def.input} label={def.label} value={asText(value)} onChange={(id) => onChange(id)} error={error} disabled={disabled} hint={def.hint} />;
    case 'timezone':
      return <ChoiceSelect {...common} value={asText(value)} onChange={onChange} choices={timeZoneOptions} empty="Not set" />;
    case 'country':
      return <ChoiceSelect {...common} value={asText(value)} onChange={onChange} choices={countryOptions} empty="Not set" />;
    case 'currency':
      return <ChoiceSelect {...common} value={asText(value)} onChange={onChange} choices={currencyOptions} />;
    case 'number':
      return <TextField {...common} inputMode="decimal" value={asText(value)} onChange={(e) => onChange(e.target.value)} />;
    case 'date':
      return <TextField {...common} type="date" value={asText(value)} onChange={(e) => onChange(e.target.value)} />;
    case 'email':
    case 'tel':
    case 'url':
      return <TextField {...common} type={def.input} autoComplete="off" value={asText(value)} onChange={(e) => onChange(e.target.value)} />;
    case 'text':
      return <TextField {...common} autoComplete={def.autoComplete ?? 'off'} value={asText(value)} onChange={(e) => onChange(e.target.value)} />;
  }
}

function ChoiceSelect({
  choices,
  empty,
  value,
  onChange,
  ...rest
}: { label: string; hint?: string | undefined; error?: string | undefined; disabled?: boolean | undefined; name: string; value: string; onChange: (v: string) => void; choices: () => { value: string; label: string }[]; empty?: string }) {
  const options = useMemo(() => {
    const list = choices();
    // A stored value the browser does not list (an old zone name, say) still shows.
    if (value && !list.some((o) => o.value === value)) list.unshift({ value, label: value });
    return empty === undefined ? list : [{ value: '', label: empty }, ...list];
  }, [choices, empty, value]);
  return <SelectField {...rest} options={options} value={value} onChange={(e) => onChange(e.target.value)} />;
}

export function OwnerSelect({
  workspaceId,
  value,
  onChange,
  ...rest
}: { workspaceId: string; label: string; hint?: string | undefined; error?: string | undefined; disabled?: boolean | undefined; name?: string; value: string; onChange: (v: string) => void }) {
  const owners = useOwners(workspaceId);
  const options = [{ value: '', label: owners.isPending ? 'Loading team…' : 'No owner' }, ...(owners.data ?? []).map((m) => ({ value: m.userId, label: m.name }))];
  if (value && !options.some((o) => o.value === value)) options.push({ value, label: 'Former member' });
  return <SelectField {...rest} options={options} value={value} onChange={(e) => onChange(e.target.value)} />;
}

function MultiSelect({
  label,
  options,
  value,
  onChange,
  error,
  disabled,
}: {
  label: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  value: string[];
  onChange: (v: string[]) => void;
  error?: string | undefined;
  disabled?: boolean | undefined;
}) {
  const id = useId();
  return (
    <fieldset aria-describedby={error ? `${id}-error` : undefined} aria-invalid={error ? true : undefined}>
      <legend className="mb-1 block text-sm font-medium text-stone-800">{label}</legend>
      <div className={`${inputClass} flex flex-wrap gap-x-4 gap-y-1`}>
        {options.map((o) => (
          <label key={o.value} className="flex items-center gap-1.5 text-sm">
            <input
              type="checkbox"
              className="size-4 accent-teal-700"
              checked={value.includes(o.value)}
              disabled={disabled}
              onChange={(e) => onChange(e.target.checked ? [...value, o.value] : value.filter((v) => v !== o.value))}
            />
            {o.label}
          </label>
        ))}
      </div>
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
