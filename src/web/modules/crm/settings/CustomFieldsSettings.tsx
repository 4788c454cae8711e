import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { createCustomFieldBody, customFieldTypes, recordTypes } from '../../../../server/modules/crm/crm.contract';
import { errorMessage, validate } from '../../../lib/api';
import { announce } from '../../../ui/Announcer';
import { ErrorAlert } from '../../../ui/Alert';
import { Button } from '../../../ui/Button';
import { EmptyState } from '../../../ui/EmptyState';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../../ui/Field';
import { Card, PageHeading, SectionHeading } from '../../../ui/PageHeading';
import { SkeletonList } from '../../../ui/Skeleton';
import { Tabs } from '../../../ui/Tabs';
import { useFormErrors } from '../../../ui/useFormErrors';
import { Forbidden } from '../../settings/Forbidden';
import { createCustomField, crmKeys, deleteCustomField, updateCustomField, type CustomField, type RecordType } from '../api';
import { Dialog } from '../Dialog';
import { useCrmRole, useCustomFields } from '../useCrm';

const objectLabels: Record<RecordType, string> = { contacts: 'Contacts', companies: 'Companies', deals: 'Deals' };
export const typeLabels: Record<CustomField['type'], string> = {
  text: 'Text',
  number: 'Number',
  currency: 'Money amount',
  date: 'Date',
  select: 'Choice (one)',
  multi_select: 'Choice (several)',
  checkbox: 'Yes / no',
  url: 'Web address',
  email: 'Email',
  phone: 'Phone',
};
const hasOptions = (t: CustomField['type']) => t === 'select' || t === 'multi_select';
const lines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
/** "Lead source (2)" → "lead_source_2": a key people do not have to invent. */
const keyFrom = (label: string) =>
  label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '')
    .slice(0, 63);

/** CRM-5: typed custom fields per object. */
export function CustomFieldsSettings() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const { canManage, loading } = useCrmRole(workspaceId);
  const [object, setObject] = useState<RecordType>('contacts');
  const fields = useCustomFields(workspaceId, object);
  if (!loading && !canManage) return <Forbidden what="custom field settings" />;
  return (
    <div>
      <PageHeading description="Extra fields on contacts, companies and deals, checked whenever a record is saved.">Custom fields</PageHeading>
      <Tabs label="Record type" tabs={recordTypes.map((t) => ({ key: t, label: objectLabels[t] }))} selected={object} onSelect={setObject}>
        <div className="space-y-6">
          <Card labelledBy="fields-list">
            <SectionHeading id="fields-list">{objectLabels[object]} fields</SectionHeading>
            {fields.isPending ? (
              <SkeletonList rows={2} label="Loading fields…" />
            ) : fields.isError ? (
              <ErrorAlert>{errorMessage(fields.error)}</ErrorAlert>
            ) : fields.data.length === 0 ? (
              <EmptyState title={`No custom fields on ${objectLabels[object].toLowerCase()} yet`}>Add one below, like "Lead source" or "Renewal date".</EmptyState>
            ) : (
              <ul aria-label={`${objectLabels[object]} fields`} className="divide-y divide-stone-200">
                {fields.data.map((f) => (
                  <FieldRow key={f.id} workspaceId={workspaceId} field={f} />
                ))}
              </ul>
            )}
          </Card>
          <NewField key={object} workspaceId={workspaceId} object={object} />
        </div>
      </Tabs>
    </div>
  );
}

function FieldRow({ workspaceId, field }: { workspaceId: string; field: CustomField }) {
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const remove = useMutation({
    mutationFn: () => deleteCustomField(workspaceId, field.id),
    onSuccess: async () => {
      setDeleting(false);
      announce(`Field ${field.label} deleted.`);
      await client.invalidateQueries({ queryKey: crmKeys.fields(workspaceId) });
    },
  });
  return (
    <li className="py-3">
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 flex-1">
          <p className="font-medium text-stone-900">
            {field.label}
            {field.required ? <span className="ml-2 rounded bg-amber-50 px-1.5 py-0.5 text-xs font-medium text-amber-900">Required</span> : null}
          </p>
          <p className="text-sm text-stone-600">
            {typeLabels[field.type]} · <code className="text-xs">{field.key}</code>
            {field.options.length ? ` · ${field.options.join(', ')}` : ''}
          </p>
        </div>
        <div className="flex gap-1">
          <Button variant="ghost" size="sm" aria-expanded={editing} onClick={() => setEditing((v) => !v)}>
            {editing ? 'Close' : 'Edit'}
            <span className="sr-only"> {field.label}</span>
          </Button>
          <Button variant="ghost" size="sm" onClick={() => setDeleting(true)}>
            Delete<span className="sr-only"> {field.label}</span>
          </Button>
        </div>
      </div>
      {editing ? <EditField workspaceId={workspaceId} field={field} onDone={() => setEditing(false)} /> : null}
      <Dialog open={deleting} onClose={() => setDeleting(false)} title={`Delete the field ${field.label}?`} description="Its value is removed from every record. This cannot be undone; the deletion is recorded in the audit log.">
        {remove.isError ? <ErrorAlert className="mb-4">{errorMessage(remove.error)}</ErrorAlert> : null}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" autoFocus onClick={() => setDeleting(false)}>
            Cancel
          </Button>
          <Button variant="danger" pending={remove.isPending} pendingLabel="Deleting…" onClick={() => remove.mutate()}>
            Delete field and values
          </Button>
        </div>
      </Dialog>
    </li>
  );
}

function EditField({ workspaceId, field, onDone }: { workspaceId: string; field: CustomField; onDone: () => void }) {
  const client = useQueryClient();
  const [label, setLabel] = useState(field.label);
  const [options, setOptions] = useState(field.options.join('\n'));
  const [required, setRequired] = useState(field.required);
  const errors = useFormErrors(['label', 'options', 'required']);
  const save = useMutation({
    mutationFn: () => updateCustomField(workspaceId, field.id, { label: label.trim(), required, ...(hasOptions(field.type) ? { options: lines(options) } : {}) }),
    onSuccess: async () => {
      announce(`Field ${label.trim()} saved.`);
      await client.invalidateQueries({ queryKey: crmKeys.fields(workspaceId) });
      onDone();
    },
    onError: (e) => errors.showError(e),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!label.trim()) return errors.showFields({ label: 'Enter a label.' });
    if (hasOptions(field.type) && !lines(options).length) return errors.showFields({ options: 'A choice field needs options.' });
    const removed = field.options.filter((o) => !lines(options).includes(o));
    if (removed.length) errors.setFormError(null);
    errors.clear();
    save.mutate();
  };
  const removed = hasOptions(field.type) ? field.options.filter((o) => !lines(options).includes(o)) : [];
  return (
    <form ref={errors.formRef} onSubmit={submit} noValidate className="mt-3 space-y-3 rounded-md bg-stone-50 p-3">
      {errors.formError ? <ErrorAlert ref={errors.alertRef}>{errors.formError}</ErrorAlert> : null}
      <TextField label="Label" value={label} onChange={(e) => setLabel(e.target.value)} error={errors.fields.label} />
      {hasOptions(field.type) ? (
        <TextAreaField
          label="Options, one per line"
          rows={4}
          value={options}
          onChange={(e) => setOptions(e.target.value)}
          error={errors.fields.options}
          hint={removed.length ? `Records that already have ${removed.join(', ')} keep it until someone edits them.` : undefined}
        />
      ) : null}
      <CheckboxField label="Required" hint="Checked when a record is created or this field is changed; existing records are not." checked={required} onChange={(e) => setRequired(e.target.checked)} />
      <div className="flex gap-2">
        <Button type="submit" size="sm" pending={save.isPending}>
          Save field
        </Button>
        <Button variant="ghost" size="sm" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function NewField({ workspaceId, object }: { workspaceId: string; object: RecordType }) {
  const client = useQueryClient();
  const [label, setLabel] = useState('');
  const [key, setKey] = useState('');
  const [keyTouched, setKeyTouched] = useState(false);
  const [type, setType] = useState<CustomField['type']>('text');
  const [options, setOptions] = useState('');
  const [required, setRequired] = useState(false);
  const errors = useFormErrors(['label', 'key', 'type', 'options', 'required']);
  const create = useMutation({
    mutationFn: (body: Parameters<typeof createCustomField>[1]) => createCustomField(workspaceId, body),
    onSuccess: async (f) => {
      announce(`Field ${f.label} added.`);
      setLabel('');
      setKey('');
      setKeyTouched(false);
      setOptions('');
      setRequired(false);
      await client.invalidateQueries({ queryKey: crmKeys.fields(workspaceId) });
    },
    onError: (e) => errors.showError(e),
  });
  const effectiveKey = keyTouched ? key : keyFrom(label);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(createCustomFieldBody, { object, label, key: effectiveKey, type, required, ...(hasOptions(type) ? { options: lines(options) } : {}) });
    if (!checked.ok) return errors.showFields(checked.fields);
    errors.clear();
    create.mutate(checked.data);
  };
  return (
    <Card labelledBy="new-field">
      <SectionHeading id="new-field">Add a field to {objectLabels[object].toLowerCase()}</SectionHeading>
      <form ref={errors.formRef} onSubmit={submit} noValidate className="space-y-4">
        {errors.formError ? <ErrorAlert ref={errors.alertRef}>{errors.formError}</ErrorAlert> : null}
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label="Label" value={label} onChange={(e) => setLabel(e.target.value)} error={errors.fields.label} />
          <SelectField label="Type" options={customFieldTypes.map((t) => ({ value: t, label: typeLabels[t] }))} value={type} onChange={(e) => setType(e.target.value as CustomField['type'])} error={errors.fields.type} />
          <TextField
            label="Key"
            hint="Used in imports, exports and the API. Fixed once created."
            value={effectiveKey}
            onChange={(e) => {
              setKeyTouched(true);
              setKey(e.target.value);
            }}
            error={errors.fields.key}
          />
          <div className="sm:pt-7">
            <CheckboxField label="Required" checked={required} onChange={(e) => setRequired(e.target.checked)} />
          </div>
        </div>
        {hasOptions(type) ? <TextAreaField label="Options, one per line" rows={4} value={options} onChange={(e) => setOptions(e.target.value)} error={errors.fields.options} /> : null}
        <Button type="submit" pending={create.isPending} pendingLabel="Adding…">
          Add field
        </Button>
      </form>
    </Card>
  );
}
