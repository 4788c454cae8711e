import { inputClass, SelectField, TextField } from '../../ui/Field';
import { useCustomFields, useTags } from '../crm/useCrm';
import type { ScoringCondition } from './api';
import { blankCondition, conditionKinds, contactFields, customOperators, lifecycles, needsValue, operatorLabels, textOperators } from './conditions';

/** CRM-10: edits one scoring condition; errors arrive keyed as the server names them (`condition.value`). */
export function ConditionEditor({ workspaceId, value, onChange, errors }: { workspaceId: string; value: ScoringCondition; onChange: (c: ScoringCondition) => void; errors: Record<string, string> }) {
  const tags = useTags(workspaceId);
  const fields = useCustomFields(workspaceId, 'contacts');
  const err = (key: string) => errors[`condition.${key}`];
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <SelectField label="When" value={value.kind} onChange={(e) => onChange(blankCondition(e.target.value as ScoringCondition['kind']))} options={conditionKinds} error={err('kind')} />
      {value.kind === 'field' ? (
        <>
          <SelectField label="Field" value={value.field} onChange={(e) => onChange({ ...value, field: e.target.value as typeof value.field })} options={contactFields.map((f) => ({ value: f.value, label: f.label }))} />
          <SelectField label="Test" value={value.operator} onChange={(e) => onChange({ ...value, operator: e.target.value as typeof value.operator })} options={textOperators.map((o) => ({ value: o, label: operatorLabels[o]! }))} />
          {needsValue(value.operator) ? <TextField label="Value" value={value.value ?? ''} onChange={(e) => onChange({ ...value, value: e.target.value })} error={err('value')} /> : null}
        </>
      ) : null}
      {value.kind === 'custom' ? (
        <>
          <SelectField
            label="Custom field"
            value={value.key}
            onChange={(e) => onChange({ ...value, key: e.target.value })}
            options={[{ value: '', label: fields.isPending ? 'Loading…' : (fields.data?.length ?? 0) ? 'Choose a field…' : 'No contact custom fields yet' }, ...(fields.data ?? []).map((f) => ({ value: f.key, label: f.label }))]}
            error={err('key')}
          />
          <SelectField label="Test" value={value.operator} onChange={(e) => onChange({ ...value, operator: e.target.value as typeof value.operator })} options={customOperators.map((o) => ({ value: o, label: operatorLabels[o]! }))} />
          {needsValue(value.operator) ? <TextField label="Value" value={value.value ?? ''} onChange={(e) => onChange({ ...value, value: e.target.value })} error={err('value')} /> : null}
        </>
      ) : null}
      {value.kind === 'tag' ? (
        <SelectField
          label="Tag"
          value={value.tagId}
          onChange={(e) => onChange({ ...value, tagId: e.target.value })}
          options={[{ value: '', label: tags.isPending ? 'Loading…' : (tags.data?.length ?? 0) ? 'Choose a tag…' : 'No tags yet' }, ...(tags.data ?? []).map((t) => ({ value: t.id, label: t.name }))]}
          error={err('tagId')}
        />
      ) : null}
      {value.kind === 'lifecycle' ? (
        <fieldset>
          <legend className="mb-1 block text-sm font-medium text-stone-800">Stages</legend>
          <div className="flex flex-wrap gap-3">
            {lifecycles.map((l) => (
              <label key={l} className="inline-flex items-center gap-1.5 text-sm text-stone-800">
                <input
                  type="checkbox"
                  className="size-4 accent-teal-700"
                  checked={value.values.includes(l)}
                  onChange={(e) => onChange({ ...value, values: e.target.checked ? [...value.values, l] : value.values.filter((v) => v !== l) })}
                />
                {l}
              </label>
            ))}
          </div>
          {err('values') ? <p className="mt-1 text-sm text-red-700">{err('values')}</p> : null}
        </fieldset>
      ) : null}
      {value.kind === 'source' ? (
        <TextField
          label="Sources"
          hint="Separate several with commas, e.g. referral, website."
          value={value.values.join(', ')}
          onChange={(e) => onChange({ ...value, values: e.target.value.split(',').map((s) => s.trimStart()) })}
          onBlur={() => onChange({ ...value, values: value.values.map((s) => s.trim()).filter(Boolean) })}
          error={err('values')}
        />
      ) : null}
      {value.kind === 'recent_activity' ? (
        <label className="block text-sm font-medium text-stone-800">
          Within the last (days)
          <input type="number" min={1} max={3650} className={`${inputClass} mt-1`} value={value.days} onChange={(e) => onChange({ ...value, days: Number(e.target.value) })} aria-invalid={err('days') ? true : undefined} />
          {err('days') ? <span className="mt-1 block text-sm font-normal text-red-700">{err('days')}</span> : null}
        </label>
      ) : null}
    </div>
  );
}
