import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { errorMessage, validate } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { ErrorAlert, InfoNote, StatusNote } from '../../ui/Alert';
import { announce } from '../../ui/Announcer';
import { Button } from '../../ui/Button';
import { ConfirmRemove } from '../../ui/ConfirmRemove';
import { PasswordField, SelectField, TextField } from '../../ui/Field';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { SwitchRow } from '../../ui/Switch';
import { useFormErrors } from '../../ui/useFormErrors';
import { AgentSettingsSection } from '../agents/AgentSettingsSection';
import { brainKeys } from '../brain/api';
import { SemanticSearchSettings } from '../brain/SemanticSearchSettings';
import { DataProviderSettings } from '../enrichment/DataProviderSettings';
import { Forbidden } from '../settings/Forbidden';
import { isManager, useWorkspace } from '../workspaces/useWorkspaces';
import {
  aiKeys,
  aiProviderKinds,
  providerLabels,
  removeAiProvider,
  saveAiProvider,
  saveAiProviderBody,
  testAiProvider,
  updateAiSettings,
  type AiProvider,
  type AiProviderKind,
  type TestAiProviderResult,
} from './api';
import { useAiProvider, useAiSettings } from './useAi';

const kindOptions = aiProviderKinds.map((k) => ({ value: k, label: providerLabels[k] }));
const modelHints: Record<AiProviderKind, string> = {
  openai: 'For example gpt-4o-mini or gpt-4.1.',
  anthropic: 'For example claude-3-5-haiku-latest or claude-sonnet-4-0.',
  google: 'For example gemini-2.5-flash.',
  openai_compatible: 'The model name your server knows, e.g. llama3.1 on Ollama.',
};

const embeddingHints: Record<AiProviderKind, string> = {
  openai: 'For search by meaning. Leave empty for text-embedding-3-small.',
  anthropic: '',
  google: 'For search by meaning. Leave empty for gemini-embedding-001.',
  openai_compatible: 'For search by meaning, e.g. nomic-embed-text on Ollama. Leave empty for none.',
};

/** AI-1, AI-6, AI-8: connect the workspace's AI provider, test it, and choose what is redacted. */
export function AiSettings() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const workspace = useWorkspace(workspaceId);
  // Asked only once the role is known: staff may open this page (read-only agents) and would be refused the provider.
  const allowed = isManager(workspace.data?.role);
  const provider = useAiProvider(workspaceId, allowed);
  if (!workspace.data) return <SkeletonList rows={3} label="Loading AI settings…" />;
  if (!allowed) {
    if (workspace.data.role !== 'staff') return <Forbidden what="AI settings" />;
    // Staff may see how the agents are set up, not change it.
    return (
      <div className="space-y-6">
        <PageHeading description="Only owners and admins can connect a provider or change these settings.">AI</PageHeading>
        <AgentSettingsSection workspaceId={workspaceId} readOnly />
      </div>
    );
  }
  return (
    <div className="space-y-6">
      <PageHeading
        description="Connect the AI provider Kestrel's assistants use. Your key is encrypted at rest and never shown again. Every call is recorded in AI usage."
        actions={
          <Link to="/w/$workspaceId/settings/ai-usage" params={{ workspaceId }} className="text-sm font-medium text-teal-800 underline underline-offset-2 hover:text-teal-950">
            See AI usage
          </Link>
        }
      >
        AI
      </PageHeading>
      {provider.isPending ? (
        <SkeletonList rows={3} label="Loading the AI provider…" />
      ) : provider.isError ? (
        <ErrorAlert>{errorMessage(provider.error)}</ErrorAlert>
      ) : (
        <>
          <ActiveProvider workspaceId={workspaceId} state={provider.data} />
          <ProviderForm key={provider.data.workspace?.updatedAt ?? 'new'} workspaceId={workspaceId} current={provider.data.workspace} />
        </>
      )}
      <PrivacySettings workspaceId={workspaceId} />
      <SemanticSearchSettings workspaceId={workspaceId} />
      <AgentSettingsSection workspaceId={workspaceId} readOnly={false} />
      <DataProviderSettings workspaceId={workspaceId} />
    </div>
  );
}

function ActiveProvider({ workspaceId, state }: { workspaceId: string; state: NonNullable<ReturnType<typeof useAiProvider>['data']> }) {
  const [result, setResult] = useState<TestAiProviderResult | null>(null);
  const test = useMutation({
    mutationFn: () => testAiProvider(workspaceId),
    onMutate: () => setResult(null),
    onSuccess: (r) => {
      setResult(r);
      announce(r.ok ? 'Connection works.' : 'Connection failed.');
    },
  });
  const active = state.active === 'workspace' ? state.workspace : state.active === 'operator' ? state.operator : null;
  return (
    <Card labelledBy="ai-active">
      <SectionHeading id="ai-active">Provider in use</SectionHeading>
      {!active ? (
        <InfoNote>
          No AI provider is connected, so AI features are off. Everything else in Kestrel works as usual. Connect a provider below to turn them on.
        </InfoNote>
      ) : (
        <div className="flex flex-wrap items-center justify-between gap-3">
          <p className="text-sm text-stone-800">
            <span className="font-medium">{providerLabels[active.kind]}</span> · <code className="rounded bg-stone-100 px-1.5 py-0.5 font-mono text-xs">{active.model}</code>
            <span className="ml-2 text-stone-600">{state.active === 'workspace' ? "(this workspace's own key)" : '(provided by the server operator)'}</span>
          </p>
          <Button variant="secondary" onClick={() => test.mutate()} pending={test.isPending} pendingLabel="Testing…">
            Test connection
          </Button>
        </div>
      )}
      <div aria-live="polite" className="mt-3 empty:hidden">
        {result ? (
          result.ok ? (
            <StatusNote>{result.message}{result.latencyMs !== null ? ` (${result.latencyMs} ms)` : ''}</StatusNote>
          ) : (
            <ErrorAlert title="The connection test failed">{result.message}</ErrorAlert>
          )
        ) : null}
        {test.isError ? <ErrorAlert title="The connection test failed">{errorMessage(test.error)}</ErrorAlert> : null}
      </div>
    </Card>
  );
}

const fieldNames = ['kind', 'baseUrl', 'apiKey', 'model', 'embeddingModel'] as const;

function ProviderForm({ workspaceId, current }: { workspaceId: string; current: AiProvider | null }) {
  const client = useQueryClient();
  const [kind, setKind] = useState<AiProviderKind>(current?.kind ?? 'openai');
  const [baseUrl, setBaseUrl] = useState(current?.baseUrl ?? '');
  const [apiKey, setApiKey] = useState('');
  const [model, setModel] = useState(current?.model ?? '');
  const [embeddingModel, setEmbeddingModel] = useState(current?.embeddingModel ?? '');
  const { formRef, alertRef, fields, formError, clear, showFields, showError } = useFormErrors(fieldNames);

  // The brain's status says which embedding model search by meaning uses: it changes with the provider.
  const refresh = () => Promise.all([client.invalidateQueries({ queryKey: aiKeys.all(workspaceId) }), client.invalidateQueries({ queryKey: brainKeys.status(workspaceId) })]);
  const save = useMutation({
    mutationFn: (body: Parameters<typeof saveAiProvider>[1]) => saveAiProvider(workspaceId, body),
    onSuccess: async () => {
      setApiKey('');
      announce('AI provider saved.');
      await refresh();
    },
    onError: showError,
  });
  const remove = useMutation({
    mutationFn: () => removeAiProvider(workspaceId),
    onSuccess: async () => {
      announce('AI provider removed.');
      await refresh();
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    clear();
    const body = {
      kind,
      model: model.trim(),
      embeddingModel: kind === 'anthropic' || !embeddingModel.trim() ? null : embeddingModel.trim(),
      baseUrl: baseUrl.trim() ? baseUrl.trim() : null,
      // An empty key field keeps the stored key.
      ...(apiKey.trim() ? { apiKey: apiKey.trim() } : {}),
    };
    const checked = validate(saveAiProviderBody, body);
    if (!checked.ok) return showFields(checked.fields);
    if (!current && !apiKey.trim() && kind !== 'openai_compatible') return showFields({ apiKey: `Enter your ${providerLabels[kind]} API key.` });
    save.mutate(body);
  };

  return (
    <Card labelledBy="ai-provider">
      <SectionHeading id="ai-provider" description="The workspace's own provider takes precedence over the one the server operator set up.">
        {current ? 'Your provider' : 'Connect a provider'}
      </SectionHeading>
      <form ref={formRef} onSubmit={submit} noValidate className="grid gap-4 sm:grid-cols-2">
        {formError ? (
          <ErrorAlert ref={alertRef} className="sm:col-span-2">
            {formError}
          </ErrorAlert>
        ) : null}
        <SelectField label="Provider" options={kindOptions} value={kind} onChange={(e) => setKind(e.target.value as AiProviderKind)} error={fields.kind} />
        <TextField label="Model" value={model} onChange={(e) => setModel(e.target.value)} hint={modelHints[kind]} error={fields.model} autoComplete="off" spellCheck={false} required />
        {kind === 'anthropic' ? null : (
          <TextField
            label="Embedding model"
            optional
            value={embeddingModel}
            onChange={(e) => setEmbeddingModel(e.target.value)}
            hint={embeddingHints[kind]}
            error={fields.embeddingModel}
            containerClassName="sm:col-span-2"
            autoComplete="off"
            spellCheck={false}
          />
        )}
        <TextField
          label="Base URL"
          optional={kind !== 'openai_compatible'}
          type="url"
          inputMode="url"
          placeholder={kind === 'openai_compatible' ? 'http://localhost:11434/v1' : 'Leave empty for the provider’s own address'}
          value={baseUrl}
          onChange={(e) => setBaseUrl(e.target.value)}
          hint={kind === 'openai_compatible' ? 'Where your server answers the Chat Completions API.' : 'Only for a proxy or gateway in front of the provider.'}
          error={fields.baseUrl}
          containerClassName="sm:col-span-2"
          autoComplete="off"
          spellCheck={false}
        />
        <PasswordField
          label="API key"
          optional={Boolean(current?.apiKeySet) || kind === 'openai_compatible'}
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
          hint={current?.apiKeySet ? `A key ending in ${current.apiKeyLast4} is stored. Leave empty to keep it.` : 'Stored encrypted. It is never shown again, not even to you.'}
          error={fields.apiKey}
          containerClassName="sm:col-span-2"
          autoComplete="off"
        />
        <div className="flex flex-wrap items-center gap-3 sm:col-span-2">
          <Button type="submit" pending={save.isPending}>
            {current ? 'Save changes' : 'Connect'}
          </Button>
          {current ? <ConfirmRemove label="Remove provider" question="Remove this provider and its key?" onConfirm={() => remove.mutate()} pending={remove.isPending} /> : null}
        </div>
        {current ? <p className="text-xs text-stone-500 sm:col-span-2">Last changed {formatDateTime(current.updatedAt)}.</p> : null}
        {remove.isError ? <ErrorAlert className="sm:col-span-2">{errorMessage(remove.error)}</ErrorAlert> : null}
      </form>
    </Card>
  );
}

function PrivacySettings({ workspaceId }: { workspaceId: string }) {
  const settings = useAiSettings(workspaceId);
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: (redactPii: boolean) => updateAiSettings(workspaceId, { redactPii }),
    onSuccess: (s) => {
      client.setQueryData(aiKeys.settings(workspaceId), s);
      announce(s.redactPii ? 'Emails and phone numbers will be redacted.' : 'Emails and phone numbers will be sent.');
    },
  });
  return (
    <Card labelledBy="ai-privacy">
      <SectionHeading id="ai-privacy" description="Only the records a task needs are sent. Contacts marked restricted are never sent to a provider.">
        Privacy
      </SectionHeading>
      {settings.isPending ? (
        <SkeletonList rows={1} label="Loading…" />
      ) : settings.isError ? (
        <ErrorAlert>{errorMessage(settings.error)}</ErrorAlert>
      ) : (
        <SwitchRow
          label="Redact emails and phone numbers"
          hint="Replaces them with placeholders in record details sent to the provider. Drafting emails still works; the assistant just won’t see the addresses."
          checked={settings.data.redactPii}
          pending={save.isPending}
          onToggle={() => save.mutate(!settings.data.redactPii)}
        />
      )}
      {save.isError ? <ErrorAlert className="mt-3">{errorMessage(save.error)}</ErrorAlert> : null}
    </Card>
  );
}
