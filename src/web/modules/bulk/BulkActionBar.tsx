import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { ViewDefinition } from '../../../server/modules/views/views.contract';
import { ApiError, errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { announce } from '../../ui/Announcer';
import { Button } from '../../ui/Button';
import { inputClass } from '../../ui/Field';
import { Dialog } from '../crm/Dialog';
import { useCrmRole, useOwners, usePipelines, useTags } from '../crm/useCrm';
import { startBulkOperation, type BulkAction, type BulkOperation, type RecordType } from './api';
import { BulkProgress } from './BulkProgress';
import { useBulkOperation } from './useBulkOperation';

export type BulkSelectionInput = { kind: 'ids'; ids: string[] } | { kind: 'view'; view: ViewDefinition };

type Kind = BulkAction['kind'];
const nouns: Record<RecordType, [string, string]> = { contacts: ['contact', 'contacts'], companies: ['company', 'companies'], deals: ['deal', 'deals'] };
const lifecycles = ['lead', 'prospect', 'customer', 'churned'] as const;

/**
 * CRM-9: actions on the ticked rows or on every row of a filtered view — tag, untag, assign,
 * change lifecycle (contacts) or stage (deals), delete (owners and admins) — run as a background
 * job with a progress bar. `count` is how many rows the selection covers, when known, for the wording.
 */
export function BulkActionBar({
  workspaceId,
  object,
  selection,
  count,
  onDone,
}: {
  workspaceId: string;
  object: RecordType;
  selection: BulkSelectionInput;
  count?: number | null;
  onDone?: () => void;
}) {
  const role = useCrmRole(workspaceId);
  const client = useQueryClient();
  const [kind, setKind] = useState<Kind | null>(null);
  const [started, setStarted] = useState<BulkOperation | null>(null);
  const op = useBulkOperation(workspaceId, started?.id ?? null, started ?? undefined);
  const [one, many] = nouns[object];
  const size = selection.kind === 'ids' ? selection.ids.length : (count ?? null);
  const what = size === null ? `all matching ${many}` : `${size.toLocaleString()} ${size === 1 ? one : many}`;
  const current = op.data ?? started;
  const finished = current && (current.status === 'done' || current.status === 'failed');

  useEffect(() => {
    if (!finished || !current) return;
    announce(current.status === 'done' ? `Bulk change finished: ${current.done} ${many} changed${current.failed ? `, ${current.failed} failed` : ''}.` : `Bulk change stopped: ${current.error ?? 'an error occurred'}.`);
    // Tables, boards and record pages all may show changed rows.
    void client.invalidateQueries({ predicate: (q) => q.queryKey.includes(workspaceId) && q.queryKey[0] !== 'bulk' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [finished]);

  if (!role.canEdit) return null;
  const actions: { kind: Kind; label: string }[] = [
    { kind: 'tag', label: 'Tag' },
    { kind: 'untag', label: 'Remove tag' },
    { kind: 'assign', label: 'Assign' },
    ...(object === 'contacts' ? [{ kind: 'lifecycle' as const, label: 'Lifecycle' }] : []),
    ...(object === 'deals' ? [{ kind: 'stage' as const, label: 'Move to stage' }] : []),
    ...(role.canManage ? [{ kind: 'delete' as const, label: 'Delete' }] : []),
  ];

  if (current && !finished) {
    return (
      <div className="flex w-full flex-wrap items-center gap-3" aria-live="polite">
        <BulkProgress op={current} noun={many} />
      </div>
    );
  }

  return (
    <div className="flex flex-wrap items-center gap-2">
      {current && finished ? (
        <div className="flex w-full flex-wrap items-center gap-2">
          <BulkProgress op={current} noun={many} />
          <Button
            size="sm"
            variant="ghost"
            onClick={() => {
              setStarted(null);
              onDone?.();
            }}
          >
            Dismiss
          </Button>
        </div>
      ) : null}
      <div role="group" aria-label={`Bulk actions on ${what}`} className="flex flex-wrap gap-1">
        {actions.map((a) => (
          <Button key={a.kind} size="sm" variant={a.kind === 'delete' ? 'danger' : kind === a.kind ? 'primary' : 'secondary'} aria-pressed={a.kind === 'delete' ? undefined : kind === a.kind} onClick={() => setKind(kind === a.kind ? null : a.kind)}>
            {a.label}
          </Button>
        ))}
      </div>
      {kind && kind !== 'delete' ? (
        <ActionForm
          workspaceId={workspaceId}
          object={object}
          kind={kind}
          what={what}
          selection={selection}
          onStarted={(o) => {
            setKind(null);
            setStarted(o);
            announce(`Bulk change started on ${o.total} ${many}.`);
          }}
          onCancel={() => setKind(null)}
        />
      ) : null}
      <DeleteDialog
        open={kind === 'delete'}
        workspaceId={workspaceId}
        object={object}
        what={what}
        selection={selection}
        onClose={() => setKind(null)}
        onStarted={(o) => {
          setKind(null);
          setStarted(o);
        }}
      />
    </div>
  );
}

function useStart(workspaceId: string, object: RecordType, selection: BulkSelectionInput, onStarted: (o: BulkOperation) => void) {
  return useMutation({
    mutationFn: (action: BulkAction) => startBulkOperation(workspaceId, { object, action, selection } as Parameters<typeof startBulkOperation>[1]),
    onSuccess: onStarted,
  });
}

function ActionForm({
  workspaceId,
  object,
  kind,
  what,
  selection,
  onStarted,
  onCancel,
}: {
  workspaceId: string;
  object: RecordType;
  kind: Exclude<Kind, 'delete'>;
  what: string;
  selection: BulkSelectionInput;
  onStarted: (o: BulkOperation) => void;
  onCancel: () => void;
}) {
  const tags = useTags(workspaceId);
  const owners = useOwners(workspaceId);
  const pipelines = usePipelines(workspaceId);
  const [value, setValue] = useState('');
  const [lostReason, setLostReason] = useState('');
  const start = useStart(workspaceId, object, selection, onStarted);
  const selectId = useId();
  const reasonId = useId();
  const stages = (pipelines.data ?? []).flatMap((p) => p.stages.map((s) => ({ ...s, pipeline: p.name, many: (pipelines.data?.length ?? 0) > 1 })));
  const lost = kind === 'stage' && stages.find((s) => s.id === value)?.kind === 'lost';
  const options: { value: string; label: string }[] =
    kind === 'tag' || kind === 'untag'
      ? (tags.data ?? []).map((t) => ({ value: t.id, label: t.name }))
      : kind === 'assign'
        ? [{ value: 'none', label: 'Nobody (unassigned)' }, ...(owners.data ?? []).map((m) => ({ value: m.userId, label: m.name }))]
        : kind === 'lifecycle'
          ? lifecycles.map((l) => ({ value: l, label: l[0]!.toUpperCase() + l.slice(1) }))
          : stages.map((s) => ({ value: s.id, label: s.many ? `${s.pipeline}: ${s.name}` : s.name }));
  const labels: Record<typeof kind, string> = { tag: 'Tag to add', untag: 'Tag to remove', assign: 'New owner', lifecycle: 'Lifecycle stage', stage: 'Stage' };
  const action = (): BulkAction | null => {
    if (!value) return null;
    if (kind === 'tag' || kind === 'untag') return { kind, tagId: value };
    if (kind === 'assign') return { kind, ownerUserId: value === 'none' ? null : value };
    if (kind === 'lifecycle') return { kind, lifecycle: value as (typeof lifecycles)[number] };
    return { kind, stageId: value, ...(lostReason.trim() ? { lostReason: lostReason.trim() } : {}) };
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const a = action();
    if (a) start.mutate(a);
  };
  const fieldError = start.error instanceof ApiError ? Object.values(start.error.fields)[0] : undefined;
  return (
    <form onSubmit={submit} className="flex w-full flex-wrap items-end gap-2">
      <div className="min-w-44">
        <label htmlFor={selectId} className="mb-1 block text-xs font-medium text-stone-700">
          {labels[kind]}
        </label>
        <select id={selectId} className={inputClass} value={value} onChange={(e) => setValue(e.target.value)} autoFocus>
          <option value="">Choose…</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
      {lost ? (
        <div className="min-w-44 flex-1">
          <label htmlFor={reasonId} className="mb-1 block text-xs font-medium text-stone-700">
            Why were they lost?
          </label>
          <input id={reasonId} className={inputClass} value={lostReason} onChange={(e) => setLostReason(e.target.value)} required />
        </div>
      ) : null}
      <Button type="submit" size="sm" disabled={!value || (lost && !lostReason.trim())} pending={start.isPending} pendingLabel="Starting…">
        Apply to {what}
      </Button>
      <Button size="sm" variant="ghost" onClick={onCancel}>
        Cancel
      </Button>
      {start.isError ? <ErrorAlert className="w-full">{fieldError ?? errorMessage(start.error)}</ErrorAlert> : null}
    </form>
  );
}

function DeleteDialog({
  open,
  workspaceId,
  object,
  what,
  selection,
  onClose,
  onStarted,
}: {
  open: boolean;
  workspaceId: string;
  object: RecordType;
  what: string;
  selection: BulkSelectionInput;
  onClose: () => void;
  onStarted: (o: BulkOperation) => void;
}) {
  const start = useStart(workspaceId, object, selection, onStarted);
  return (
    <Dialog open={open} onClose={onClose} title={`Delete ${what}?`} description="This cannot be undone. Related records stay, without the link. The deletion is recorded in the audit log.">
      {start.isError ? <ErrorAlert className="mb-4">{errorMessage(start.error)}</ErrorAlert> : null}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" autoFocus onClick={onClose}>
          Cancel
        </Button>
        <Button variant="danger" pending={start.isPending} pendingLabel="Starting…" onClick={() => start.mutate({ kind: 'delete' })}>
          Delete {what}
        </Button>
      </div>
    </Dialog>
  );
}
