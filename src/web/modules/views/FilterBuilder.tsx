import { useId } from 'react';
import { opLabels, valueShape } from '../../../server/modules/views/views.contract';
import { buttonClass } from '../../ui/Button';
import { inputClass } from '../../ui/Field';
import { RecordPicker } from '../crm/RecordPicker';
import { useOwners, usePipelines, useTags } from '../crm/useCrm';
import type { FilterCondition, FilterGroup, FilterOp, ViewField } from './api';

/**
 * CRM-6 filter builder: a group of conditions matched all (AND) or any (OR), with nested
 * groups one level down. Operators and value inputs follow the chosen field's type.
 */

type Node = FilterCondition | FilterGroup;
const isGroup = (n: Node): n is FilterGroup => 'conditions' in n;
const small = `${inputClass} !w-auto !py-1.5`;

export function emptyCondition(fields: ViewField[]): FilterCondition {
  const field = fields[0]!;
  return { field: field.key, op: field.ops[0]!, value: defaultValue(field, field.ops[0]!) };
}

function defaultValue(field: ViewField, op: FilterOp): unknown {
  const shape = valueShape(op);
  if (shape === 'none') return undefined;
  if (shape === 'days') return 14;
  if (shape === 'list') return [];
  if (shape === 'range') return field.kind === 'number' ? [0, 0] : ['', ''];
  if (field.kind === 'user') return 'me';
  if (field.kind === 'enum' && field.options?.length) return field.options[0];
  return field.kind === 'number' ? 0 : '';
}

export function FilterBuilder({ workspaceId, fields, value, onChange, errors }: { workspaceId: string; fields: ViewField[]; value: FilterGroup; onChange: (next: FilterGroup) => void; errors?: Record<string, string> }) {
  return <GroupEditor workspaceId={workspaceId} fields={fields} group={value} onChange={onChange} depth={0} path="view.filter" errors={errors ?? {}} />;
}

function GroupEditor({ workspaceId, fields, group, onChange, depth, path, errors, onRemove }: { workspaceId: string; fields: ViewField[]; group: FilterGroup; onChange: (g: FilterGroup) => void; depth: number; path: string; errors: Record<string, string>; onRemove?: () => void }) {
  const matchId = useId();
  const set = (i: number, node: Node) => onChange({ ...group, conditions: group.conditions.map((c, j) => (j === i ? node : c)) });
  const remove = (i: number) => onChange({ ...group, conditions: group.conditions.filter((_, j) => j !== i) });
  return (
    <fieldset className={depth ? 'rounded-md border border-stone-200 bg-stone-50 p-3' : ''}>
      <legend className="sr-only">{depth ? 'Condition group' : 'Filters'}</legend>
      <div className="mb-2 flex flex-wrap items-center gap-2 text-sm text-stone-700">
        <label htmlFor={matchId}>Match</label>
        <select id={matchId} className={small} value={group.match} onChange={(e) => onChange({ ...group, match: e.target.value as 'all' | 'any' })}>
          <option value="all">all of these (AND)</option>
          <option value="any">any of these (OR)</option>
        </select>
        {onRemove ? (
          <button type="button" className={`${buttonClass('ghost', 'sm')} ml-auto`} onClick={onRemove}>
            Remove group
          </button>
        ) : null}
      </div>
      <ul className="space-y-2">
        {group.conditions.map((node, i) => (
          <li key={i}>
            {isGroup(node) ? (
              <GroupEditor workspaceId={workspaceId} fields={fields} group={node} onChange={(g) => set(i, g)} depth={depth + 1} path={`${path}.conditions.${i}`} errors={errors} onRemove={() => remove(i)} />
            ) : (
              <ConditionEditor workspaceId={workspaceId} fields={fields} condition={node} onChange={(c) => set(i, c)} onRemove={() => remove(i)} path={`${path}.conditions.${i}`} errors={errors} />
            )}
          </li>
        ))}
      </ul>
      {group.conditions.length === 0 ? <p className="text-sm text-stone-500">No conditions yet: every record shows.</p> : null}
      <div className="mt-2 flex flex-wrap gap-2">
        <button type="button" className={buttonClass('secondary', 'sm')} onClick={() => onChange({ ...group, conditions: [...group.conditions, emptyCondition(fields)] })}>
          + Condition
        </button>
        {depth === 0 ? (
          <button type="button" className={buttonClass('ghost', 'sm')} onClick={() => onChange({ ...group, conditions: [...group.conditions, { match: group.match === 'all' ? 'any' : 'all', conditions: [emptyCondition(fields)] }] })}>
            + Group
          </button>
        ) : null}
      </div>
    </fieldset>
  );
}

function ConditionEditor({ workspaceId, fields, condition, onChange, onRemove, path, errors }: { workspaceId: string; fields: ViewField[]; condition: FilterCondition; onChange: (c: FilterCondition) => void; onRemove: () => void; path: string; errors: Record<string, string> }) {
  const id = useId();
  const field = fields.find((f) => f.key === condition.field);
  const error = Object.entries(errors).find(([k]) => k === path || k.startsWith(`${path}.`))?.[1];
  const pickField = (key: string) => {
    const next = fields.find((f) => f.key === key)!;
    const op = next.ops.includes(condition.op) ? condition.op : next.ops[0]!;
    onChange({ field: key, op, value: defaultValue(next, op) });
  };
  return (
    <div>
      <div className="flex flex-wrap items-center gap-2">
        <label className="sr-only" htmlFor={`${id}-field`}>
          Field
        </label>
        <select id={`${id}-field`} className={small} value={condition.field} onChange={(e) => pickField(e.target.value)}>
          {!field ? <option value={condition.field}>{condition.field} (unknown)</option> : null}
          {fields.map((f) => (
            <option key={f.key} value={f.key}>
              {f.label}
              {f.custom ? ' (custom)' : ''}
            </option>
          ))}
        </select>
        <label className="sr-only" htmlFor={`${id}-op`}>
          Condition
        </label>
        <select id={`${id}-op`} className={small} value={condition.op} onChange={(e) => field && onChange({ ...condition, op: e.target.value as FilterOp, value: defaultValue(field, e.target.value as FilterOp) })}>
          {(field?.ops ?? [condition.op]).map((op) => (
            <option key={op} value={op}>
              {field?.key === 'lastActivityAt' && op === 'older_than_days' ? 'not in the last N days' : opLabels[op]}
            </option>
          ))}
        </select>
        {field ? <ValueInput workspaceId={workspaceId} id={`${id}-value`} field={field} op={condition.op} value={condition.value} onChange={(value) => onChange({ ...condition, value })} invalid={!!error} /> : null}
        <button type="button" className={buttonClass('ghost', 'sm')} onClick={onRemove} aria-label={`Remove condition on ${field?.label ?? condition.field}`}>
          ✕
        </button>
      </div>
      {error ? (
        <p className="mt-1 text-sm text-red-700" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function ValueInput({ workspaceId, id, field, op, value, onChange, invalid }: { workspaceId: string; id: string; field: ViewField; op: FilterOp; value: unknown; onChange: (v: unknown) => void; invalid: boolean }) {
  const shape = valueShape(op);
  if (shape === 'none') return null;
  const label = (
    <label className="sr-only" htmlFor={id}>
      Value for {field.label}
    </label>
  );
  if (shape === 'days') {
    return (
      <span className="flex items-center gap-1 text-sm">
        {label}
        <input id={id} type="number" min={0} max={36500} className={`${small} w-20`} value={Number(value ?? 0)} onChange={(e) => onChange(Math.max(0, Math.round(Number(e.target.value))))} aria-invalid={invalid || undefined} />
        days
      </span>
    );
  }
  if (shape === 'list') {
    if (field.kind === 'tags') return <TagChoices workspaceId={workspaceId} value={(value as string[]) ?? []} onChange={onChange} />;
    if (field.kind === 'user') return <OwnerChoices workspaceId={workspaceId} multiple value={(value as string[]) ?? []} onChange={onChange} id={id} />;
    if (field.options?.length) return <Choices options={field.options.map((o) => ({ value: o, label: o }))} value={(value as string[]) ?? []} onChange={onChange} />;
    return (
      <>
        {label}
        <input id={id} className={small} placeholder="Comma-separated" defaultValue={((value as unknown[]) ?? []).join(', ')} onBlur={(e) => onChange(e.target.value.split(',').map((s) => s.trim()).filter(Boolean))} aria-invalid={invalid || undefined} />
      </>
    );
  }
  if (shape === 'range') {
    const [a, b] = (value as [unknown, unknown]) ?? ['', ''];
    const type = field.kind === 'number' ? 'number' : 'date';
    const cast = (v: string) => (type === 'number' ? Number(v) : v);
    return (
      <span className="flex items-center gap-1 text-sm">
        <label className="sr-only" htmlFor={`${id}-from`}>
          {field.label} from
        </label>
        <input id={`${id}-from`} type={type} className={small} value={String(a ?? '')} onChange={(e) => onChange([cast(e.target.value), b])} aria-invalid={invalid || undefined} />
        and
        <label className="sr-only" htmlFor={`${id}-to`}>
          {field.label} to
        </label>
        <input id={`${id}-to`} type={type} className={small} value={String(b ?? '')} onChange={(e) => onChange([a, cast(e.target.value)])} aria-invalid={invalid || undefined} />
      </span>
    );
  }
  if (field.kind === 'user') return <OwnerChoices workspaceId={workspaceId} value={String(value ?? 'me')} onChange={onChange} id={id} />;
  if (field.kind === 'ref' && (field.ref === 'companies' || field.ref === 'contacts')) {
    return (
      <div className="min-w-56">
        <RecordPicker workspaceId={workspaceId} kind={field.ref === 'companies' ? 'company' : 'contact'} label={`${field.label} to match`} value={String(value ?? '')} onChange={(picked) => onChange(picked)} />
      </div>
    );
  }
  if (field.kind === 'ref') return <StageChoice workspaceId={workspaceId} id={id} kind={field.ref === 'pipelines' ? 'pipelines' : 'stages'} value={String(value ?? '')} onChange={onChange} />;
  if (field.kind === 'enum' && field.options?.length) {
    return (
      <>
        {label}
        <select id={id} className={small} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)}>
          {field.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </>
    );
  }
  const type = field.kind === 'number' ? 'number' : field.kind === 'date' || field.kind === 'datetime' ? 'date' : 'text';
  return (
    <>
      {label}
      <input
        id={id}
        type={type}
        className={small}
        value={String(value ?? '')}
        placeholder={field.key === 'postalCode' ? 'e.g. 94' : undefined}
        onChange={(e) => onChange(type === 'number' ? Number(e.target.value) : e.target.value)}
        aria-invalid={invalid || undefined}
      />
    </>
  );
}

function Choices({ options, value, onChange }: { options: { value: string; label: string }[]; value: string[]; onChange: (v: string[]) => void }) {
  const toggle = (v: string) => onChange(value.includes(v) ? value.filter((x) => x !== v) : [...value, v]);
  return (
    <span className="flex max-w-full flex-wrap gap-x-3 gap-y-1 text-sm">
      {options.map((o) => (
        <label key={o.value} className="inline-flex items-center gap-1">
          <input type="checkbox" className="size-4 accent-teal-700" checked={value.includes(o.value)} onChange={() => toggle(o.value)} />
          {o.label}
        </label>
      ))}
      {options.length === 0 ? <span className="text-stone-500">Nothing to choose from yet.</span> : null}
    </span>
  );
}

function TagChoices({ workspaceId, value, onChange }: { workspaceId: string; value: string[]; onChange: (v: string[]) => void }) {
  const tags = useTags(workspaceId);
  if (tags.isPending) return <span className="text-sm text-stone-500">Loading tags…</span>;
  return <Choices options={(tags.data ?? []).map((t) => ({ value: t.id, label: t.name }))} value={value} onChange={onChange} />;
}

function OwnerChoices({ workspaceId, value, onChange, id, multiple }: { workspaceId: string; value: string | string[]; onChange: (v: unknown) => void; id: string; multiple?: boolean }) {
  const owners = useOwners(workspaceId);
  const options = [{ value: 'me', label: 'Me' }, ...(owners.data ?? []).map((m) => ({ value: m.userId, label: m.name }))];
  if (multiple) return <Choices options={options} value={value as string[]} onChange={onChange} />;
  return (
    <>
      <label className="sr-only" htmlFor={id}>
        Owner
      </label>
      <select id={id} className={small} value={value as string} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </>
  );
}

function StageChoice({ workspaceId, id, kind, value, onChange }: { workspaceId: string; id: string; kind: 'pipelines' | 'stages'; value: string; onChange: (v: string) => void }) {
  const pipelines = usePipelines(workspaceId);
  const options =
    kind === 'pipelines' ? (pipelines.data ?? []).map((p) => ({ value: p.id, label: p.name })) : (pipelines.data ?? []).flatMap((p) => p.stages.map((s) => ({ value: s.id, label: `${p.name} · ${s.name}` })));
  return (
    <>
      <label className="sr-only" htmlFor={id}>
        {kind === 'pipelines' ? 'Pipeline' : 'Stage'}
      </label>
      <select id={id} className={small} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Choose…</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </>
  );
}
