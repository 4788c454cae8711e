import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../../lib/api';
import { ErrorAlert, InfoNote } from '../../ui/Alert';
import { announce } from '../../ui/Announcer';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { TextField } from '../../ui/Field';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { crmKeys } from '../crm/api';
import { RecordPicker } from '../crm/RecordPicker';
import { useCrmRole, useCustomFields, useTags } from '../crm/useCrm';
import { Forbidden } from '../settings/Forbidden';
import { createScoringRule, deleteScoringRule, previewScore, rulesKeys, updateScoringRule, type ScoringCondition, type ScoringRule } from './api';
import { ConditionEditor } from './ConditionEditor';
import { blankCondition, describeCondition } from './conditions';
import { useScoringRules } from './useRules';

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** Trims what the person typed the way the server expects (source lists without blanks). */
const cleaned = (c: ScoringCondition): ScoringCondition => (c.kind === 'source' ? { ...c, values: c.values.map((v) => v.trim()).filter(Boolean) } : c);

/** CRM-10: lead scoring rules — each a condition on a contact and the points it adds or takes away. */
export function ScoringSettings() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const { canManage, loading } = useCrmRole(workspaceId);
  const rules = useScoringRules(workspaceId);
  const [editing, setEditing] = useState<string | null>(null);
  if (!loading && !canManage) return <Forbidden what="lead scoring" />;
  return (
    <div>
      <PageHeading description="A contact's score is the sum of the points of the rules it meets. Scores update when a contact or a rule changes; open a score on a contact to see each rule's points.">
        Lead scoring
      </PageHeading>
      <div className="space-y-6">
        <Card labelledBy="scoring-rules">
          <SectionHeading id="scoring-rules">Rules{rules.data ? ` (${rules.data.length})` : ''}</SectionHeading>
          {rules.isPending ? (
            <SkeletonList rows={3} label="Loading scoring rules…" />
          ) : rules.isError ? (
            <ErrorAlert>{errorMessage(rules.error)}</ErrorAlert>
          ) : rules.data.length === 0 ? (
            <EmptyState title="No scoring rules yet">Add one below, for example “Has an email address: +10”.</EmptyState>
          ) : (
            <ul aria-label="Scoring rules" className="divide-y divide-stone-200">
              {rules.data.map((r) =>
                editing === r.id ? (
                  <li key={r.id} className="py-3">
                    <RuleForm workspaceId={workspaceId} rule={r} onDone={() => setEditing(null)} />
                  </li>
                ) : (
                  <RuleRow key={r.id} workspaceId={workspaceId} rule={r} onEdit={() => setEditing(r.id)} />
                ),
              )}
            </ul>
          )}
        </Card>
        <Card labelledBy="new-scoring-rule">
          <SectionHeading id="new-scoring-rule">Add a rule</SectionHeading>
          <RuleForm workspaceId={workspaceId} />
        </Card>
      </div>
    </div>
  );
}

function useRefresh(workspaceId: string) {
  const client = useQueryClient();
  // Every score may have changed: rules, record pages and table columns all refetch.
  return () => Promise.all([client.invalidateQueries({ queryKey: rulesKeys.all(workspaceId) }), client.invalidateQueries({ queryKey: crmKeys.all(workspaceId) })]);
}

function RuleRow({ workspaceId, rule, onEdit }: { workspaceId: string; rule: ScoringRule; onEdit: () => void }) {
  const tags = useTags(workspaceId);
  const fields = useCustomFields(workspaceId, 'contacts');
  const refresh = useRefresh(workspaceId);
  const toggle = useMutation({
    mutationFn: () => updateScoringRule(workspaceId, rule.id, { enabled: !rule.enabled }),
    onSuccess: async (r) => {
      announce(`Rule ${r.label} ${r.enabled ? 'turned on' : 'turned off'}.`);
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteScoringRule(workspaceId, rule.id),
    onSuccess: async () => {
      announce(`Rule ${rule.label} removed.`);
      await refresh();
    },
  });
  return (
    <li className="flex flex-wrap items-center gap-3 py-3">
      <span className={`w-14 shrink-0 rounded-full px-2 py-0.5 text-center text-sm font-semibold tabular-nums ${rule.points < 0 ? 'bg-red-100 text-red-800' : 'bg-teal-100 text-teal-900'}`}>{signed(rule.points)}</span>
      <div className={`min-w-0 flex-1 ${rule.enabled ? '' : 'opacity-60'}`}>
        <p className="font-medium text-stone-900">
          {rule.label}
          {rule.enabled ? null : <span className="ml-2 text-xs font-normal text-stone-500">(off)</span>}
        </p>
        <p className="text-sm text-stone-600">{describeCondition(rule.condition as ScoringCondition, tags.data, fields.data)}</p>
      </div>
      <div className="flex gap-1">
        <Button size="sm" variant="ghost" pending={toggle.isPending} pendingLabel="…" onClick={() => toggle.mutate()}>
          {rule.enabled ? 'Turn off' : 'Turn on'}
          <span className="sr-only"> {rule.label}</span>
        </Button>
        <Button size="sm" variant="secondary" onClick={onEdit}>
          Edit<span className="sr-only"> {rule.label}</span>
        </Button>
        <Button size="sm" variant="ghost" pending={remove.isPending} pendingLabel="Removing…" onClick={() => remove.mutate()}>
          Remove<span className="sr-only"> {rule.label}</span>
        </Button>
      </div>
      {toggle.isError || remove.isError ? <ErrorAlert className="w-full">{errorMessage(toggle.error ?? remove.error)}</ErrorAlert> : null}
    </li>
  );
}

function RuleForm({ workspaceId, rule, onDone }: { workspaceId: string; rule?: ScoringRule; onDone?: () => void }) {
  const refresh = useRefresh(workspaceId);
  const [label, setLabel] = useState(rule?.label ?? '');
  const [points, setPoints] = useState(String(rule?.points ?? 10));
  const [condition, setCondition] = useState<ScoringCondition>((rule?.condition as ScoringCondition | undefined) ?? blankCondition('has_email'));
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [previewContact, setPreviewContact] = useState('');
  const save = useMutation({
    mutationFn: () => {
      const body = { label: label.trim(), points: Number(points), condition: cleaned(condition) };
      return rule ? updateScoringRule(workspaceId, rule.id, body) : createScoringRule(workspaceId, body);
    },
    onSuccess: async (r) => {
      announce(rule ? `Rule ${r.label} saved; scores updated.` : `Rule ${r.label} added; scores updated.`);
      setFieldErrors({});
      if (!rule) {
        setLabel('');
        setCondition(blankCondition('has_email'));
      }
      await refresh();
      onDone?.();
    },
    onError: (e) => setFieldErrors(e instanceof ApiError ? e.fields : {}),
  });
  const preview = useMutation({ mutationFn: () => previewScore(workspaceId, { contactId: previewContact, condition: cleaned(condition), points: Number(points) }) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!label.trim()) local.label = 'Describe the rule.';
    if (!/^-?\d+$/.test(points.trim())) local.points = 'Use a whole number, e.g. 10 or -5.';
    if (Object.keys(local).length) return setFieldErrors(local);
    save.mutate();
  };
  const otherError = save.error && !Object.keys(fieldErrors).length ? errorMessage(save.error) : null;
  return (
    <form onSubmit={submit} noValidate className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-[1fr_8rem]">
        <TextField label="Label" value={label} onChange={(e) => setLabel(e.target.value)} error={fieldErrors.label} placeholder="e.g. Decision maker" />
        <TextField label="Points" inputMode="numeric" value={points} onChange={(e) => setPoints(e.target.value)} error={fieldErrors.points} hint="Negative takes away." />
      </div>
      <ConditionEditor workspaceId={workspaceId} value={condition} onChange={setCondition} errors={fieldErrors} />
      {otherError ? <ErrorAlert>{otherError}</ErrorAlert> : null}
      <details className="rounded-md border border-stone-200 p-3">
        <summary className="cursor-pointer text-sm font-medium text-stone-800">Try it on a contact</summary>
        <div className="mt-3 flex flex-wrap items-end gap-2">
          <div className="min-w-56 flex-1">
            <RecordPicker workspaceId={workspaceId} kind="contact" label="Contact" value={previewContact} onChange={(id) => setPreviewContact(id)} />
          </div>
          <Button size="sm" variant="secondary" disabled={!previewContact} pending={preview.isPending} pendingLabel="Checking…" onClick={() => preview.mutate()}>
            Check
          </Button>
        </div>
        {preview.data ? (
          <InfoNote className="mt-2">
            {preview.data.matched
              ? `This contact meets the rule: ${preview.data.currentScore} → ${preview.data.newScore} points.`
              : `This contact does not meet the rule; it stays at ${preview.data.currentScore} points.`}
          </InfoNote>
        ) : null}
        {preview.isError ? <ErrorAlert className="mt-2">{errorMessage(preview.error)}</ErrorAlert> : null}
      </details>
      <div className="flex gap-2">
        <Button type="submit" pending={save.isPending}>
          {rule ? 'Save rule' : 'Add rule'}
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
