import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { createPipelineBody, stageKinds } from '../../../../server/modules/crm/crm.contract';
import { ApiError, errorMessage, validate } from '../../../lib/api';
import { announce } from '../../../ui/Announcer';
import { ErrorAlert } from '../../../ui/Alert';
import { Button } from '../../../ui/Button';
import { inputClass, TextAreaField, TextField } from '../../../ui/Field';
import { Card, PageHeading, SectionHeading } from '../../../ui/PageHeading';
import { SkeletonList } from '../../../ui/Skeleton';
import { useFormErrors } from '../../../ui/useFormErrors';
import { Forbidden } from '../../settings/Forbidden';
import { addStage, createPipeline, crmKeys, deleteStage, renamePipeline, reorderStages, updateStage, type Pipeline, type Stage } from '../api';
import { stageKindLabels } from '../format';
import { useCrmRole, usePipelines } from '../useCrm';

/** CRM-3: pipelines and their stages — names, order, probability, and whether a stage is open, won or lost. */
export function PipelinesSettings() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const { canManage, loading } = useCrmRole(workspaceId);
  const pipelines = usePipelines(workspaceId);
  if (!loading && !canManage) return <Forbidden what="pipeline settings" />;
  return (
    <div>
      <PageHeading description="The stages a deal moves through, in board order. Won and lost stages close a deal.">Pipelines</PageHeading>
      <div className="space-y-6">
        {pipelines.isPending ? (
          <SkeletonList label="Loading pipelines…" />
        ) : pipelines.isError ? (
          <ErrorAlert>{errorMessage(pipelines.error)}</ErrorAlert>
        ) : (
          pipelines.data.map((p) => <PipelineCard key={p.id} workspaceId={workspaceId} pipeline={p} />)
        )}
        <NewPipeline workspaceId={workspaceId} />
      </div>
    </div>
  );
}

function usePipelineUpdate(workspaceId: string) {
  const client = useQueryClient();
  return (next: Pipeline) => {
    client.setQueryData<Pipeline[]>(crmKeys.pipelines(workspaceId), (list) => list?.map((p) => (p.id === next.id ? next : p)));
    void client.invalidateQueries({ queryKey: crmKeys.totals(workspaceId, next.id) });
  };
}

function PipelineCard({ workspaceId, pipeline }: { workspaceId: string; pipeline: Pipeline }) {
  const apply = usePipelineUpdate(workspaceId);
  const [name, setName] = useState(pipeline.name);
  const rename = useMutation({
    mutationFn: () => renamePipeline(workspaceId, pipeline.id, name.trim()),
    onSuccess: (p) => {
      apply(p);
      announce(`Pipeline renamed to ${p.name}.`);
    },
  });
  const reorder = useMutation({
    mutationFn: (ids: string[]) => reorderStages(workspaceId, pipeline.id, ids),
    onSuccess: (p, ids) => {
      apply(p);
      const moved = p.stages.find((s) => s.id === ids.find((id, i) => pipeline.stages[i]?.id !== id));
      if (moved) announce(`${moved.name} is now stage ${p.stages.findIndex((s) => s.id === moved.id) + 1} of ${p.stages.length}.`);
    },
  });
  const move = (index: number, step: -1 | 1) => {
    const ids = pipeline.stages.map((s) => s.id);
    const [id] = ids.splice(index, 1);
    ids.splice(index + step, 0, id!);
    reorder.mutate(ids);
  };
  const nameError = rename.error instanceof ApiError ? (rename.error.fields.name ?? rename.error.message) : rename.error ? errorMessage(rename.error) : undefined;
  const headingId = `pipeline-${pipeline.id}`;
  return (
    <Card labelledBy={headingId}>
      <SectionHeading id={headingId}>{pipeline.name}</SectionHeading>
      <form
        className="mb-6 flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim() && name.trim() !== pipeline.name) rename.mutate();
        }}
      >
        <TextField label="Pipeline name" containerClassName="min-w-0 flex-1" value={name} onChange={(e) => setName(e.target.value)} error={nameError} />
        <Button type="submit" variant="secondary" pending={rename.isPending} disabled={!name.trim() || name.trim() === pipeline.name}>
          Rename
        </Button>
      </form>
      {reorder.isError ? <ErrorAlert className="mb-3">{errorMessage(reorder.error)}</ErrorAlert> : null}
      <ol aria-label={`Stages of ${pipeline.name}`} className="divide-y divide-stone-200 rounded-md border border-stone-200">
        {pipeline.stages.map((stage, i) => (
          <StageRow
            key={stage.id}
            workspaceId={workspaceId}
            pipeline={pipeline}
            stage={stage}
            first={i === 0}
            last={i === pipeline.stages.length - 1}
            onMove={(step) => move(i, step)}
            moving={reorder.isPending}
          />
        ))}
      </ol>
      <AddStage workspaceId={workspaceId} pipeline={pipeline} />
    </Card>
  );
}

function StageRow({ workspaceId, pipeline, stage, first, last, onMove, moving }: { workspaceId: string; pipeline: Pipeline; stage: Stage; first: boolean; last: boolean; onMove: (step: -1 | 1) => void; moving: boolean }) {
  const apply = usePipelineUpdate(workspaceId);
  const [name, setName] = useState(stage.name);
  const [probability, setProbability] = useState(String(stage.probability));
  const [kind, setKind] = useState<Stage['kind']>(stage.kind);
  const [confirming, setConfirming] = useState(false);
  const changed = name.trim() !== stage.name || probability !== String(stage.probability) || kind !== stage.kind;
  const save = useMutation({
    mutationFn: () => updateStage(workspaceId, pipeline.id, stage.id, { name: name.trim(), probability: Number(probability), kind }),
    onSuccess: (p) => {
      apply(p);
      announce(`Stage ${name.trim()} saved.`);
    },
  });
  const remove = useMutation({
    mutationFn: async () => {
      await deleteStage(workspaceId, pipeline.id, stage.id);
    },
    onSuccess: () => {
      setConfirming(false);
      announce(`Stage ${stage.name} removed.`);
      apply({ ...pipeline, stages: pipeline.stages.filter((s) => s.id !== stage.id) });
    },
  });
  const fields = save.error instanceof ApiError ? save.error.fields : {};
  const probabilityBad = !/^\d{1,3}$/.test(probability) || Number(probability) > 100;
  const label = (what: string) => `${what} of stage ${stage.name}`;
  return (
    <li className="grid gap-2 p-3 sm:grid-cols-[auto_minmax(0,1fr)_6rem_8rem_auto] sm:items-start">
      <div className="flex gap-1 sm:pt-1">
        <Button variant="ghost" size="sm" disabled={first || moving} onClick={() => onMove(-1)} aria-label={`Move ${stage.name} up`}>
          ↑
        </Button>
        <Button variant="ghost" size="sm" disabled={last || moving} onClick={() => onMove(1)} aria-label={`Move ${stage.name} down`}>
          ↓
        </Button>
      </div>
      <div>
        <input aria-label={label('Name')} className={inputClass} value={name} onChange={(e) => setName(e.target.value)} aria-invalid={fields.name ? true : undefined} />
        {fields.name ? <p className="mt-1 text-sm text-red-700">{fields.name}</p> : null}
      </div>
      <div>
        <input aria-label={label('Probability (%)')} inputMode="numeric" className={inputClass} value={probability} onChange={(e) => setProbability(e.target.value)} aria-invalid={probabilityBad || fields.probability ? true : undefined} />
        {probabilityBad ? <p className="mt-1 text-xs text-red-700">0 to 100</p> : null}
      </div>
      <div>
        <select aria-label={label('Kind')} className={inputClass} value={kind} onChange={(e) => setKind(e.target.value as Stage['kind'])} aria-invalid={fields.kind ? true : undefined}>
          {stageKinds.map((k) => (
            <option key={k} value={k}>
              {stageKindLabels[k]}
            </option>
          ))}
        </select>
      </div>
      <div className="flex flex-wrap gap-1">
        <Button variant="secondary" size="sm" disabled={!changed || !name.trim() || probabilityBad} pending={save.isPending} onClick={() => save.mutate()}>
          Save<span className="sr-only"> stage {stage.name}</span>
        </Button>
        {confirming ? (
          <>
            <Button variant="danger" size="sm" autoFocus pending={remove.isPending} pendingLabel="Removing…" onClick={() => remove.mutate()}>
              Remove {stage.name}
            </Button>
            <Button variant="ghost" size="sm" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
          </>
        ) : (
          <Button variant="ghost" size="sm" onClick={() => setConfirming(true)}>
            Remove<span className="sr-only"> stage {stage.name}</span>
          </Button>
        )}
      </div>
      {save.isError && !Object.keys(fields).length ? <p role="alert" className="text-sm text-red-700 sm:col-span-5">{errorMessage(save.error)}</p> : null}
      {save.isError && fields.kind ? <p role="alert" className="text-sm text-red-700 sm:col-span-5">{save.error instanceof ApiError ? save.error.message : fields.kind}</p> : null}
      {remove.isError ? <p role="alert" className="text-sm text-red-700 sm:col-span-5">{errorMessage(remove.error)}</p> : null}
    </li>
  );
}

function AddStage({ workspaceId, pipeline }: { workspaceId: string; pipeline: Pipeline }) {
  const apply = usePipelineUpdate(workspaceId);
  const [name, setName] = useState('');
  const [probability, setProbability] = useState('0');
  const errors = useFormErrors(['name', 'probability']);
  // New open stages go before the first closing stage, where people expect them.
  const firstClosed = pipeline.stages.findIndex((s) => s.kind !== 'open');
  const add = useMutation({
    mutationFn: () => addStage(workspaceId, pipeline.id, { name: name.trim(), probability: Number(probability), kind: 'open', ...(firstClosed >= 0 ? { position: firstClosed } : {}) }),
    onSuccess: (p) => {
      apply(p);
      announce(`Stage ${name.trim()} added.`);
      setName('');
      setProbability('0');
    },
    onError: (e) => errors.showError(e),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!name.trim()) found.name = 'Name the stage.';
    if (!/^\d{1,3}$/.test(probability) || Number(probability) > 100) found.probability = 'Use a whole number from 0 to 100.';
    if (Object.keys(found).length) return errors.showFields(found);
    errors.clear();
    add.mutate();
  };
  return (
    <form ref={errors.formRef} onSubmit={submit} noValidate className="mt-4 grid gap-3 sm:grid-cols-[minmax(0,1fr)_8rem_auto] sm:items-end">
      {errors.formError ? <ErrorAlert ref={errors.alertRef} className="sm:col-span-3">{errors.formError}</ErrorAlert> : null}
      <TextField label="New stage" placeholder="Like Demo booked" value={name} onChange={(e) => setName(e.target.value)} error={errors.fields.name} />
      <TextField label="Probability (%)" inputMode="numeric" value={probability} onChange={(e) => setProbability(e.target.value)} error={errors.fields.probability} />
      <Button type="submit" variant="secondary" pending={add.isPending} pendingLabel="Adding…">
        Add stage
      </Button>
    </form>
  );
}

function NewPipeline({ workspaceId }: { workspaceId: string }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [stages, setStages] = useState('New\nQualified\nProposal');
  const errors = useFormErrors(['name', 'stages']);
  const create = useMutation({
    mutationFn: (body: Parameters<typeof createPipeline>[1]) => createPipeline(workspaceId, body),
    onSuccess: (p) => {
      client.setQueryData<Pipeline[]>(crmKeys.pipelines(workspaceId), (list) => [...(list ?? []), p]);
      announce(`Pipeline ${p.name} created.`);
      setName('');
    },
    onError: (e) => errors.showError(e),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const open = stages
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
    const body = {
      name,
      stages: [
        ...open.map((s, i) => ({ name: s, probability: Math.round(((i + 1) / (open.length + 1)) * 100), kind: 'open' as const })),
        { name: 'Won', probability: 100, kind: 'won' as const },
        { name: 'Lost', probability: 0, kind: 'lost' as const },
      ],
    };
    const checked = validate(createPipelineBody, body);
    if (!checked.ok) return errors.showFields(checked.fields);
    errors.clear();
    create.mutate(checked.data);
  };
  return (
    <Card labelledBy="new-pipeline">
      <SectionHeading id="new-pipeline" description="For a different way of selling, like renewals or partnerships.">
        New pipeline
      </SectionHeading>
      <form ref={errors.formRef} onSubmit={submit} noValidate className="space-y-4">
        {errors.formError ? <ErrorAlert ref={errors.alertRef}>{errors.formError}</ErrorAlert> : null}
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={errors.fields.name} />
        <TextAreaField label="Open stages, one per line" hint="Won and Lost stages are added at the end. You can rename, reorder and tune them afterwards." rows={4} value={stages} onChange={(e) => setStages(e.target.value)} error={errors.fields.stages} />
        <Button type="submit" pending={create.isPending} pendingLabel="Creating…">
          Create pipeline
        </Button>
      </form>
    </Card>
  );
}
