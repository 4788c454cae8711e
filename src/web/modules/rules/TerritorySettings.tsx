import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { announce } from '../../ui/Announcer';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { SelectField, TextField } from '../../ui/Field';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { useCrmRole, useOwners } from '../crm/useCrm';
import { Forbidden } from '../settings/Forbidden';
import { createTerritoryRule, deleteTerritoryRule, reorderTerritoryRules, rulesKeys, updateTerritoryRule, type TerritoryRule } from './api';
import { useTerritoryRules } from './useRules';

const kinds: { value: TerritoryRule['matchKind']; label: string; hint: string }[] = [
  { value: 'postal_prefix', label: 'Postal code starts with', hint: 'e.g. 94, 950, SW1' },
  { value: 'city', label: 'City is', hint: 'e.g. Austin, Round Rock' },
  { value: 'state', label: 'State is', hint: 'e.g. TX, Texas' },
  { value: 'country', label: 'Country is', hint: 'Two-letter codes, e.g. US, CA' },
];
const kindLabel = (k: TerritoryRule['matchKind']) => kinds.find((x) => x.value === k)!.label;
const splitValues = (s: string) => s.split(',').map((v) => v.trim()).filter(Boolean);

/**
 * CRM-10: territory rules, tried top to bottom when a contact or company is created (or
 * imported) without an owner; the first that matches its address names the owner.
 */
export function TerritorySettings() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const { canManage, loading } = useCrmRole(workspaceId);
  const rules = useTerritoryRules(workspaceId);
  const owners = useOwners(workspaceId);
  const client = useQueryClient();
  const [editing, setEditing] = useState<string | null>(null);
  const reorder = useMutation({
    mutationFn: (ids: string[]) => reorderTerritoryRules(workspaceId, ids),
    onSuccess: (r) => client.setQueryData(rulesKeys.territories(workspaceId), r.rules),
  });
  if (!loading && !canManage) return <Forbidden what="territories" />;
  const ownerName = (id: string) => owners.data?.find((m) => m.userId === id)?.name ?? 'A former member (skipped)';
  const move = (index: number, by: -1 | 1) => {
    const list = [...(rules.data ?? [])];
    const [rule] = list.splice(index, 1);
    list.splice(index + by, 0, rule!);
    client.setQueryData(rulesKeys.territories(workspaceId), list);
    announce(`${rule!.name} moved ${by < 0 ? 'up' : 'down'} to position ${index + by + 1}.`);
    reorder.mutate(list.map((r) => r.id));
  };
  return (
    <div>
      <PageHeading description="When a contact or company is added without an owner — by hand or by import — these rules are tried in order, and the first that matches its address assigns the owner.">
        Territories
      </PageHeading>
      <div className="space-y-6">
        <Card labelledBy="territory-rules">
          <SectionHeading id="territory-rules">Rules in order</SectionHeading>
          {rules.isPending ? (
            <SkeletonList rows={3} label="Loading territories…" />
          ) : rules.isError ? (
            <ErrorAlert>{errorMessage(rules.error)}</ErrorAlert>
          ) : rules.data.length === 0 ? (
            <EmptyState title="No territories yet">Add one below, for example postal codes starting with 94 go to your West Coast rep.</EmptyState>
          ) : (
            <ol aria-label="Territory rules, first match wins" className="divide-y divide-stone-200">
              {rules.data.map((r, i) =>
                editing === r.id ? (
                  <li key={r.id} className="py-3">
                    <TerritoryForm workspaceId={workspaceId} rule={r} onDone={() => setEditing(null)} />
                  </li>
                ) : (
                  <li key={r.id} className="flex flex-wrap items-center gap-3 py-3">
                    <span className="w-6 text-right text-sm font-semibold text-stone-500 tabular-nums" aria-hidden="true">
                      {i + 1}.
                    </span>
                    <div className="min-w-0 flex-1">
                      <p className="font-medium text-stone-900">{r.name}</p>
                      <p className="text-sm text-stone-600">
                        {kindLabel(r.matchKind)} {r.matchValues.join(', ')} → <span className="font-medium">{ownerName(r.ownerUserId)}</span>
                      </p>
                    </div>
                    <div className="flex gap-1">
                      <Button size="sm" variant="ghost" disabled={i === 0 || reorder.isPending} onClick={() => move(i, -1)}>
                        <span aria-hidden="true">↑</span>
                        <span className="sr-only">Move {r.name} up</span>
                      </Button>
                      <Button size="sm" variant="ghost" disabled={i === rules.data.length - 1 || reorder.isPending} onClick={() => move(i, 1)}>
                        <span aria-hidden="true">↓</span>
                        <span className="sr-only">Move {r.name} down</span>
                      </Button>
                      <Button size="sm" variant="secondary" onClick={() => setEditing(r.id)}>
                        Edit<span className="sr-only"> {r.name}</span>
                      </Button>
                      <RemoveButton workspaceId={workspaceId} rule={r} />
                    </div>
                  </li>
                ),
              )}
            </ol>
          )}
          {reorder.isError ? <ErrorAlert className="mt-2">{errorMessage(reorder.error)}</ErrorAlert> : null}
        </Card>
        <Card labelledBy="new-territory">
          <SectionHeading id="new-territory">Add a territory</SectionHeading>
          <TerritoryForm workspaceId={workspaceId} />
        </Card>
      </div>
    </div>
  );
}

function RemoveButton({ workspaceId, rule }: { workspaceId: string; rule: TerritoryRule }) {
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: () => deleteTerritoryRule(workspaceId, rule.id),
    onSuccess: async () => {
      announce(`Territory ${rule.name} removed.`);
      await client.invalidateQueries({ queryKey: rulesKeys.territories(workspaceId) });
    },
  });
  return (
    <Button size="sm" variant="ghost" pending={remove.isPending} pendingLabel="Removing…" onClick={() => remove.mutate()} title={remove.isError ? errorMessage(remove.error) : undefined}>
      Remove<span className="sr-only"> {rule.name}</span>
    </Button>
  );
}

function TerritoryForm({ workspaceId, rule, onDone }: { workspaceId: string; rule?: TerritoryRule; onDone?: () => void }) {
  const client = useQueryClient();
  const owners = useOwners(workspaceId);
  const [name, setName] = useState(rule?.name ?? '');
  const [matchKind, setMatchKind] = useState<TerritoryRule['matchKind']>(rule?.matchKind ?? 'postal_prefix');
  const [values, setValues] = useState(rule?.matchValues.join(', ') ?? '');
  const [ownerUserId, setOwnerUserId] = useState(rule?.ownerUserId ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: () => {
      const body = { name: name.trim(), matchKind, matchValues: splitValues(values), ownerUserId };
      return rule ? updateTerritoryRule(workspaceId, rule.id, body) : createTerritoryRule(workspaceId, body);
    },
    onSuccess: async (r) => {
      announce(rule ? `Territory ${r.name} saved.` : `Territory ${r.name} added at the end.`);
      setErrors({});
      if (!rule) {
        setName('');
        setValues('');
      }
      await client.invalidateQueries({ queryKey: rulesKeys.territories(workspaceId) });
      onDone?.();
    },
    onError: (e) => setErrors(e instanceof ApiError ? e.fields : {}),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!name.trim()) local.name = 'Name the territory.';
    if (!splitValues(values).length) local.matchValues = 'Give at least one value.';
    if (!ownerUserId) local.ownerUserId = 'Choose who gets these records.';
    if (Object.keys(local).length) return setErrors(local);
    save.mutate();
  };
  const kind = kinds.find((k) => k.value === matchKind)!;
  const valuesError = errors.matchValues ?? Object.entries(errors).find(([k]) => k.startsWith('matchValues.'))?.[1];
  return (
    <form onSubmit={submit} noValidate className="grid gap-3 sm:grid-cols-2">
      <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} placeholder="e.g. Bay Area" />
      <SelectField label="Match" value={matchKind} onChange={(e) => setMatchKind(e.target.value as TerritoryRule['matchKind'])} options={kinds} />
      <TextField label="Values" hint={`Separate with commas; ${kind.hint}.`} value={values} onChange={(e) => setValues(e.target.value)} error={valuesError} />
      <SelectField
        label="Owner"
        value={ownerUserId}
        onChange={(e) => setOwnerUserId(e.target.value)}
        error={errors.ownerUserId}
        options={[{ value: '', label: owners.isPending ? 'Loading…' : 'Choose a team member…' }, ...(owners.data ?? []).map((m) => ({ value: m.userId, label: m.name }))]}
      />
      {save.isError && !Object.keys(errors).length ? <ErrorAlert className="sm:col-span-2">{errorMessage(save.error)}</ErrorAlert> : null}
      <div className="flex gap-2 sm:col-span-2">
        <Button type="submit" pending={save.isPending}>
          {rule ? 'Save territory' : 'Add territory'}
        </Button>
        {onDone ? (
          <Button variant="ghost" onClick={onDone}>
            Cancel
          </Button>
        ) : null}
      </div>
    </form>
  );
}
