import { useNavigate } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { SelectField, TextField } from '../../ui/Field';
import { useMe } from '../accounts/useMe';
import { useWorkspace } from '../workspaces/useWorkspaces';
import { createDeal, type Deal } from './api';
import { CreateForm } from './CreateForm';
import { Dialog } from './Dialog';
import { customFieldDefs, dealFields, type FieldDef } from './fields';
import { useCustomFields, usePipelines } from './useCrm';

const pick = (key: string) => dealFields.main.find((f) => f.key === key)!;
const newDealFields: FieldDef<Deal>[] = ['name', 'amount', 'currency', 'expectedCloseDate', 'contactId', 'companyId', 'ownerUserId'].map(pick);

/** CRM-3: a new deal in a pipeline and stage of the person's choosing, optionally linked to a contact and company. */
export function CreateDealDialog({
  workspaceId,
  open,
  onClose,
  initial = {},
  onCreated,
}: {
  workspaceId: string;
  open: boolean;
  onClose: () => void;
  initial?: { contactId?: string | null; companyId?: string | null; pipelineId?: string; stageId?: string };
  /** Instead of opening the new deal (the board stays where it is). */
  onCreated?: (deal: Deal) => void;
}) {
  return (
    <Dialog open={open} onClose={onClose} title="Add a deal" wide>
      <DealForm workspaceId={workspaceId} onClose={onClose} initial={initial} onCreated={onCreated} />
    </Dialog>
  );
}

function DealForm({ workspaceId, onClose, initial, onCreated }: { workspaceId: string; onClose: () => void; initial: NonNullable<Parameters<typeof CreateDealDialog>[0]['initial']>; onCreated?: ((deal: Deal) => void) | undefined }) {
  const navigate = useNavigate();
  const me = useMe();
  const workspace = useWorkspace(workspaceId);
  const pipelines = usePipelines(workspaceId);
  const custom = useCustomFields(workspaceId, 'deals');
  const list = pipelines.data ?? [];
  const [pipelineId, setPipelineId] = useState(initial.pipelineId ?? '');
  const [stageId, setStageId] = useState(initial.stageId ?? '');
  const [lostReason, setLostReason] = useState('');
  const pipeline = list.find((p) => p.id === pipelineId) ?? list[0];
  const stage = pipeline?.stages.find((s) => s.id === stageId) ?? pipeline?.stages[0];
  const fields = useMemo(() => [...newDealFields, ...customFieldDefs<Deal>((custom.data ?? []).filter((f) => f.required))] as FieldDef<never>[], [custom.data]);

  if (pipelines.isPending || custom.isPending || workspace.isPending) return <p className="py-6 text-sm text-stone-500">Loading pipelines…</p>;
  return (
    <CreateForm<Deal>
      workspaceId={workspaceId}
      type="deals"
      fields={fields}
      initial={{ contactId: initial.contactId ?? '', companyId: initial.companyId ?? '', currency: workspace.data?.currency ?? 'USD', ownerUserId: me.data?.user?.id ?? '' }}
      extraErrorKeys={['pipelineId', 'stageId', 'lostReason']}
      extra={(errors) => (
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            label="Pipeline"
            name="pipelineId"
            options={list.map((p) => ({ value: p.id, label: p.name }))}
            value={pipeline?.id ?? ''}
            onChange={(e) => {
              setPipelineId(e.target.value);
              setStageId('');
            }}
            error={errors.pipelineId}
          />
          <SelectField
            label="Stage"
            name="stageId"
            options={(pipeline?.stages ?? []).map((s) => ({ value: s.id, label: s.kind === 'open' ? s.name : `${s.name} (${s.kind})` }))}
            value={stage?.id ?? ''}
            onChange={(e) => setStageId(e.target.value)}
            error={errors.stageId}
          />
          {stage?.kind === 'lost' ? (
            <TextField label="Why it was lost" name="lostReason" containerClassName="sm:col-span-2" value={lostReason} onChange={(e) => setLostReason(e.target.value)} error={errors.lostReason} />
          ) : null}
        </div>
      )}
      extraBody={() => ({
        body: { pipelineId: pipeline?.id, stageId: stage?.id, ...(stage?.kind === 'lost' ? { lostReason: lostReason.trim() } : {}) },
        errors: (stage?.kind === 'lost' && !lostReason.trim() ? { lostReason: 'Say why the deal was lost.' } : {}) as Record<string, string>,
      })}
      create={(body) => createDeal(workspaceId, body as Parameters<typeof createDeal>[1])}
      onCreated={(deal) => {
        onClose();
        if (onCreated) onCreated(deal);
        else void navigate({ to: '/w/$workspaceId/deals/$dealId', params: { workspaceId, dealId: deal.id } });
      }}
      onCancel={onClose}
      submitLabel="Create deal"
    />
  );
}
