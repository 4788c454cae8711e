import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { errorMessage, isApiError, type ApiError } from '../../lib/api';
import { announce } from '../../ui/Announcer';
import { SelectField } from '../../ui/Field';
import { linkClass } from '../../ui/links';
import { crmKeys, deleteDeal, fetchDeal, moveDeal, updateDeal, type CustomField, type Deal } from './api';
import { dealFields } from './fields';
import { contactName, formatDay, formatMoney, stageKindLabels, statusBadgeClass } from './format';
import { LostReasonDialog } from './LostReasonDialog';
import { rememberLabel } from './RecordPicker';
import { Badge, DeleteRecord, Fact, RecordFrame, SideCard } from './RecordParts';
import { CompanyCard, RecordPage, RecordSideCards, useRecordView } from './RecordView';
import { AgentPanel } from '../agents/AgentPanel';
import { usePipelines } from './useCrm';
import { type RecordEditor } from './useRecordEditor';

/** CRM-3, CRM-4: one deal — summary with its stage, properties edited in place, its timeline, people and tags. */
export function DealPage() {
  const { workspaceId, dealId } = useParams({ from: '/w/$workspaceId/deals/$dealId' });
  return (
    <RecordPage workspaceId={workspaceId} type="deals" recordId={dealId} load={fetchDeal}>
      {(deal, custom) => <DealView workspaceId={workspaceId} deal={deal} custom={custom} />}
    </RecordPage>
  );
}

function DealView({ workspaceId, deal, custom }: { workspaceId: string; deal: Deal; custom: CustomField[] }) {
  const lost = deal.status === 'lost';
  if (deal.contact) rememberLabel(deal.contact.id, contactName(deal.contact));
  if (deal.company) rememberLabel(deal.company.id, deal.company.name);
  const { canEdit, canManage, editor, shown, owner, properties } = useRecordView<Deal>({
    workspaceId,
    type: 'deals',
    record: deal,
    custom,
    sections: [{ title: 'Deal', fields: lost ? [...dealFields.main, dealFields.lostReason] : dealFields.main }],
    save: (body) => updateDeal(workspaceId, deal.id, body as Parameters<typeof updateDeal>[2]),
    what: 'Deal',
  });
  return (
    <RecordFrame
      workspaceId={workspaceId}
      type="deals"
      recordId={deal.id}
      title={shown.name}
      facts={
        <>
          <Badge className={statusBadgeClass[shown.status]}>{shown.status === 'open' ? shown.stage.name : stageKindLabels[shown.status]}</Badge>
          <Fact>{formatMoney(shown.amount, shown.currency)}</Fact>
          {shown.expectedCloseDate ? <Fact>Expected close {formatDay(shown.expectedCloseDate)}</Fact> : null}
          {shown.probability !== null ? <Fact>{shown.probability}% likely</Fact> : null}
          {owner ? <Fact>Owner: {owner.name}</Fact> : null}
        </>
      }
      actions={
        <>
          <Link to="/w/$workspaceId/deals/board" params={{ workspaceId }} search={{ pipeline: shown.pipelineId }} className="self-center text-sm font-medium text-teal-700 hover:underline">
            Open the board
          </Link>
          {canManage ? <DeleteRecord workspaceId={workspaceId} type="deals" name={shown.name} remove={() => deleteDeal(workspaceId, deal.id)} /> : null}
        </>
      }
      summary={<StageMover workspaceId={workspaceId} editor={editor} canEdit={canEdit} />}
      canLog={canEdit}
      properties={properties}
      more={<AgentPanel workspaceId={workspaceId} subjectType="deals" subjectId={deal.id} recordName={shown.name} />}
      related={
        <RecordSideCards workspaceId={workspaceId} type="deals" record={deal} canEdit={canEdit}>
          <SideCard title="Contact">
            {shown.contact ? (
              <Link to="/w/$workspaceId/contacts/$contactId" params={{ workspaceId, contactId: shown.contact.id }} className={linkClass}>
                {contactName(shown.contact)}
              </Link>
            ) : (
              <p className="text-sm text-stone-500">No contact. Pick one under Properties.</p>
            )}
          </SideCard>
          <CompanyCard workspaceId={workspaceId} company={shown.company} none="No company. Pick one under Properties." />
        </RecordSideCards>
      }
    />
  );
}

/** The stage, changed through the move route: won and lost close the deal, lost asks why. */
function StageMover({ workspaceId, editor, canEdit }: { workspaceId: string; editor: RecordEditor<Deal>; canEdit: boolean }) {
  const client = useQueryClient();
  const pipelines = usePipelines(workspaceId);
  const deal = editor.base;
  const pipeline = pipelines.data?.find((p) => p.id === deal.pipelineId);
  const [askLost, setAskLost] = useState<string | null>(null);
  const move = useMutation({
    mutationFn: (input: { stageId: string; lostReason?: string }) => moveDeal(workspaceId, deal.id, { ...input, version: deal.version }),
    onSuccess: (moved) => {
      editor.adopt(moved);
      announce(`${moved.name} moved to ${moved.stage.name}.`);
      void client.invalidateQueries({ queryKey: crmKeys.lists(workspaceId, 'deals') });
      void client.invalidateQueries({ queryKey: crmKeys.totals(workspaceId, moved.pipelineId) });
    },
    onError: (error) => {
      // Someone else changed the deal: show their version; the person can move it again.
      const current = isApiError(error, 'version_conflict') ? ((error as ApiError).details.current as Deal | undefined) : undefined;
      if (current && !editor.dirty) editor.adopt(current);
    },
  });
  const lostStage = pipeline?.stages.find((s) => s.id === askLost);
  const options = (pipeline?.stages ?? []).map((s) => ({ value: s.id, label: s.kind === 'open' ? `${s.name} (${s.probability}%)` : `${s.name} — ${stageKindLabels[s.kind].toLowerCase()}` }));
  const pick = (stageId: string) => {
    const stage = pipeline?.stages.find((s) => s.id === stageId);
    if (!stage || stage.id === deal.stageId) return;
    if (stage.kind === 'lost') setAskLost(stage.id);
    else move.mutate({ stageId });
  };
  return (
    <section aria-labelledby="deal-stage">
      <h2 id="deal-stage" className="sr-only">
        Stage
      </h2>
      <div className="grid items-end gap-x-4 gap-y-2 sm:grid-cols-[minmax(0,22rem)_minmax(0,1fr)]">
        <SelectField
          label={pipeline ? `Stage in ${pipeline.name}` : 'Stage'}
          name="stage"
          options={options.length ? options : [{ value: deal.stageId, label: deal.stage.name }]}
          value={move.isPending ? move.variables.stageId : deal.stageId}
          onChange={(e) => pick(e.target.value)}
          disabled={!canEdit || move.isPending}
          aria-busy={move.isPending || undefined}
        />
        {deal.status === 'lost' && deal.lostReason ? <p className="text-sm text-stone-600">Lost: {deal.lostReason}</p> : null}
      </div>
      {move.isError ? (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {isApiError(move.error, 'version_conflict') ? 'Someone else changed this deal a moment ago. Its current stage is shown; move it again if you still want to.' : errorMessage(move.error)}
        </p>
      ) : null}
      <LostReasonDialog
        dealName={askLost ? deal.name : null}
        stageName={lostStage?.name ?? 'Lost'}
        onCancel={() => setAskLost(null)}
        onConfirm={(reason) => {
          const stageId = askLost!;
          setAskLost(null);
          move.mutate({ stageId, lostReason: reason });
        }}
      />
    </section>
  );
}
